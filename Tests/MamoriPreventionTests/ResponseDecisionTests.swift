import MamoriDetection
@testable import MamoriPrevention
import Testing

@Suite struct ResponseDecisionTests {
    let protection = ProtectionList(PreventionPolicy.ProtectedProcesses(), agentPid: 999)
    let ladder = LevelLadder()
    let shell = DecisionSubject(pid: 300, executable: "/usr/bin/bash", comm: "bash", unit: "nginx.service",
                                cgroupPath: "/system.slice/nginx.service")
    let ancestry = [DecisionSubject(pid: 200, executable: "/usr/bin/python3", comm: "python3", unit: "nginx.service"),
                    DecisionSubject(pid: 100, executable: "/usr/sbin/nginx", comm: "nginx", unit: "nginx.service"),
                    DecisionSubject(pid: 1, executable: "/lib/systemd/systemd", comm: "systemd", unit: nil)]

    func rule(_ level: RuleLevel, _ response: ResponseAction, act: Int? = nil) -> RuleMetadata {
        RuleMetadata(id: "r1", title: "t", level: level, categories: [], response: response, actAtLevel: act, source: "x")
    }

    @Test func actsWouldActNever() {
        let at1 = LevelView(hostLevel: .knownBad)
        let d = ResponseDecision.decide(rule: rule(.critical, .kill), subject: shell, ancestry: ancestry, levels: at1,
                                        ladder: ladder, protection: protection)
        #expect(d.verdict == .wouldAct(at: .critical))
        #expect(d.reason == "level 1 < 2 needed by rule r1")
        let at2 = LevelView(hostLevel: .critical)
        let act = ResponseDecision.decide(rule: rule(.critical, .kill), subject: shell, ancestry: ancestry, levels: at2,
                                          ladder: ladder, protection: protection)
        #expect(act.verdict == .act && act.target == shell && act.requiredLevel == .critical)
        let none = ResponseDecision.decide(rule: rule(.critical, .none), subject: shell, ancestry: ancestry,
                                           levels: LevelView(hostLevel: .lockdown), ladder: ladder, protection: protection)
        #expect(none.verdict == .never && none.reason == "rule r1 has response none")
        let low = ResponseDecision.decide(rule: rule(.low, .kill), subject: shell, ancestry: ancestry,
                                          levels: LevelView(hostLevel: .lockdown), ladder: ladder, protection: protection)
        #expect(low.verdict == .never)
        let breaker = ResponseDecision.decide(rule: rule(.critical, .kill), subject: shell, ancestry: ancestry, levels: at2,
                                              ladder: ladder, protection: protection, enforcementOff: true)
        #expect(breaker.verdict == .wouldAct(at: .critical) && breaker.reason == "circuit breaker open: alert only")
    }

    @Test func scopeLevelOfTheProcessApplies() {
        let view = LevelView(hostLevel: .monitor, scopes: [.unit("nginx.service"): .high])
        let d = ResponseDecision.decide(rule: rule(.high, .kill), subject: shell, ancestry: [], levels: view,
                                        ladder: ladder, protection: protection)
        #expect(d.verdict == .act && d.effectiveLevel == .high)
        var other = shell
        other.unit = "cron.service"; other.cgroupPath = "/system.slice/cron.service"
        #expect(ResponseDecision.decide(rule: rule(.high, .kill), subject: other, ancestry: [], levels: view,
                                        ladder: ladder, protection: protection).verdict == .wouldAct(at: .high))
    }

    /// Issue 13.8: kill-tree stays inside the incident and its unit. A web-shell hit under nginx
    /// climbs to the worker's child (python3, pid 200), never to the nginx master (pid 100,
    /// whose parent is pid 1): killing the master would take the whole site down.
    @Test func killTreeClimbsWithinTheIncidentNotToTheServiceMainProcess() {
        let d = ResponseDecision.decide(rule: rule(.critical, .killTree), subject: shell, ancestry: ancestry,
                                        levels: LevelView(hostLevel: .critical), ladder: ladder, protection: protection)
        #expect(d.target?.pid == 200)
        // A deeper lineage (worker under the master): the worker's children go, the worker stays
        // only if it is the service's main process.
        let worker = DecisionSubject(pid: 150, executable: "/usr/sbin/nginx", comm: "nginx", unit: "nginx.service")
        let deep = [ancestry[0], worker, ancestry[1], ancestry[2]]
        let w = ResponseDecision.decide(rule: rule(.critical, .killTree), subject: shell, ancestry: deep,
                                        levels: LevelView(hostLevel: .critical), ladder: ladder, protection: protection)
        #expect(w.target?.pid == 150, "the worker serving the request goes; the master (pid 100) does not")
        // A protected executable in the chain (by path, not name) stops the climb below it.
        var guarded = deep
        guarded[1].executable = "/usr/sbin/sshd"
        let g = ResponseDecision.decide(rule: rule(.critical, .killTree), subject: shell, ancestry: guarded,
                                        levels: LevelView(hostLevel: .critical), ladder: ladder, protection: protection)
        #expect(g.target?.pid == 200)
    }

    @Test func killTreeNeverCrossesIntoAnotherUnitOrAnUnknownParent() {
        // The parent is in another unit (a cron job's child that moved into its own scope).
        let crossing = [DecisionSubject(pid: 200, executable: "/usr/bin/python3", comm: "python3", unit: "cron.service"),
                        DecisionSubject(pid: 100, executable: "/usr/sbin/cron", comm: "cron", unit: "cron.service"),
                        ancestry[2]]
        let c = ResponseDecision.decide(rule: rule(.critical, .killTree), subject: shell, ancestry: crossing,
                                        levels: LevelView(hostLevel: .critical), ladder: ladder, protection: protection)
        #expect(c.target?.pid == 300, "the subject only: its parent is in another unit")
        // The ancestry is cut short (parent of the last ancestor unknown): do not climb to it.
        let cut = Array(ancestry.prefix(2))
        let k = ResponseDecision.decide(rule: rule(.critical, .killTree), subject: shell, ancestry: cut,
                                        levels: LevelView(hostLevel: .critical), ladder: ladder, protection: protection)
        #expect(k.target?.pid == 200)
    }

    @Test func protectedSubjectsAreNeverActedOn() {
        for s in [DecisionSubject(pid: 1, executable: "/sbin/init", comm: "init", unit: nil),
                  DecisionSubject(pid: 999, executable: "/x", comm: "x", unit: nil),
                  DecisionSubject(pid: 5, executable: "/usr/sbin/sshd", comm: "sshd", unit: "ssh.service"),
                  DecisionSubject(pid: 6, executable: "/opt/x", comm: "x", unit: "mamori.service")] {
            let d = ResponseDecision.decide(rule: rule(.critical, .kill), subject: s, ancestry: [],
                                            levels: LevelView(hostLevel: .lockdown), ladder: ladder, protection: protection)
            #expect(d.verdict == .never && d.reason.hasPrefix("protected: "), "\(s)")
        }
    }

    /// Issue 13 #2: comm/argv[0] `sshd` with another executable is not protected; the listed
    /// path with a different inode (a bind mount or copy) is not either; the real one is.
    @Test func nameAloneProtectsNothing() throws {
        let fake = DecisionSubject(pid: 4242, executable: "/bin/bash", comm: "sshd", unit: nil)
        #expect(protection.refusal(fake) == nil)
        let d = ResponseDecision.decide(rule: rule(.critical, .kill), subject: fake, ancestry: [],
                                        levels: LevelView(hostLevel: .lockdown), ladder: ladder, protection: protection)
        #expect(d.verdict == .act)
        var policy = PreventionPolicy.ProtectedProcesses()
        policy.executables = ["/bin/sleep"]
        let list = ProtectionList(policy, agentPid: 1)
        let real = try #require(FileIdentityKey(statOf: "/bin/sleep"))
        let other = try #require(FileIdentityKey(statOf: "/bin/sh"))
        #expect(list.refusal(DecisionSubject(pid: 4243, executable: "/bin/sleep", comm: "x", unit: nil, exeIdentity: real)) != nil)
        #expect(list.refusal(DecisionSubject(pid: 4243, executable: "/tmp/renamed", comm: "x", unit: nil, exeIdentity: real)) != nil)
        #expect(list.refusal(DecisionSubject(pid: 4244, executable: "/bin/sleep", comm: "sleep", unit: nil, exeIdentity: other)) == nil)
    }
}
