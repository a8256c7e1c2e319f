@testable import MamoriPrevention
import Testing

@Suite struct GuardrailsTests {
    func settings() -> GuardrailSettings {
        var s = GuardrailSettings()
        s.actionsPerMinute = 60; s.burst = 3
        s.breakerActions = 5; s.breakerWindowSeconds = 10; s.breakerCooldownSeconds = 100
        s.canaryActions = 2; s.canaryWindowSeconds = 60
        return s
    }

    @Test func tokenBucketLimitsBursts() {
        var g = Guardrails(settings: settings())
        for t in [0.0, 0.1, 0.2] { #expect(g.admit(now: t, subject: "s\(t)").0 == .allowed) }
        guard case .refused(let e) = g.admit(now: 0.3, subject: "s4").0 else { Issue.record("not limited"); return }
        #expect(e?.kind == .rateLimited)
        // One token per second comes back.
        #expect(g.admit(now: 1.35, subject: "s5").0 == .allowed)
    }

    @Test func breakerTripsAndCoolsDown() {
        var g = Guardrails(settings: settings())
        var tripped: GuardrailEvent?
        for i in 0..<6 {
            let (_, events) = g.admit(now: Double(i), subject: "s\(i)")
            if let e = events.first(where: { $0.kind == .breakerTripped }) { tripped = e }
        }
        #expect(tripped?.reason == "actions against 6 distinct subjects within 10s (limit 5); the agent's own responses are alert-only until reset (kernel deny lists and isolation stay on)")
        #expect(g.breakerOpen)
        #expect(g.admit(now: 50, subject: "t").0 == .refused(nil))
        let (admission, events) = g.admit(now: 106, subject: "t")
        #expect(events.map(\.kind) == [.breakerReset])
        #expect(admission == .allowed && !g.breakerOpen)
        var k = Guardrails(settings: settings())
        for i in 0..<6 { _ = k.admit(now: Double(i), subject: "s\(i)") }
        #expect(k.tick(now: 50) == nil && k.breakerOpen)
        #expect(k.tick(now: 105)?.kind == .breakerReset)
        #expect(!k.breakerOpen)
        var h = Guardrails(settings: settings())
        for i in 0..<6 { _ = h.admit(now: Double(i), subject: "s\(i)") }
        #expect(h.resetBreaker()?.reason == "reset by the operator")
        #expect(h.resetBreaker() == nil)
    }

    /// Issue 13 #1: the canary alerts, it never lowers the operator's level.
    @Test func canaryAlertsAndNeverRollsBack() {
        var g = Guardrails(settings: settings())
        g.levelChanged(from: .knownBad, to: .lockdown, now: 100)
        #expect(g.actionTaken(now: 101, subject: "a") == nil)
        #expect(g.actionTaken(now: 102, subject: "b") == nil)
        let e = g.actionTaken(now: 103, subject: "c")
        #expect(e?.kind == .canaryAlert)
        #expect(e?.reason.contains("3 distinct subjects within 3s of raising the level 1 -> 4") == true)
        #expect(e?.reason.contains("the level stays 4") == true)
        #expect(g.actionTaken(now: 104, subject: "d") == nil) // fires once
        // Outside the window, or after a lowering, nothing.
        g.levelChanged(from: .critical, to: .high, now: 200)
        for t in [261.0, 262, 263] { #expect(g.actionTaken(now: t, subject: "s\(t)") == nil) }
        g.levelChanged(from: .high, to: .critical, now: 300)
        for t in [301.0, 302, 303] { #expect(g.actionTaken(now: t, subject: "s\(t)") == nil) }
    }

    /// Issue 13 #1: repeated hits by the same subject count once (an attacker looping cannot
    /// trip the breaker or the canary); an unprivileged uid is one subject whatever it execs.
    @Test func repeatedSubjectCountsOnce() {
        var g = Guardrails(settings: settings())
        g.levelChanged(from: .monitor, to: .lockdown, now: 0)
        for i in 0..<50 {
            let subject = Guardrails.subjectKey(uid: 65534, executable: "/tmp/sshd\(i)")
            let (_, events) = g.admit(now: Double(i) / 10, subject: subject)
            #expect(!events.contains { $0.kind == .breakerTripped })
            #expect(g.actionTaken(now: Double(i) / 10, subject: subject) == nil)
        }
        #expect(!g.breakerOpen)
        #expect(Guardrails.subjectKey(uid: 0, executable: "/usr/sbin/a") != Guardrails.subjectKey(uid: 0, executable: "/usr/sbin/b"))
        #expect(Guardrails.subjectKey(uid: 0, executable: "/x", inode: (1, 2)) == "exe:1:2")
    }
}
