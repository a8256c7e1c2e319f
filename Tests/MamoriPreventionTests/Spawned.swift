import Foundation

/// A child process the test spawns with posix_spawn and reaps itself with waitpid.
///
/// Why not Foundation's `Process`: its reaping did not notice a child that was stopped and
/// then killed (the kill-tree sequence), leaving `waitUntilExit` blocked on a zombie.
final class Spawned {
    let pid: pid_t
    private(set) var status: Int32?

    init(_ script: String) throws {
        var pid: pid_t = 0
        let args: [String] = ["/bin/sh", "-c", script]
        let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        let rc = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        self.pid = pid
    }

    /// Reaps the child if it has exited; true while it runs.
    var isRunning: Bool {
        guard status == nil else { return false }
        var st: Int32 = 0
        if waitpid(pid, &st, WNOHANG) == pid { status = st; return false }
        return true
    }

    /// Waits up to `seconds` for the child to end; true when it did.
    @discardableResult
    func wait(seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning {
            if Date() > deadline { return false }
            usleep(5_000)
        }
        return true
    }

    /// The signal that ended the child, if a signal did.
    var terminationSignal: Int32? {
        guard let st = status, (st & 0x7f) != 0, (st & 0x7f) != 0x7f else { return nil }
        return st & 0x7f
    }

    /// SIGKILL if still running, then reap.
    func stop() {
        if isRunning { kill(pid, SIGKILL) }
        wait()
    }
}
