import MamoriDetection
import MamoriEvents
import MamoriProcess
@testable import MamoriTriage
import Testing

/// Dedup, risk and incident grouping on hits produced by the real engine from synthetic events.
@Suite("Triage")
struct TriageTests {
    static let rule = """
    title: curl seen
    id: triage-curl
    level: high
    tags: [attack.command_and_control, attack.t1105]
    logsource: {product: linux, category: process_creation}
    detection:
      sel: {Image|endswith: /curl}
      condition: sel
    mamori: {confidence: high}
    ---
    title: wget seen
    id: triage-wget
    level: medium
    tags: [attack.command_and_control, attack.t1105]
    logsource: {product: linux, category: process_creation}
    detection:
      sel: {Image|endswith: /wget}
      condition: sel
    """

    static func record(pid: UInt32, parent: UInt32?, exe: String, session: UInt32, unit: String? = nil) -> ProcessRecord {
        ProcessRecord(key: ProcessKey(pid: pid, startTicks: UInt64(pid)), entityId: "e\(pid)",
                      parentKey: parent.map { ProcessKey(pid: $0, startTicks: UInt64($0)) }, executable: exe,
                      args: [exe], cwd: "/", uid: 0, euid: 0, gid: 0, loginUid: nil, sessionId: session, tty: nil,
                      cgroupId: 1, unit: unit, startBoottimeNs: UInt64(pid) * 10_000_000, comm: "x", exitStatus: nil,
                      origin: .exec)
    }

    static func exec(_ p: ProcessRecord, at ns: UInt64) -> SensorEvent {
        .exec(ExecEvent(header: EventHeader(kind: 1, version: 1, size: 0, ktimeNs: ns, tgid: p.pid, tid: p.pid,
                                            startBoottimeNs: p.startBoottimeNs),
                        subject: Subject(ppid: p.ppid, uid: 0, gid: 0, euid: 0, cgroupId: 1, comm: "x"),
                        parentStartBoottimeNs: 0, executable: p.executable, args: p.args, cwd: "/", exeInode: 1,
                        exeDevice: 1, flags: [], egid: 0, loginUid: nil, sessionId: p.sessionId, tty: nil))
    }

    func hits(_ engine: inout DetectionEngine, _ p: ProcessRecord, ancestry: [ProcessRecord], at ns: UInt64) -> [RuleHit] {
        engine.evaluate(Self.exec(p, at: ns), process: p, parent: ancestry.first, ancestry: ancestry)
    }

    @Test("same rule on the same root within the window is one alert with a count; a new root is a new incident")
    func dedupAndIncidents() throws {
        let report = RuleLoader.load(sources: [RuleSource(name: "t.yml", text: Self.rule)])
        #expect(!report.hasErrors, "\(report.diagnostics)")
        var engine = DetectionEngine(rules: report.ruleSet)
        let triage = Triage()
        let sshd = Self.record(pid: 100, parent: 1, exe: "/usr/sbin/sshd", session: 100)
        let bash = Self.record(pid: 200, parent: 100, exe: "/usr/bin/bash", session: 200)
        let curl1 = Self.record(pid: 300, parent: 200, exe: "/usr/bin/curl", session: 200)
        let curl2 = Self.record(pid: 301, parent: 200, exe: "/usr/bin/curl", session: 200)
        let wget = Self.record(pid: 302, parent: 200, exe: "/usr/bin/wget", session: 200)
        let otherShell = Self.record(pid: 400, parent: 100, exe: "/usr/bin/bash", session: 400)
        let curl3 = Self.record(pid: 401, parent: 400, exe: "/usr/bin/curl", session: 400)

        let h1 = try #require(hits(&engine, curl1, ancestry: [bash, sshd], at: 1).first)
        let a1 = triage.triage(h1, process: curl1, ancestry: [bash, sshd], seenBefore: 0, nowUnixNs: 1_000)
        #expect(a1.isNew && a1.shouldEmit && a1.fields.count == 1)
        #expect(a1.incident.rootEntityId == "e200", "the session leader bash is the causal root")

        let h2 = try #require(hits(&engine, curl2, ancestry: [bash, sshd], at: 2).first)
        let a2 = triage.triage(h2, process: curl2, ancestry: [bash, sshd], seenBefore: 1, nowUnixNs: 2_000)
        #expect(!a2.isNew && !a2.shouldEmit)
        #expect(a2.fields.count == 2)
        #expect(a2.fields.alertId == a1.fields.alertId)
        #expect(a2.incident.uuid == a1.incident.uuid)

        let h3 = try #require(hits(&engine, wget, ancestry: [bash, sshd], at: 3).first)
        let a3 = triage.triage(h3, process: wget, ancestry: [bash, sshd], seenBefore: 0, nowUnixNs: 3_000)
        #expect(a3.isNew && a3.fields.alertId != a1.fields.alertId)
        #expect(a3.incident.uuid == a1.incident.uuid, "a second rule on the same root joins the incident")
        #expect(a3.incident.alertCount == 2)
        #expect(a3.incident.riskScore >= a1.fields.riskScore)

        let h4 = try #require(hits(&engine, curl3, ancestry: [otherShell, sshd], at: 4).first)
        let a4 = triage.triage(h4, process: curl3, ancestry: [otherShell, sshd], seenBefore: 2, nowUnixNs: 4_000)
        #expect(a4.isNew && a4.incident.uuid != a1.incident.uuid, "another session is another incident")

        // Past the dedup window (counted from the last occurrence) the same rule and root make a fresh alert.
        let a5 = triage.triage(h1, process: curl1, ancestry: [bash, sshd], seenBefore: 3,
                               nowUnixNs: 2_000 + triage.configuration.dedupWindowNs + 1)
        #expect(a5.isNew && a5.fields.alertId != a1.fields.alertId)
    }

    @Test("the alert log gets the first occurrence and then 10, 100, 1000")
    func decades() {
        #expect(!Triage.isDecade(1) && !Triage.isDecade(9) && !Triage.isDecade(11) && !Triage.isDecade(20))
        #expect(Triage.isDecade(10) && Triage.isDecade(100) && Triage.isDecade(1000))
    }

    @Test("risk: severity × confidence, raised for never-seen commands, lowered for routine ones")
    func risk() {
        let s = RiskScorer()
        #expect(s.score(level: .critical, confidence: .high, seenBefore: nil) == 100)
        #expect(s.score(level: .high, confidence: .high, seenBefore: 0) == 95)
        #expect(s.score(level: .high, confidence: .high, seenBefore: 50) == 75)
        #expect(s.score(level: .high, confidence: .high, seenBefore: 500) == 60)
        #expect(s.score(level: .medium, confidence: .low, seenBefore: nil) == 30)
        #expect(s.score(level: .informational, confidence: .low, seenBefore: 1000) == 1)
    }

    @Test("incident root: session leader, else the service's top process, else below pid 1")
    func roots() {
        let service = Self.record(pid: 10, parent: 1, exe: "/usr/lib/postgresql/15/bin/postgres", session: 10,
                                  unit: "postgresql.service")
        let sh = Self.record(pid: 11, parent: 10, exe: "/bin/sh", session: 10, unit: "postgresql.service")
        #expect(IncidentRoot.root(of: sh, ancestry: [service]).pid == 10)
        let daemon = Self.record(pid: 20, parent: 1, exe: "/usr/sbin/nginx", session: 5, unit: "nginx.service")
        let worker = Self.record(pid: 21, parent: 20, exe: "/usr/sbin/nginx", session: 5, unit: "nginx.service")
        let shell = Self.record(pid: 22, parent: 21, exe: "/bin/sh", session: 5, unit: "nginx.service")
        #expect(IncidentRoot.root(of: shell, ancestry: [worker, daemon]).pid == 20)
        let orphan = Self.record(pid: 30, parent: 29, exe: "/bin/x", session: 0)
        let top = Self.record(pid: 29, parent: 1, exe: "/bin/y", session: 0)
        #expect(IncidentRoot.root(of: orphan, ancestry: [top]).pid == 29)
    }
}
