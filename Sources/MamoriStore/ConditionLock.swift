#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex with one condition variable whose timed waits use CLOCK_MONOTONIC (a
/// wall-clock step cannot stretch or cut a flush interval).
///
/// Exists because the writer needs "sleep until N rows, a flush request or T ms", which
/// `Mutex` alone cannot express, and Foundation is not a dependency of the store. Both are
/// heap-allocated once so they never move.
///
/// SAFETY: `@unchecked Sendable` because the pthread objects are the synchronisation: they are
/// initialised in `init`, destroyed in `deinit`, and only used through pthread calls.
final class ConditionLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }

    /// Waits (lock held) until signalled or until the CLOCK_MONOTONIC time `deadlineNs`
    /// (`nil`: no deadline). Spurious wake-ups happen: callers re-check their condition.
    func wait(untilMonotonicNs deadlineNs: Int64?) {
        guard let deadlineNs else {
            pthread_cond_wait(condition, mutex)
            return
        }
        var spec = timespec(tv_sec: Int(deadlineNs / 1_000_000_000), tv_nsec: Int(deadlineNs % 1_000_000_000))
        pthread_cond_timedwait(condition, mutex, &spec)
    }

    func signal() { pthread_cond_signal(condition) }
    func broadcast() { pthread_cond_broadcast(condition) }

    /// CLOCK_MONOTONIC now, in nanoseconds.
    static func monotonicNs() -> Int64 { now(CLOCK_MONOTONIC) }

    /// CLOCK_REALTIME now, in nanoseconds since the Unix epoch.
    static func wallClockNs() -> Int64 { now(CLOCK_REALTIME) }

    private static func now(_ clock: clockid_t) -> Int64 {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}

/// Starts `body` on a new pthread (not the cooperative pool: the writer blocks on disk) and
/// returns its handle for `pthread_join`. `body` is `sending`: whatever it captures (the
/// writer's connection) moves to the new thread and is no longer reachable from the caller.
func startThread(_ body: sending @escaping () -> Void) -> pthread_t {
    final class Box { let body: () -> Void; init(_ b: @escaping () -> Void) { body = b } }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(&thread, nil, { arg in
        let box = Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue()
        box.body()
        return nil
    }, context)
    precondition(rc == 0, "pthread_create failed (\(rc)): cannot start the store writer thread")
    return thread
}
