#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts kernel CLOCK_BOOTTIME timestamps into wall-clock (Unix epoch) time.
///
/// Exists because BPF programs stamp records with `bpf_ktime_get_boot_ns()`, which is monotonic
/// and counts suspend time but has no epoch, while `@timestamp` must be wall-clock UTC. The
/// offset `realtime - boottime` is measured once at agent start (`measure()`); after a large
/// wall-clock step (NTP, admin) the owner should measure again and replace the value.
///
/// An immutable value: measure on any thread, hand it to whichever thread encodes.
public struct ClockOffset: Sendable, Equatable {
    /// CLOCK_REALTIME minus CLOCK_BOOTTIME, in nanoseconds.
    public var realtimeMinusBoottimeNs: Int64

    public init(realtimeMinusBoottimeNs: Int64) {
        self.realtimeMinusBoottimeNs = realtimeMinusBoottimeNs
    }

    /// Measures the offset now: the realtime reading bracketed by two boottime readings, best
    /// (narrowest bracket) of a few tries, so the error is a fraction of a microsecond.
    public static func measure() -> ClockOffset {
        var best: (window: Int64, offset: Int64) = (.max, 0)
        for _ in 0..<5 {
            let before = now(CLOCK_BOOTTIME)
            let real = now(CLOCK_REALTIME)
            let after = now(CLOCK_BOOTTIME)
            let window = after &- before
            if window < best.window {
                best = (window, real &- (before &+ window / 2))
            }
        }
        return ClockOffset(realtimeMinusBoottimeNs: best.offset)
    }

    /// Nanoseconds since the Unix epoch for a kernel CLOCK_BOOTTIME timestamp.
    @inlinable
    public func unixNanoseconds(boottimeNs: UInt64) -> Int64 {
        Int64(truncatingIfNeeded: boottimeNs) &+ realtimeMinusBoottimeNs
    }

    /// Reads one clock in nanoseconds (a failing clock_gettime yields 0: it cannot fail for the
    /// clock ids used here on any kernel the sensor supports).
    static func now(_ clock: clockid_t) -> Int64 {
        var spec = timespec()
        guard clock_gettime(clock, &spec) == 0 else { return 0 }
        return Int64(spec.tv_sec) &* 1_000_000_000 &+ Int64(spec.tv_nsec)
    }
}
