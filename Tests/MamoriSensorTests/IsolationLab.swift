import Foundation
import Glibc
import Testing

/// The scaffolding the isolation tests share: a network namespace the test creates with one
/// non-loopback address on its lo (isolation keeps loopback open), a cgroup the test creates,
/// a scratch directory holding the Python peers, and every child the test spawns.
///
/// Exists because SocketDestroyTests and IsolationBothWaysTests carried the same namespace,
/// cgroup, spawn, probe and wait code line for line. `close()` kills the children, deletes the
/// namespace, removes the cgroup and the directory; call it from a `defer` so it also runs when
/// a test fails. One test thread.
final class IsolationLab {
    static let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"

    /// Echo server on `address:port` (run outside the cgroup).
    static func echoServer(_ address: String, _ port: Int) -> String {
        """
        import socket, threading
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("\(address)", \(port))); s.listen(16)
        def echo(c):
            while True:
                d = c.recv(64)
                if not d: return
                c.sendall(d)
        while True:
            c, _ = s.accept(); threading.Thread(target=echo, args=(c,), daemon=True).start()
        """
    }

    /// A one-shot client: prints what it received from host:port, or "refused"/"timeout".
    static let probeScript = """
        import socket, sys
        try:
            c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
            c.sendall(b"q"); print(c.recv(8).decode() or "closed")
        except socket.timeout: print("timeout")
        except OSError as e: print("error", e.errno)
        """

    let namespace: String
    let address: String
    let dir: String
    let cgroup: TestCgroup
    private(set) var children: [Process] = []

    /// Creates the namespace (lo up, `address`/32 on it), the cgroup and the directory, and
    /// writes `scripts` (name → Python source) plus `probe.py` into the directory.
    init(tag: String, address: String, scripts: [String: String]) throws {
        namespace = "mamori-\(tag)-\(getpid())"
        self.address = address
        dir = try makeTempDir(tag)
        cgroup = try TestCgroup()
        for args in [["netns", "add", namespace], ["-n", namespace, "link", "set", "lo", "up"],
                     ["-n", namespace, "addr", "add", "\(address)/32", "dev", "lo"]] {
            #expect(try runProcess("/usr/sbin/ip", args).status == 0, "ip \(args)")
        }
        for (name, text) in scripts.merging(["probe.py": Self.probeScript], uniquingKeysWith: { a, _ in a }) {
            try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
    }

    /// Kills every child, deletes the namespace, removes the cgroup and the directory.
    func close() {
        for p in children where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() }
        _ = try? runProcess("/usr/sbin/ip", ["netns", "del", namespace])
        cgroup.remove()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Runs `shell` under /bin/sh with stdout to `output`; the child is killed by `close()`.
    @discardableResult
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

    /// Runs the Python `script` of the directory inside the namespace (and, when asked, inside
    /// the cgroup), stdout to `<dir>/<output>`.
    @discardableResult
    func python(_ script: String, _ arguments: String = "", output: String, inCgroup: Bool = false) throws -> Process {
        let enter = inCgroup ? "echo $$ > \(cgroup.path)/cgroup.procs && " : ""
        return try spawn(enter + "exec ip netns exec \(namespace) \(Self.python) \(dir)/\(script) \(arguments)",
                         output: dir + "/" + output)
    }

    /// What `probe.py` got from `address:port` ("q" from the echo server, "timeout", "error 1").
    func probe(_ port: Int, inCgroup: Bool = false) throws -> String {
        let out = "probe-\(port)-\(UInt32.random(in: 0...UInt32.max))"
        try python("probe.py", "\(address) \(port)", output: out, inCgroup: inCgroup).waitUntilExit()
        return lines(out).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The lines a child has written to `<dir>/<output>` so far.
    func lines(_ output: String) -> [Substring] {
        ((try? String(contentsOfFile: dir + "/" + output, encoding: .utf8)) ?? "").split(separator: "\n")
    }

    /// Polls `what` every 0.1 s, at most `tries` times.
    func waitFor(tries: Int = 100, _ what: () throws -> Bool) rethrows -> Bool {
        for _ in 0..<tries { if try what() { return true }; usleep(100_000) }
        return false
    }
}
