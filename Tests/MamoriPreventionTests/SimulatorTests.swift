import MamoriTestSupport
import MamoriText
import Foundation
import MamoriDetection
import MamoriEvents
import MamoriProcess
import MamoriStore
@testable import MamoriPrevention
import Testing

/// Stored history and rules shared by the simulator tests.
enum History {
    static let t0: Int64 = 1_767_225_600_000_000_000
    static let rules: [String: RuleMetadata] = [
        "crit-kill": RuleMetadata(id: "crit-kill", title: "reverse shell", level: .critical, categories: [],
                                  response: .kill, source: "r.yml"),
        "high-tree": RuleMetadata(id: "high-tree", title: "miner", level: .high, categories: [],
                                  response: .killTree, source: "r.yml"),
        "crit-none": RuleMetadata(id: "crit-none", title: "recon", level: .critical, categories: [],
                                  response: .none, source: "r.yml"),
    ]

    static func process(_ entity: String, _ pid: UInt32, parent: String?, exe: String, unit: String?) -> ProcessRow {
        ProcessRow(entityId: entity, pid: pid, ppid: 1, parentEntityId: parent, executable: exe, unit: unit,
                   seenUnixNs: t0)
    }

    static func alert(_ n: Int, _ rule: String, _ entity: String, severity: String) -> AlertRow {
        AlertRow(alertUUID: "A\(n)", tsUnixNs: t0 + Int64(n), ruleId: rule, ruleName: rule, severity: severity,
                 riskScore: 50, entityId: entity)
    }
}

@Suite struct SimulatorTests {
    static let inodes = FakeInodes(table: [
        "/": ino(2), "/usr": ino(3), "/usr/bin": ino(4), "/usr/bin/nc": ino(100), "/tmp": ino(5), "/tmp/x": ino(101),
        "/usr/bin/curl": ino(102), "/usr/bin/bash": ino(103), "/usr/sbin": ino(6), "/usr/sbin/nginx": ino(104),
    ])
    static let cgroups = FakeCgroups(ids: ["/": 1, "/system.slice": 2, "/system.slice/nginx.service": 10])

    func store(_ dir: TempDir) throws -> EventStore {
        let s = try EventStore(path: dir.path + "/events.db")
        try s.upsert(History.process("E1", 100, parent: nil, exe: "/usr/sbin/nginx", unit: "nginx.service"))
        try s.upsert(History.process("E2", 101, parent: "E1", exe: "/usr/bin/bash", unit: "nginx.service"))
        try s.upsert(History.process("E3", 200, parent: nil, exe: "/usr/bin/xmrig", unit: "cron.service"))
        try s.upsert(History.alert(1, "crit-kill", "E2", severity: "critical"))
        try s.upsert(History.alert(2, "high-tree", "E3", severity: "high"))
        try s.upsert(History.alert(3, "crit-none", "E3", severity: "critical"))
        try s.upsert(History.alert(4, "crit-kill", "E2", severity: "critical"))
        func exec(_ n: Int, _ exe: String, unit: String?) -> EventRow {
            EventRow(tsNs: UInt64(n), tsUnixNs: History.t0 + Int64(n), kind: "exec", action: "exec", pid: 300,
                     executable: exe, path: exe, unit: unit)
        }
        try s.insert(exec(10, "/usr/bin/nc", unit: nil))
        try s.insert(exec(11, "/tmp/x", unit: nil))
        try s.insert(exec(12, "/usr/bin/bash", unit: "nginx.service"))
        try s.insert(exec(13, "/gone/tool", unit: nil))
        try s.insert(EventRow(tsNs: 20, tsUnixNs: History.t0 + 20, kind: "network", action: "connect", pid: 300,
                              executable: "/usr/bin/curl", dstIP: "203.0.113.9", dstPort: 4444, transport: "tcp"))
        try s.insert(EventRow(tsNs: 21, tsUnixNs: History.t0 + 21, kind: "network", action: "connect", pid: 300,
                              executable: "/usr/bin/curl", dstIP: "203.0.113.9", dstPort: 443, transport: "tcp"))
        return s
    }

    func policy() -> PreventionPolicy {
        var p = PreventionPolicy()
        p.execDeny = [.init(match: .path("/usr/bin/nc", tree: false))]
        p.egressDeny = [.init(networks: [CIDR("203.0.113.0/24")!], ports: [4444], ipProtocol: .tcp)]
        p.shells = ["/usr/bin/bash"]
        p.daemonUnits = ["nginx.service"]
        p.protectedFiles = []
        return p
    }

    func summary(_ r: SimulationReport) -> [String] {
        r.findings.map { "\($0.kind.rawValue) \($0.action) \($0.what) \($0.executable) x\($0.count)" }
    }

    @Test func eachLevelAddsWhatTheLadderSays() throws {
        let dir = TempDir("simulate")
        let s = try store(dir)
        let sim = Simulator(policy: policy(), state: LevelState(), cgroups: Self.cgroups, inodes: Self.inodes,
                            agentPid: 1) { History.rules[$0] }
        #expect(summary(try sim.simulate(level: .monitor, sinceUnixNs: History.t0, store: s)).isEmpty)
        let one = try sim.simulate(level: .knownBad, sinceUnixNs: History.t0, store: s)
        #expect(summary(one) == [
            "egress block egress denied: egress_deny[0] 203.0.113.9:4444/tcp /usr/bin/curl x1",
            "exec kill-at-exec exec denylist: exec_deny[0] path /usr/bin/nc /usr/bin/nc x1",
        ])
        #expect(one.alertsConsidered == 4 && one.execsConsidered == 4 && one.connectsConsidered == 2)
        #expect(one.notes == ["1 execs whose executable no longer exists"])
        let two = try sim.simulate(level: .critical, sinceUnixNs: History.t0, store: s)
        #expect(summary(two).contains("rule kill crit-kill /usr/bin/bash x2"))
        #expect(two.findings.first { $0.kind == .rule }?.exampleLineage == ["/usr/sbin/nginx", "/usr/bin/bash"])
        let three = try sim.simulate(level: .high, sinceUnixNs: History.t0, store: s)
        #expect(summary(three).contains("rule kill-tree high-tree /usr/bin/xmrig x1"))
        #expect(!summary(three).contains { $0.contains("crit-none") })
        let four = try sim.simulate(level: .lockdown, sinceUnixNs: History.t0, store: s)
        #expect(summary(four) == [
            "egress block egress denied: egress_deny[0] 203.0.113.9:4444/tcp /usr/bin/curl x1",
            "exec kill-at-exec daemon spawned a shell: shell /usr/bin/bash /usr/bin/bash x1",
            "exec kill-at-exec exec denylist: exec_deny[0] path /usr/bin/nc /usr/bin/nc x1",
            "exec kill-at-exec exec from denied directory: temp dir /tmp /tmp/x x1",
            "rule kill crit-kill /usr/bin/bash x2",
            "rule kill-tree high-tree /usr/bin/xmrig x1",
        ])
    }

    @Test func scopeOverridesAndUnknownRulesFallBackToTheAlertRow() throws {
        let dir = TempDir("simulate")
        let s = try store(dir)
        var state = LevelState()
        _ = state.setScope(.unit("nginx.service"), level: .monitor, by: .agent, reason: nil, now: 0)
        // No rules loaded: severity and response come from the alert rows (none recorded → no action).
        let sim = Simulator(policy: policy(), state: state, cgroups: Self.cgroups, inodes: Self.inodes,
                            agentPid: 1) { _ in nil }
        let r = try sim.simulate(level: .lockdown, sinceUnixNs: History.t0, store: s)
        #expect(!r.findings.contains { $0.kind == .rule })
        // nginx pinned at monitor: its shell exec is no longer killed.
        #expect(!summary(r).contains { $0.contains("daemon spawned a shell") })
    }
}

/// Simulate equals reality for rule responses: what `simulate` says level 2 kills is exactly
/// what the live engine at level 2 kills, on real processes the test spawns.
/// Polls `condition` every 5 ms for up to 10 s.
func waitFor(_ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
        if condition() { return true }
        usleep(5_000)
    }
    return condition()
}

@Suite("Simulate equals reality", .serialized, .enabled(if: Privilege.integrationEnabled))
struct SimulateEqualsRealityTests {
    init() throws { try #require(Privilege.isRoot, "needs root (CI=true forces this suite to run)") }

    @Test func simulatedKillsAreTheRealKills() throws {
        var procs: [Spawned] = []
        defer { for p in procs { p.stop() } }
        for _ in 0..<3 { procs.append(try Spawned("exec sleep 100")) }
        for p in procs { _ = waitFor { ProcInspector.live(UInt32(p.pid))?.comm == "sleep" } }
        let dir = TempDir("reality")
        let store = try EventStore(path: dir.path + "/events.db")
        let ruleFor = ["crit-kill", "high-tree", "crit-none"]
        var records: [ProcessRecord] = []
        for (i, p) in procs.enumerated() {
            let live = try #require(ProcInspector.live(UInt32(p.pid)))
            let entity = "P\(i)"
            try store.upsert(History.process(entity, live.pid, parent: nil, exe: live.executable, unit: nil))
            try store.upsert(History.alert(i, ruleFor[i], entity, severity: History.rules[ruleFor[i]]!.level.rawValue))
            records.append(ProcessRecord(key: live.key, entityId: entity, parentKey: nil, executable: live.executable,
                                         args: ["sleep", "100"], cwd: "/", uid: 0, euid: 0, gid: 0, loginUid: nil,
                                         sessionId: 0, tty: nil, cgroupId: 0, unit: nil,
                                         startBoottimeNs: live.startTicks * 10_000_000, comm: live.comm,
                                         exitStatus: nil, origin: .procfs))
        }
        var policy = PreventionPolicy()
        policy.protectedFiles = []
        let sim = Simulator(policy: policy, state: LevelState(), cgroups: FakeCgroups(ids: [:]), inodes: FakeInodes(table: [:]),
                            agentPid: UInt32(getpid())) { History.rules[$0] }
        let predicted = Set(try sim.simulate(level: .critical, sinceUnixNs: 0, store: store).findings
            .filter { $0.kind == .rule }.map(\.what))
        #expect(predicted == ["crit-kill"])

        let engine = PreventionEngine(snapshot: .init(policy: policy, state: LevelState(hostLevel: .critical)),
                                      agentPid: UInt32(getpid()))
        var killed: Set<String> = []
        for (i, record) in records.enumerated() {
            let outcome = engine.respond(rule: History.rules[ruleFor[i]]!, process: record, ancestry: [], cgroupPath: nil,
                                         incidentId: "I\(i)", now: Double(i))
            if outcome.results.contains(where: \.isDone) { killed.insert(ruleFor[i]) }
        }
        #expect(killed == predicted)
        #expect(procs[0].wait())
        #expect(procs[0].terminationSignal == SIGKILL)
        #expect(procs[1].isRunning && procs[2].isRunning)
    }
}
