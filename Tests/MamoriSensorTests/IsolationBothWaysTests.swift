import MamoriPolicy
import CMamoriABI
import Foundation
import Glibc
import MamoriEvents
@testable import MamoriSensor
import Testing

/// Issue 13 finding 9 against the real kernel: isolation drops traffic both ways for the
/// isolated scope (cgroup_skb ingress/egress), not only new connects. Everything happens in a
/// network namespace the test creates (10.213.7.1 on its own lo: the address is not a loopback
/// address, which isolation keeps open) and a cgroup it creates; a process outside that
/// cgroup talks to the same server throughout. The namespace, the cgroup and the policy are
/// removed at the end, also on failure. The socket destroyer is switched off here, so this is
/// the fallback every kernel gets.
extension SensorIntegration {
@Suite("prevention: isolation both ways")
struct IsolationBothWaysTests {
    /// Echo server (outside the cgroup), port 9001.
    static let server = IsolationLab.echoServer("10.213.7.1", 9001)
    /// Inside the cgroup: one established session to the server, pinged every 0.2 s (one line
    /// per ping: "ok" or "lost"), and a "bind shell" listening on 9002 that answers "shell".
    static let insider = """
        import socket, sys, threading, time
        l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        l.bind(("10.213.7.1", 9002)); l.listen(4)
        def shell():
            while True:
                c, _ = l.accept(); c.sendall(b"shell"); c.close()
        threading.Thread(target=shell, daemon=True).start()
        c = socket.create_connection(("10.213.7.1", 9001)); c.settimeout(0.5)
        while True:
            try:
                c.sendall(b"p"); ok = c.recv(8) == b"p"
            except Exception:
                ok = False
            print("ok" if ok else "lost", flush=True); time.sleep(0.2)
        """
    @Test("established session and bind shell in the isolated cgroup stop; outside is unaffected; detached at the end")
    func isolationDropsBothWays() throws {
        try #require(getpid() != 1, "run the integration tests in a child of init, not as pid 1")
        let h = try SensorHarness.get()
        let program = h.session.program
        let lab = try IsolationLab(tag: "iso", address: "10.213.7.1",
                                   scripts: ["server.py": Self.server, "insider.py": Self.insider])
        // The skb layer alone (what a kernel without bpf_sock_destroy gets): the destroyer
        // would abort the session and close the listener first (SocketDestroyTests).
        program.policy.socketDestroyer?.setEnabled(false)
        defer {
            program.policy.socketDestroyer?.setEnabled(true)
            try? program.policy.apply(KernelPolicy())
            lab.close()
        }
        func insiderLines() -> [Substring] { lab.lines("insider.out") }
        func probe(_ port: Int, inCgroup: Bool = false) throws -> String { try lab.probe(port, inCgroup: inCgroup) }

        try lab.python("server.py", output: "server.out")
        #expect(try lab.waitFor { try probe(9001) == "q" }, "echo server up")
        try lab.python("insider.py", output: "insider.out", inCgroup: true)
        #expect(lab.waitFor { insiderLines().filter { $0 == "ok" }.count >= 3 }, "the insider's session passes data")
        #expect(try probe(9002) == "shell", "the bind shell answers before isolation")

        var scope = KernelPolicy.Scope(cgroupId: lab.cgroup.id, level: 0)
        scope.isolated = true
        var policy = KernelPolicy()
        policy.scopes = [scope]
        // Nothing isolated yet: the skb programs do not run on packets at all.
        #expect(program.isolation.attachedInKernel == 0, "skb isolation programs attached with nothing isolated")
        let before = program.policy.isolationDrops()
        try program.policy.apply(policy)
        #expect(program.policy.readBack().configFlags & UInt32(MAMORI_CFG_HAS_ISOLATION) != 0)
        #expect(program.isolation.attachedInKernel == 2, "both skb isolation programs attached while isolated")

        // The established session stops passing data: from some point on, only "lost".
        let mark = insiderLines().count
        #expect(lab.waitFor { insiderLines().dropFirst(mark + 2).filter { $0 == "lost" }.count >= 3 })
        let after = insiderLines().dropFirst(mark + 2)
        #expect(!after.isEmpty && !after.contains("ok"), "no ping answered after isolation: \(after)")
        // The bind shell in the cgroup cannot be reached; outside the cgroup all still works.
        #expect(try probe(9002) == "timeout", "the bind shell's SYN is dropped")
        #expect(try probe(9001) == "q", "a process outside the cgroup is unaffected")
        #expect(try probe(9001, inCgroup: true) == "error 1", "a new connect from inside is refused (EPERM)")
        let drops = program.policy.isolationDrops()
        #expect(drops.ingress > before.ingress && drops.egress > before.egress, "both directions dropped: \(before) → \(drops)")

        // Lifting isolation restores traffic and detaches the skb programs again.
        try program.policy.apply(KernelPolicy())
        #expect(program.policy.readBack().configFlags & UInt32(MAMORI_CFG_HAS_ISOLATION) == 0)
        #expect(program.isolation.attachedInKernel == 0, "skb isolation programs detached once nothing is isolated")
        #expect(try lab.waitFor { try probe(9002) == "shell" }, "the listener is reachable again")
    }
}
}
