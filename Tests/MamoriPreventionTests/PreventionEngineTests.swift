import Foundation
import MamoriDetection
import MamoriEvents
import MamoriProcess
@testable import MamoriPrevention
import Testing

@Suite struct PreventionEngineTests {
    /// A record for a pid that is not running (pid_max is below 2^22 + 1), so nothing can be hit.
    func record(_ pid: UInt32, uid: UInt32 = 0, executable: String? = nil) -> ProcessRecord {
        ProcessRecord(key: ProcessKey(pid: pid, startTicks: 1), entityId: "E\(pid)", parentKey: nil,
                      executable: executable ?? "/usr/bin/evil\(pid)", args: ["evil"], cwd: "/", uid: uid, euid: uid, gid: 0, loginUid: nil,
                      sessionId: 0, tty: nil, cgroupId: 0, unit: nil, startBoottimeNs: 10_000_000, comm: "evil",
                      exitStatus: nil, origin: .exec)
    }

    let rule = RuleMetadata(id: "crit", title: "c", level: .critical, categories: [], response: .kill, source: "x")

    @Test func guardrailsGateTheResponder() {
        var policy = PreventionPolicy()
        policy.guardrails.burst = 1
        policy.guardrails.actionsPerMinute = 0.001
        policy.guardrails.breakerActions = 2
        policy.guardrails.breakerCooldownSeconds = 100
        let engine = PreventionEngine(snapshot: .init(policy: policy, state: LevelState(hostLevel: .critical)),
                                      agentPid: UInt32(getpid()), cgroupMount: nil)
        let first = engine.respond(rule: rule, process: record(4_194_305), ancestry: [], cgroupPath: nil,
                                   incidentId: "I1", now: 0)
        #expect(first.decision.verdict == .act)
        #expect(first.results.count == 1 && !first.results[0].isDone) // no such process
        let second = engine.respond(rule: rule, process: record(4_194_306), ancestry: [], cgroupPath: nil,
                                    incidentId: "I2", now: 1)
        #expect(second.results.isEmpty)
        #expect(second.guardrailEvents.map(\.kind) == [.rateLimited])
        let third = engine.respond(rule: rule, process: record(4_194_307), ancestry: [], cgroupPath: nil,
                                   incidentId: "I3", now: 2)
        #expect(third.guardrailEvents.map(\.kind) == [.breakerTripped])
        #expect(engine.enforcementOff)
        let fourth = engine.respond(rule: rule, process: record(4_194_308), ancestry: [], cgroupPath: nil,
                                    incidentId: "I4", now: 3)
        #expect(fourth.decision.verdict == .wouldAct(at: .critical) && fourth.results.isEmpty)
        #expect(engine.tick(now: 50) == nil)
        #expect(engine.tick(now: 103)?.kind == .breakerReset)
        #expect(!engine.enforcementOff)
    }

    @Test func belowTheLevelNothingIsAttempted() {
        let engine = PreventionEngine(snapshot: .init(policy: PreventionPolicy(), state: LevelState(hostLevel: .knownBad)),
                                      agentPid: UInt32(getpid()), cgroupMount: nil)
        let out = engine.respond(rule: rule, process: record(4_194_305), ancestry: [], cgroupPath: nil,
                                 incidentId: "I", now: 0)
        #expect(out.decision.verdict == .wouldAct(at: .critical) && out.results.isEmpty && out.guardrailEvents.isEmpty)
        let freezeRule = RuleMetadata(id: "f", title: "f", level: .critical, categories: [], response: .freeze, source: "x")
        engine.update(.init(policy: PreventionPolicy(), state: LevelState(hostLevel: .critical)), raisedFrom: .knownBad, now: 0)
        let frozen = engine.respond(rule: freezeRule, process: record(4_194_305), ancestry: [], cgroupPath: nil,
                                    incidentId: "I", now: 1)
        #expect(frozen.results.map(\.outcome) == [.refused("no cgroup v2 mount")])
    }

    /// Issue 13 #1: one unprivileged user looping on rule hits (any number of executables) is
    /// one subject: it cannot trip the breaker, nor fire the canary.
    @Test func oneUnprivilegedUserCannotTripTheBreaker() {
        var policy = PreventionPolicy()
        policy.guardrails.burst = 1000
        policy.guardrails.actionsPerMinute = 1000
        policy.guardrails.breakerActions = 2
        policy.guardrails.canaryActions = 1
        let engine = PreventionEngine(snapshot: .init(policy: policy, state: LevelState(hostLevel: .monitor)),
                                      agentPid: UInt32(getpid()), cgroupMount: nil)
        engine.update(.init(policy: policy, state: LevelState(hostLevel: .critical)), raisedFrom: .monitor, now: 0)
        for i in 0..<60 {
            let pid = UInt32(4_194_305 + i)
            let out = engine.respond(rule: rule, process: record(pid, uid: 65534, executable: "/tmp/x/sshd\(i)"),
                                     ancestry: [], cgroupPath: nil, incidentId: "I\(i)", now: Double(i) / 10)
            #expect(out.decision.verdict == .act)
            #expect(!out.guardrailEvents.contains { $0.kind == .breakerTripped })
        }
        #expect(!engine.enforcementOff)
    }
}
