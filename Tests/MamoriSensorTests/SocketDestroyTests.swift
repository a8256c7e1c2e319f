import MamoriPolicy
import CMamoriABI
import Foundation
import Glibc
import MamoriSystem
@testable import MamoriSensor
import Testing

/// Issue 13 finding 9, second half: isolation must end established sessions, not only starve
/// them. On a kernel with `bpf_sock_destroy` (6.5+; this host runs 6.18) applying an isolated
/// scope aborts the TCP sockets its processes hold: a session blocked in recv(2) returns
/// ECONNABORTED at once, a listener (bind shell) is closed. A process outside the cgroup talks
/// to the same server before and after. Everything is in a network namespace and a cgroup the
/// test creates (10.213.8.1 on the namespace's lo, not a loopback address); both are removed
/// and the policy cleared at the end, also on failure.
extension SensorIntegration {
@Suite("prevention: isolation destroys sockets")
struct SocketDestroyTests {
    /// Echo server outside the cgroup, port 9011.
    static let server = IsolationLab.echoServer("10.213.8.1", 9011)
    /// In the cgroup: a listener on 9012 blocked in accept, and a session to the server that
    /// answers one ping, then blocks in recv without a timeout. Each prints how it ended.
    static let insider = """
        import socket, threading, time
        l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        l.bind(("10.213.8.1", 9012)); l.listen(4)
        def acc():
            try:
                l.accept(); print("accepted", flush=True)
            except OSError as e: print("listen-error", e.errno, flush=True)
        threading.Thread(target=acc, daemon=True).start()
        c = socket.create_connection(("10.213.8.1", 9011))
        c.sendall(b"p"); print("ok" if c.recv(8) == b"p" else "bad", flush=True)
        try:
            d = c.recv(8); print("closed" if not d else "data", flush=True)
        except OSError as e: print("session-error", e.errno, flush=True)
        time.sleep(60)
        """
    static var kernelHasSockDestroy: Bool {
        let release = SystemIdentity.kernelRelease
        let parts = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        return parts.count == 2 && (parts[0], parts[1]) >= (6, 5)
    }

    @Test("an established session in the isolated cgroup is aborted (ECONNABORTED), its listener closed; outside unaffected")
    func isolationDestroysEstablishedSockets() throws {
        try #require(getpid() != 1, "run the integration tests in a child of init, not as pid 1")
        let h = try SensorHarness.get()
        let program = h.session.program
        guard Self.kernelHasSockDestroy else {
            #expect(program.policy.socketDestroyer == nil, "no destroyer before 6.5")
            return
        }
        let destroyer = try #require(program.policy.socketDestroyer,
                                     "the destroyer loads on \(ProcessInfo.processInfo.operatingSystemVersionString): \(SocketDestroyer.unavailable.withLock { $0 } ?? "?")")
        let lab = try IsolationLab(tag: "sd", address: "10.213.8.1",
                                   scripts: ["server.py": Self.server, "insider.py": Self.insider])
        defer {
            try? program.policy.apply(KernelPolicy())
            lab.close()
        }
        func insiderLines() -> [Substring] { lab.lines("insider.out") }

        try lab.python("server.py", output: "server.out")
        #expect(try lab.waitFor { try lab.probe(9011) == "q" }, "echo server up")
        try lab.python("insider.py", output: "insider.out", inCgroup: true)
        #expect(lab.waitFor { insiderLines().contains("ok") }, "the insider's session is established")
        #expect(!insiderLines().contains { $0.hasPrefix("session-error") || $0 == "closed" })

        var scope = KernelPolicy.Scope(cgroupId: lab.cgroup.id, level: 0)
        scope.isolated = true
        var policy = KernelPolicy()
        policy.scopes = [scope]
        let before = destroyer.totals
        try program.policy.apply(policy)
        #expect(destroyer.lastError == nil, "destroy run: \(String(describing: destroyer.lastError))")

        // Aborted at once (starving alone would leave recv blocked for minutes).
        #expect(lab.waitFor(tries: 30) { insiderLines().contains { $0.hasPrefix("session-error") } },
                "the blocked recv returned an error: \(insiderLines())")
        #expect(insiderLines().contains("session-error 103"), "ECONNABORTED: \(insiderLines())")
        #expect(lab.waitFor(tries: 30) { insiderLines().contains { $0.hasPrefix("listen-error") } },
                "the listener was closed under its accept: \(insiderLines())")
        let after = destroyer.totals
        #expect(after.destroyed >= before.destroyed + 2, "session and listener destroyed: \(before) → \(after)")
        // The server (outside the cgroup) and its other clients are untouched.
        #expect(try lab.probe(9011) == "q", "a process outside the cgroup is unaffected")
    }
}
}
