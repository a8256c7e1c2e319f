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
    static let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"

    /// Echo server (outside the cgroup), port 9001.
    static let server = """
        import socket, threading
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("10.213.7.1", 9001)); s.listen(16)
        def echo(c):
            while True:
                d = c.recv(64)
                if not d: return
                c.sendall(d)
        while True:
            c, _ = s.accept(); threading.Thread(target=echo, args=(c,), daemon=True).start()
        """
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
    /// A one-shot client: prints what it received from host:port, or "refused"/"timeout".
    static let probe = """
        import socket, sys
        try:
            c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
            c.sendall(b"q"); print(c.recv(8).decode() or "closed")
        except socket.timeout: print("timeout")
        except OSError as e: print("error", e.errno)
        """

    @Test("established session and bind shell in the isolated cgroup stop; outside is unaffected; detached at the end")
    func isolationDropsBothWays() throws {
        try #require(getpid() != 1, "run the integration tests in a child of init, not as pid 1")
        let h = try SensorHarness.get()
        let program = h.session.program
        let ns = "mamori-iso-\(getpid())"
        let dir = try makeTempDir("iso")
        let cg = try TestCgroup()
        var children: [Process] = []
        // The skb layer alone (what a kernel without bpf_sock_destroy gets): the destroyer
        // would abort the session and close the listener first (SocketDestroyTests).
        program.policy.socketDestroyer?.setEnabled(false)
        defer {
            program.policy.socketDestroyer?.setEnabled(true)
            try? program.policy.apply(KernelPolicy())
            for p in children where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() }
            _ = try? runProcess("/usr/sbin/ip", ["netns", "del", ns])
            cg.remove()
            try? FileManager.default.removeItem(atPath: dir)
        }
        for args in [["netns", "add", ns], ["-n", ns, "link", "set", "lo", "up"],
                     ["-n", ns, "addr", "add", "10.213.7.1/32", "dev", "lo"]] {
            #expect(try runProcess("/usr/sbin/ip", args).status == 0, "ip \(args)")
        }
        for (name, text) in [("server.py", Self.server), ("insider.py", Self.insider), ("probe.py", Self.probe)] {
            try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
        func spawn(_ shell: String, output: String) throws -> Process {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", shell]
            FileManager.default.createFile(atPath: output, contents: nil)
            p.standardOutput = FileHandle(forWritingAtPath: output)
            try p.run()
            children.append(p)
            return p
        }
        func probe(_ port: Int, inCgroup: Bool = false) throws -> String {
            let out = dir + "/probe-\(port)-\(UInt32.random(in: 0...UInt32.max))"
            let enter = inCgroup ? "echo $$ > \(cg.path)/cgroup.procs && " : ""
            let p = try spawn(enter + "exec ip netns exec \(ns) \(Self.python) \(dir)/probe.py 10.213.7.1 \(port)", output: out)
            p.waitUntilExit()
            return ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func insiderLines() -> [Substring] {
            ((try? String(contentsOfFile: dir + "/insider.out", encoding: .utf8)) ?? "").split(separator: "\n")
        }
        func waitFor(_ what: () throws -> Bool) rethrows -> Bool {
            for _ in 0..<100 { if try what() { return true }; usleep(100_000) }
            return false
        }

        _ = try spawn("exec ip netns exec \(ns) \(Self.python) \(dir)/server.py", output: dir + "/server.out")
        #expect(try waitFor { try probe(9001) == "q" }, "echo server up")
        _ = try spawn("echo $$ > \(cg.path)/cgroup.procs && exec ip netns exec \(ns) \(Self.python) \(dir)/insider.py",
                      output: dir + "/insider.out")
        #expect(waitFor { insiderLines().filter { $0 == "ok" }.count >= 3 }, "the insider's session passes data")
        #expect(try probe(9002) == "shell", "the bind shell answers before isolation")

        var scope = KernelPolicy.Scope(cgroupId: cg.id, level: 0)
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
        #expect(waitFor { insiderLines().dropFirst(mark + 2).filter { $0 == "lost" }.count >= 3 })
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
        #expect(try waitFor { try probe(9002) == "shell" }, "the listener is reachable again")
    }
}
}
