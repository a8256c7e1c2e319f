import Glibc

/// A point on CLOCK_MONOTONIC, in seconds, after which a blocking step gives up.
///
/// Exists so that every wait in the system layer is bounded by an absolute time: a loop that
/// retries (EINTR, partial writes, EAGAIN) never extends the caller's budget. Sendable value.
public struct Deadline: Sendable, Comparable {
    /// Monotonic seconds; `.infinity` never expires.
    public var seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    /// No bound at all.
    public static let never = Deadline(seconds: .infinity)

    /// `timeout` seconds from now.
    public static func after(_ timeout: Double) -> Deadline { Deadline(seconds: MonotonicClock.seconds() + timeout) }

    /// Seconds left (never negative).
    public var remaining: Double { max(0, seconds - MonotonicClock.seconds()) }

    public var hasPassed: Bool { MonotonicClock.seconds() >= seconds }

    /// Milliseconds for poll(2): -1 when unbounded, rounded up so a short wait is not zero.
    var pollMilliseconds: Int32 {
        if seconds == .infinity { return -1 }
        return Int32(min(remaining * 1000, 1_000_000).rounded(.up))
    }

    public static func < (a: Deadline, b: Deadline) -> Bool { a.seconds < b.seconds }
}

/// CLOCK_MONOTONIC, for deadlines and durations that wall-clock steps must not disturb.
/// Stateless; any thread.
public enum MonotonicClock {
    public static func seconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    public static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
