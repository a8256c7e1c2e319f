import Atomics
import Glibc

/// Turns SIGINT/SIGTERM into a flag the worker loop polls, so Ctrl-C leads to an orderly stop
/// (poller joined, every hook detached) instead of dying mid-way.
enum StopSignal {
    nonisolated(unsafe) static let requested = UnsafeAtomic<Bool>.create(false)

    static func install() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { _ in StopSignal.requested.store(true, ordering: .relaxed) }
        }
        signal(SIGPIPE, SIG_IGN)
    }

    static var isRequested: Bool { requested.load(ordering: .relaxed) }
}
