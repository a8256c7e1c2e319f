import MamoriTestSupport
import Foundation
import Glibc
import MamoriAgent
import MamoriControl
import MamoriPrevention
import MamoriStore
import Testing

/// Prevention through the whole agent on the real kernel, scoped to a cgroup the test creates
/// (named like a systemd scope so levels address it as a unit): what `level simulate` predicts
/// for a level is what that level then does, in the kernel (exec deny) and from a rule (kill);
/// level changes are audited and timed raises revert on their own; nothing outside the cgroup
/// is touched.
@Suite("Prevention end to end", .serialized,
       .enabled(if: Privilege.integrationEnabled))
struct PreventionEndToEndTests {
    static let token = "mamori-e2e-kill-\(getpid())"

    static var rules: String { """
    title: Marker command (prevention e2e test)
    id: test-e2e-kill
    level: critical
    tags: [attack.execution, attack.t1059.004]
    logsource: {product: linux, category: process_creation}
    detection:
      sel:
        CommandLine|contains: \(token)
      condition: sel
    mamori: {response: kill, confidence: high}
    """ }

    /// A child of `/bin/sh` that first moves itself into `cgroupProcs`, then execs `command`.
    /// A spawned child and how it ended; reaped by the test itself (waitpid on its own pid),
    /// so no other code in the test process can take its exit status.
    final class Child {
        let pid: pid_t
        private(set) var status: Int32?
        init(pid: pid_t) { self.pid = pid }
        var isRunning: Bool {
            if status != nil { return false }
            var st: Int32 = 0
            let r = waitpid(pid, &st, WNOHANG)
            if r == pid { status = st; return false }
            return r == 0
        }
        var killedBySIGKILL: Bool { !isRunning && status.map { ($0 & 0x7f) == SIGKILL } == true }
        var exitedNormally: Bool { !isRunning && status.map { ($0 & 0x7f) == 0 } == true }
        var exitCode: Int32? { status.flatMap { ($0 & 0x7f) == 0 ? ($0 >> 8) & 0xff : nil } }
        func kill9() { if isRunning { kill(pid, SIGKILL); var st: Int32 = 0; waitpid(pid, &st, 0); status = st } }
    }

    /// `/bin/sh` that first moves itself into `cgroupProcs`, then execs `command`. `TOK` in the
    /// environment carries the rule's token, so only the exec'd command's argv (where the shell
    /// expanded it) matches the rule, never the outer shell's.
    static func runInCgroup(_ cgroupProcs: String?, _ command: String) throws -> Child {
        let move = cgroupProcs.map { "echo $$ > '\($0)' && " } ?? ""
        let argv = ["/bin/sh", "-c", move + "exec " + command]
        let env = ["PATH=/usr/bin:/bin", "TOK=\(token)"]
        var cargv = argv.map { strdup($0) } + [nil]
        var cenv = env.map { strdup($0) } + [nil]
        defer { for p in cargv + cenv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", nil, nil, &cargv, &cenv)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        return Child(pid: pid)
    }

    static func waitExit(_ p: Child, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        return !p.isRunning
    }

    static func alerts(_ path: String) -> [[String: Any]] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func waitForAlert(_ path: String, seconds: Double = 60, _ match: ([String: Any]) -> Bool) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let a = alerts(path).first(where: match) { return a }
            usleep(100_000)
        }
        return nil
    }

    static func response(_ doc: [String: Any]) -> String { ((doc["mamori"] as? [String: Any])?["response"] as? String) ?? "" }
    static func ruleId(_ doc: [String: Any]) -> String { ((doc["rule"] as? [String: Any])?["id"] as? String) ?? "" }
    static func commandLine(_ doc: [String: Any]) -> String {
        ((doc["process"] as? [String: Any])?["command_line"] as? String) ?? ""
    }

    @Test("simulate predicts exactly what the level then kills; audited; timed raise reverts; outside untouched")
    func simulateEqualsReality() throws {
        let dir = NSTemporaryDirectory() + "mamori-prev-e2e-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.rules.write(toFile: dir + "/rules/test.yml", atomically: true, encoding: .utf8)
        let denied = dir + "/denied-touch"
        try FileManager.default.copyItem(atPath: "/usr/bin/touch", toPath: denied)

        // The cgroup every enforcement is scoped to.
        let mount = try #require(CgroupDirectory.discoverMount(), "no cgroup v2 mount")
        let unit = "mamori-e2e-\(getpid()).scope"
        let cgroup = mount + "/" + unit
        #expect(mkdir(cgroup, 0o755) == 0 || errno == EEXIST)
        defer {
            // Children are dead by now; wait for the kernel to release the cgroup.
            for _ in 0..<50 where rmdir(cgroup) != 0 { usleep(100_000) }
        }
        let procs = cgroup + "/cgroup.procs"

        var config = AgentConfiguration(rulesDirectory: dir + "/rules", alertsPath: dir + "/alerts.json",
                                        databasePath: dir + "/mamori.db")
        config.watchFiles = []
        config.watchDirectories = []
        config.levelStatePath = dir + "/state.json"
        config.controlSocket = nil
        config.prevention = try PolicyParser.parse(yaml: """
            exec_deny:
              - path: \(denied)
                level: 1
            """, file: "test-policy.yaml")
        let running = try TestAgent(directory: dir, configuration: config)
        defer { running.stop() }
        let agent = running.agent
        let control = AgentControlHandler(agent: agent, version: "test")
        let root = Peer(uid: 0, gid: 0, pid: getpid(), comm: "e2e-test")
        func set(_ level: Int, for seconds: Int64? = nil) throws {
            let r = control.handle(.levelSet(LevelSetRequest(level: .number(level), scope: .unit(unit), reason: "e2e",
                                                             forSeconds: seconds)), from: root)
            if case .failure(let e) = r { Issue.record("level set failed: \(e)"); throw e }
        }
        let start = Int64(Date().timeIntervalSince1970 * 1e9)

        // Level 0 in the scope: everything runs; the rule's alert says what level 2 would do and a
        // notice (event.kind signal) what the next level up, 1, would do in the kernel.
        try set(0)
        let marker0 = dir + "/marker0"
        let t0 = try Self.runInCgroup(procs, "\(denied) \(marker0)")
        #expect(Self.waitExit(t0, seconds: 10))
        #expect(FileManager.default.fileExists(atPath: marker0), "a level-0 scope must not enforce")
        let k0 = try Self.runInCgroup(procs, "/bin/sh -c \"sleep 1; : $TOK first\"")
        #expect(Self.waitExit(k0, seconds: 30))
        let k0Exited = k0.exitedNormally
        #expect(k0Exited, "level 0 must not kill")
        let would = Self.waitForAlert(dir + "/alerts.json") { Self.ruleId($0) == "test-e2e-kill" }
        #expect(Self.response(would ?? [:]).contains("would act at level 2"), "got \(Self.response(would ?? [:]))")
        let wouldExec = Self.waitForAlert(dir + "/alerts.json") {
            Self.ruleId($0).hasPrefix("mamori.prevention.") && Self.response($0).contains("would act")
                && String(describing: $0).contains("denied-touch")
        }
        #expect(wouldExec != nil, "the kernel's would-have record for the denied exec must become a notice")
        #expect(((wouldExec?["event"] as? [String: Any])?["kind"] as? String) == "signal",
                "a next-level notice is not an alert: \(String(describing: wouldExec?["event"]))")
        usleep(1_500_000)  // let the store writer commit the alerts and processes

        // Simulate level 2 for the scope.
        let sim = control.handle(.levelSimulate(SimulateRequest(level: .number(2), sinceUnixNs: start, scope: .unit(unit))), from: root)
        guard case .success(.simulation(let report)) = sim else { Issue.record("simulate failed: \(sim)"); return }
        let predictedRules = Set(report.byRule.map(\.key))
        let predictedExecs = Set(report.byExecutable.map(\.key))
        #expect(predictedRules.contains { $0.contains("test-e2e-kill") } || report.byRule.contains { $0.key.contains("Marker command") },
                "simulate must predict the rule kill: \(report.byRule)")
        #expect(predictedExecs.contains(denied), "simulate must predict the exec deny: \(report.byExecutable)")

        // Level 2: the same activity is stopped, and nothing else.
        try set(2)
        let marker2 = dir + "/marker2"
        let t2 = try Self.runInCgroup(procs, "\(denied) \(marker2)")
        #expect(Self.waitExit(t2, seconds: 10))
        #expect(!FileManager.default.fileExists(atPath: marker2), "a denied exec must never run")
        #expect(!t2.isRunning)
        let t2Stopped = t2.killedBySIGKILL || (t2.exitCode.map { $0 != 0 } ?? false)
        #expect(t2Stopped, "killed at exec (or EPERM with LSM)")
        // Other suites (a 20,000-exec burst) may load the machine: the process lives for 90 s,
        // the kill must come well before that.
        let k2 = try Self.runInCgroup(procs, "/bin/sh -c \"sleep 90; : $TOK second\"")
        defer { k2.kill9() }
        #expect(Self.waitExit(k2, seconds: 80), "the rule's kill response must end the process")
        #expect(k2.killedBySIGKILL, "killed by SIGKILL (status \(k2.status.map(String.init) ?? "running"))")
        let killed = Self.waitForAlert(dir + "/alerts.json") {
            Self.ruleId($0) == "test-e2e-kill" && Self.commandLine($0).contains("second")
        }
        #expect(Self.response(killed ?? [:]).hasPrefix("kill: done"), "got \(Self.response(killed ?? [:]))")
        print("e2e: rule-driven kill: \(Self.response(killed ?? [:]))")  // carries the event → signal latency
        let enforcedExec = Self.waitForAlert(dir + "/alerts.json") {
            Self.ruleId($0) == "mamori.prevention.exec-denylist" && Self.response($0).contains("done in the kernel")
        }
        #expect(enforcedExec != nil, "the kernel's kill must be recorded in an alert")
        // Reality equals prediction: the rule and the executable predicted are the ones acted on.
        #expect(predictedExecs == [denied])

        // Outside the cgroup the same executable runs.
        let markerOut = dir + "/marker-out"
        let out = try Self.runInCgroup(nil, "\(denied) \(markerOut)")
        #expect(Self.waitExit(out, seconds: 10))
        #expect(FileManager.default.fileExists(atPath: markerOut), "enforcement must stay inside the scope")

        // A timed raise reverts on its own.
        try set(3, for: 2)
        let deadline = Date().addingTimeInterval(15)
        var reverted = false
        while Date() < deadline {
            if case .success(.level(let l)) = control.handle(.levelGet, from: root),
               let o = l.overrides.first(where: { $0.scope == .unit(unit) }), o.level == 2 { reverted = true; break }
            usleep(200_000)
        }
        #expect(reverted, "level 3 for 2 s must fall back to 2")
        try set(0)

        // Every change is audited in the store.
        usleep(1_500_000)
        let store = try EventStore(path: dir + "/mamori.db", mode: .readOnly)
        let audit = try store.auditEntries(since: start)
        #expect(audit.filter { ($0.toValue ?? "").contains("2") }.count >= 1, "audit rows: \(audit)")
        #expect(audit.count >= 4)
    }
}
