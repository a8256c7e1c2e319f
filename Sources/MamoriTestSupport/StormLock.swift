import Glibc

/// A machine-wide lock for tests that flood the kernel with events (exec bursts, fork storms,
/// event floods). Those tests count every event of their own burst, so another suite's flood
/// running at the same time (test targets run in parallel) would overflow their queues.
/// `flock` on a file in /tmp: held until the body returns, released if the process dies.
public enum StormLock {
    public static let path = "/tmp/mamori-test-storm.lock"

    public static func exclusive<T>(_ body: () throws -> T) rethrows -> T {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd >= 0 { _ = flock(fd, LOCK_EX) }
        defer { if fd >= 0 { _ = flock(fd, LOCK_UN); close(fd) } }
        return try body()
    }
}
