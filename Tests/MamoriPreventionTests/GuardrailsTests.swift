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
        for t in [0.0, 0.1, 0.2] { #expect(g.admit(now: t).0 == .allowed) }
        guard case .refused(let e) = g.admit(now: 0.3).0 else { Issue.record("not limited"); return }
        #expect(e?.kind == .rateLimited)
        // One token per second comes back.
        #expect(g.admit(now: 1.35).0 == .allowed)
    }

    @Test func breakerTripsAndCoolsDown() {
        var g = Guardrails(settings: settings())
        var tripped: GuardrailEvent?
        for i in 0..<6 {
            let (_, events) = g.admit(now: Double(i))
            if let e = events.first(where: { $0.kind == .breakerTripped }) { tripped = e }
        }
        #expect(tripped?.reason == "6 actions within 10s (limit 5); prevention is alert-only until reset")
        #expect(g.breakerOpen)
        #expect(g.admit(now: 50).0 == .refused(nil))
        let (admission, events) = g.admit(now: 106)
        #expect(events.map(\.kind) == [.breakerReset])
        #expect(admission == .allowed && !g.breakerOpen)
        var k = Guardrails(settings: settings())
        for i in 0..<6 { _ = k.admit(now: Double(i)) }
        #expect(k.tick(now: 50) == nil && k.breakerOpen)
        #expect(k.tick(now: 105)?.kind == .breakerReset)
        #expect(!k.breakerOpen)
        var h = Guardrails(settings: settings())
        for i in 0..<6 { _ = h.admit(now: Double(i)) }
        #expect(h.resetBreaker()?.reason == "reset by the operator")
        #expect(h.resetBreaker() == nil)
    }

    @Test func canaryRollsBackARaise() {
        var g = Guardrails(settings: settings())
        g.levelChanged(from: .knownBad, to: .lockdown, now: 100)
        #expect(g.actionTaken(now: 101) == nil)
        #expect(g.actionTaken(now: 102) == nil)
        let e = g.actionTaken(now: 103)
        #expect(e?.kind == .canaryRollback && e?.rollbackTo == .knownBad)
        #expect(e?.reason.contains("3 actions within 3s of raising the level 1 -> 4") == true)
        #expect(g.actionTaken(now: 104) == nil) // fires once
        // Outside the window, or after a lowering, nothing.
        g.levelChanged(from: .critical, to: .high, now: 200)
        for t in [261.0, 262, 263] { #expect(g.actionTaken(now: t) == nil) }
        g.levelChanged(from: .high, to: .critical, now: 300)
        for t in [301.0, 302, 303] { #expect(g.actionTaken(now: t) == nil) }
    }
}
