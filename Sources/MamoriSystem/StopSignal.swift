import Atomics
import Glibc

/// Turns SIGINT/SIGTERM into a flag the worker loop polls, so Ctrl-C leads to an orderly stop
/// (poller joined, every hook detached) instead of dying mid-way.
public enum StopSignal {
    public static let requested = UnsafeAtomic<Bool>.create(false)

    /// Call before any thread is started: threads inherit the signal mask, and a parent (a
    /// test runner, a supervisor) may have left these signals blocked.
    public static func install() {
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, sig) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { _ in StopSignal.requested.store(true, ordering: .relaxed) }
        }
        signal(SIGPIPE, SIG_IGN)
    }

    public static var isRequested: Bool { requested.load(ordering: .relaxed) }
}
