import MamoriTestSupport
import Foundation
import Glibc
import MamoriAgent
import MamoriBaseline
import MamoriControl
import MamoriPrevention
import MamoriStore
import Testing

/// Behavioural baselines through the whole agent on the real kernel: a stand-in service (a
/// Python loop) in a cgroup the test creates as `system.slice/<name>.service`, in a network
/// namespace the test creates, runs its routine until its profile is stable; then it runs
/// `/bin/sh -c`, connects to a new port and writes outside its paths — three deviation
/// alerts, each naming what is new, and none from the routine. The proposal built from the
/// profile, applied at lockdown for that unit only, denies the shell and the new connect of
/// the unit and nothing of a process outside it. Cgroup and namespace are removed in `defer`.
@Suite("Baseline end to end", .serialized,
       .enabled(if: Privilege.integrationEnabled))
struct BaselineEndToEndTests {
    static let python = "/usr/bin/python3.11"
    static let address = "10.231.7.1"

    static let service = """
    import os, socket, subprocess, sys, time
    cfg, log, phasef, other, status = sys.argv[1:6]
    p1, p2, p3 = (int(x) for x in sys.argv[6:9])
    A = '\(address)'
    def listener(addr, port):
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((addr, port)); s.listen(16)
        return s
    l1, l2, l3 = listener(A, p1), listener(A, p2), listener('127.0.0.1', p3)
    def connect(l, addr, port):
        try:
            s = socket.create_connection((addr, port), timeout=2); c, _ = l.accept(); c.close(); s.close(); return 'ok'
        except Exception as e:
            return type(e).__name__
    done = set()
    while True:
        with open(cfg) as f: f.read()
        with open(phasef) as f: phase = f.read().strip()
        with open(log, 'a') as f: f.write('tick\\n')
        r1 = connect(l1, A, p1); connect(l3, '127.0.0.1', p3)
        subprocess.run(['/bin/true'])
        if phase not in done and phase in ('deviate', 'enforce'):
            done.add(phase)
            try:
                sh = str(subprocess.run(['/bin/sh', '-c', 'exit 0']).returncode)
            except Exception as e:
                sh = type(e).__name__
            r2 = connect(l2, A, p2)
            with open(other, 'w') as f: f.write('x')
            with open(status + '.' + phase, 'w') as f: f.write(f'{sh} {r2} {r1}\\n')
        time.sleep(0.2)
    """

    static func run(_ argv: [String]) -> Int32 {
        var pid: pid_t = 0
        var cargv = argv.map { strdup($0) } + [nil]
        defer { for p in cargv { free(p) } }
        guard posix_spawn(&pid, argv[0], nil, nil, &cargv, environ) == 0 else { return -1 }
        var st: Int32 = 0
        waitpid(pid, &st, 0)
        return st
    }

    static func spawn(_ argv: [String]) throws -> pid_t {
        var pid: pid_t = 0
        var cargv = argv.map { strdup($0) } + [nil]
        defer { for p in cargv { free(p) } }
        let rc = posix_spawn(&pid, argv[0], nil, nil, &cargv, environ)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        return pid
    }

    static func alerts(_ path: String) -> [[String: Any]] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func baselineAlerts(_ path: String, unit: String) -> [[String: Any]] {
        alerts(path).filter { (($0["rule"] as? [String: Any])?["id"] as? String)?.hasPrefix("mamori.baseline.") == true
            && ((($0["mamori"] as? [String: Any])?["baseline"] as? [String: Any])?["unit"] as? String) == unit }
    }

    static func detail(_ a: [String: Any]) -> [String: Any] { ((a["mamori"] as? [String: Any])?["baseline"] as? [String: Any]) ?? [:] }
    static func ruleId(_ a: [String: Any]) -> String { ((a["rule"] as? [String: Any])?["id"] as? String) ?? "" }

    static func wait(seconds: Double, _ done: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline { if done() { return true }; usleep(100_000) }
        return done()
    }

    @Test("stable profile: the routine is silent, three deviations named; the proposal blocks them for that unit only")
    func endToEnd() throws {
        let tag = "mamori-bl-\(getpid())"
        let dir = NSTemporaryDirectory() + tag
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        title: Inert rule (baseline e2e test)
        id: test-baseline-inert
        level: low
        logsource: {product: linux, category: process_creation}
        detection:
          sel: {CommandLine|contains: never-ever-\(tag)}
          condition: sel
        """.write(toFile: dir + "/rules/inert.yml", atomically: true, encoding: .utf8)
        try Self.service.write(toFile: dir + "/svc.py", atomically: true, encoding: .utf8)
        try "setting: 1\n".write(toFile: dir + "/svc.conf", atomically: true, encoding: .utf8)
        try "learn\n".write(toFile: dir + "/phase", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/elsewhere", withIntermediateDirectories: true)

        // Network namespace with a non-loopback local address (loopback is always open to the
        // kernel's egress policy, so the blocked connect must go elsewhere).
        #expect(Self.run(["/usr/sbin/ip", "netns", "add", tag]) == 0)
        defer { _ = Self.run(["/usr/sbin/ip", "netns", "del", tag]) }
        #expect(Self.run(["/usr/sbin/ip", "-n", tag, "link", "set", "lo", "up"]) == 0)
        #expect(Self.run(["/usr/sbin/ip", "-n", tag, "addr", "add", Self.address + "/32", "dev", "lo"]) == 0)

        // The unit's cgroup: <cgroup2 mount>/system.slice/<tag>.service.
        let mount = try #require(CgroupDirectory.discoverMount(), "no cgroup v2 mount")
        let unit = tag + ".service"
        let slice = mount + "/system.slice"
        let madeSlice = mkdir(slice, 0o755) == 0
        let cgroup = slice + "/" + unit
        #expect(mkdir(cgroup, 0o755) == 0)
        var children: [pid_t] = []
        defer {
            for pid in children { kill(pid, SIGKILL); var st: Int32 = 0; waitpid(pid, &st, 0) }
            for _ in 0..<50 where rmdir(cgroup) != 0 { usleep(100_000) }
            if madeSlice { rmdir(slice) }
        }

        var config = AgentConfiguration(rulesDirectory: dir + "/rules", alertsPath: dir + "/alerts.json",
                                        databasePath: dir + "/mamori.db")
        config.watchFiles = []
        config.watchDirectories = []
        config.levelStatePath = dir + "/state.json"
        config.controlSocket = nil
        config.baseline.quietPeriodNs = 4_000_000_000
        config.baseline.units = [unit]
        let running = try TestAgent(directory: dir, configuration: config)
        defer { running.stop() }
        let agent = running.agent
        let control = AgentControlHandler(agent: agent, version: "test")
        let root = Peer(uid: 0, gid: 0, pid: getpid(), comm: "baseline-e2e")
        let start = Int64(Date().timeIntervalSince1970 * 1e9)

        // The service: moves itself into the unit's cgroup, enters the namespace, runs Python.
        let ports = (41_000 + Int(getpid() % 1_000) * 3)
        let svc = [Self.python, "-B", dir + "/svc.py", dir + "/svc.conf", dir + "/svc.log", dir + "/phase",
                   dir + "/elsewhere/dropped.dat", dir + "/status", String(ports), String(ports + 1), String(ports + 2)]
        let script = "echo $$ > '\(cgroup)/cgroup.procs' && exec /usr/sbin/ip netns exec \(tag) " + svc.map { "'\($0)'" }.joined(separator: " ")
        children.append(try Self.spawn(["/bin/sh", "-c", script]))

        func profile() -> BaselineProfileRow? { agent.baselineMailbox.profiles.first { $0.profile == unit } }
        #expect(Self.wait(seconds: 60) { profile()?.state == "stable" }, "profile never became stable: \(String(describing: profile()))")
        let stable = try #require(profile())
        #expect(stable.eventsSeen > 10)
        // Its routine keeps running while stable and raises nothing.
        usleep(2_000_000)
        #expect(Self.baselineAlerts(dir + "/alerts.json", unit: unit).isEmpty,
                "the routine must raise no deviation: \(Self.baselineAlerts(dir + "/alerts.json", unit: unit).map(Self.detail))")

        // Deviate: a shell, a new port, a file outside its paths.
        try "deviate\n".write(toFile: dir + "/phase", atomically: true, encoding: .utf8)
        #expect(Self.wait(seconds: 30) { FileManager.default.fileExists(atPath: dir + "/status.deviate") })
        var found: [String: [String: Any]] = [:]
        _ = Self.wait(seconds: 20) {
            for a in Self.baselineAlerts(dir + "/alerts.json", unit: unit) { found[Self.ruleId(a)] = a }
            return found.count >= 3
        }
        let shell = try #require(found["mamori.baseline.shell-under-service"], "got \(found.keys.sorted())")
        #expect((Self.detail(shell)["new"] as? [String])?.contains { $0.hasPrefix("executable /bin/sh") || $0.hasPrefix("executable /usr/bin/sh") || $0.contains("/dash") } == true,
                "\(Self.detail(shell))")
        #expect(((Self.detail(shell)["profile"] as? [String]) ?? []).contains("/bin/true") || ((Self.detail(shell)["profile"] as? [String]) ?? []).contains("/usr/bin/true"))
        #expect(((shell["event"] as? [String: Any])?["severity"] as? Int).map { $0 >= 70 } ?? true)
        let dest = try #require(found["mamori.baseline.new-destination"], "got \(found.keys.sorted())")
        #expect((Self.detail(dest)["new"] as? [String])?.first?.contains("port \(ports + 1)/tcp") == true, "\(Self.detail(dest))")
        #expect((Self.detail(dest)["profile"] as? [String])?.contains("tcp 10.231.7.0/24 \(ports)") == true, "\(Self.detail(dest))")
        let file = try #require(found["mamori.baseline.new-file-pattern"], "got \(found.keys.sorted())")
        #expect((Self.detail(file)["new"] as? [String])?.first?.contains("elsewhere/dropped.dat") == true, "\(Self.detail(file))")
        #expect(Set(found.keys) == ["mamori.baseline.shell-under-service", "mamori.baseline.new-destination",
                                    "mamori.baseline.new-file-pattern"], "exactly the three deviations: \(found.keys.sorted())")
        for a in found.values { #expect((a["mamori"] as? [String: Any])?["incident"] != nil, "deviations go through triage") }

        // Propose from the store, as `mamori baseline propose` does.
        usleep(3_000_000)  // the writer commits items and headers
        let store = try EventStore(path: dir + "/mamori.db", mode: .readOnly)
        let header = try #require(try store.baselineProfiles().first { $0.profile == unit })
        let items = PolicyProposal.allowList(try store.baselineItems(profile: unit), header: header, includeDeviations: false)
        let proposal = try PolicyProposal.yaml(profile: unit, state: header.state, items: items,
                                               daemonUnits: PreventionPolicy.defaultDaemonUnits, generatedAt: "e2e")
        print("baseline e2e proposal:\n\(proposal.dropIn)")
        #expect(proposal.policy.contains("\(ports)") && !proposal.policy.contains("[\(ports + 1)]"), "\(proposal.policy)")
        let policy = try PolicyParser.parse(yaml: proposal.policy, file: "proposal.yaml")
        let prevention = try #require(agent.prevention)
        try prevention.replacePolicy(policy)

        // Simulate on the recorded history: the shell and the new connect would have been stopped.
        let sim = control.handle(.levelSimulate(SimulateRequest(level: .number(4), sinceUnixNs: start, scope: .unit(unit))), from: root)
        guard case .success(.simulation(let report)) = sim else { Issue.record("simulate failed: \(sim)"); return }
        print("baseline e2e simulate: exec \(report.byExecutable.map(\.key)), egress \(report.byDestination.map(\.key))")
        #expect(report.byExecutable.contains { $0.key.hasSuffix("sh") }, "\(report.byExecutable)")
        #expect(report.byDestination.contains { $0.key.contains("\(ports + 1)") }, "\(report.byDestination)")

        // Apply at lockdown for this unit only.
        let set = control.handle(.levelSet(LevelSetRequest(level: .number(4), scope: .unit(unit), reason: "baseline e2e", forSeconds: nil)), from: root)
        if case .failure(let e) = set { Issue.record("level set failed: \(e)") }
        defer { _ = control.handle(.levelSet(LevelSetRequest(level: .number(0), scope: .unit(unit), reason: "e2e end", forSeconds: nil)), from: root) }
        try "enforce\n".write(toFile: dir + "/phase", atomically: true, encoding: .utf8)
        #expect(Self.wait(seconds: 30) { FileManager.default.fileExists(atPath: dir + "/status.enforce") })
        let result = ((try? String(contentsOfFile: dir + "/status.enforce", encoding: .utf8)) ?? "").split(separator: " ").map(String.init)
        print("baseline e2e enforce: \(result)")
        #expect(result.count == 3)
        #expect(result.first.map { $0 != "0" } == true, "the shell must be denied in the unit: \(result)")
        #expect(result.dropFirst().first == "PermissionError", "the new connect must be denied: \(result)")
        #expect(result.last?.hasPrefix("ok") == true, "the learned connect still works: \(result)")
        #expect(Self.wait(seconds: 10) { profile()?.state == "enforced" }, "\(String(describing: profile()))")

        // Nothing of any other process: the same shell and connect from outside the unit work.
        let outside = Self.run(["/usr/sbin/ip", "netns", "exec", tag, Self.python, "-B", "-c", """
            import socket, subprocess, sys
            s = socket.create_connection(('\(Self.address)', \(ports + 1)), timeout=2)
            sys.exit(subprocess.run(['/bin/sh', '-c', 'exit 0']).returncode)
            """])
        #expect(outside == 0, "a process outside the unit must be untouched (status \(outside))")
    }
}
