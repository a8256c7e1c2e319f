/// Something a guardrail did that deserves an alert: rate-limited an action, tripped or reset
/// the circuit breaker, rolled a level back.
///
/// Immutable; any thread.
public struct GuardrailEvent: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Which guardrail spoke.
    public enum Kind: String, Sendable, Codable {
        case rateLimited = "rate-limited", breakerTripped = "breaker-tripped",
             breakerReset = "breaker-reset", canaryRollback = "canary-rollback"
    }
    public var kind: Kind
    public var reason: String
    /// For a canary rollback: the level to go back to.
    public var rollbackTo: PreventionLevel?
    public var description: String { "\(kind.rawValue): \(reason)" }
}

/// Limits how much the prevention layer can do on its own: a token bucket on actions, a circuit
/// breaker that drops to alert-only when actions spike, and a canary that rolls a raise back
/// when it fires too often.
///
/// Exists because a bad rule at a high level could otherwise kill a fleet's workload in
/// seconds. Pure logic over the times it is given (monotonic seconds), so it is testable
/// without clocks. Owned by the agent's prevention worker; not thread-safe (a value you mutate).
public struct Guardrails: Sendable {
    public var settings: GuardrailSettings
    private var tokens: Double
    private var lastRefill: Double?
    private var attempts: [Double] = []
    /// Monotonic time the breaker tripped; nil while closed.
    public private(set) var breakerOpenedAt: Double?
    private var canary: (since: Double, from: PreventionLevel, to: PreventionLevel, count: Int)?

    public init(settings: GuardrailSettings) {
        self.settings = settings
        tokens = Double(settings.burst)
    }

    /// Whether enforcement is off because the breaker tripped.
    public var breakerOpen: Bool { breakerOpenedAt != nil }

    /// What the caller may do with one action it is about to take.
    public enum Admission: Sendable, Equatable {
        case allowed
        /// Do not act (alert only); the event says why (only the first refusal of a burst has one).
        case refused(GuardrailEvent?)
    }

    /// Asks to take one action at monotonic time `now`; counts it toward the breaker.
    public mutating func admit(now: Double) -> (Admission, [GuardrailEvent]) {
        var events: [GuardrailEvent] = []
        if let reset = tick(now: now) { events.append(reset) }
        if breakerOpen { return (.refused(nil), events) }
        attempts.append(now)
        attempts.removeAll { now - $0 > settings.breakerWindowSeconds }
        if attempts.count > settings.breakerActions {
            breakerOpenedAt = now
            let e = GuardrailEvent(kind: .breakerTripped,
                                   reason: "\(attempts.count) actions within \(Int(settings.breakerWindowSeconds))s (limit \(settings.breakerActions)); prevention is alert-only until reset")
            events.append(e)
            return (.refused(e), events)
        }
        refill(now)
        guard tokens >= 1 else {
            let e = GuardrailEvent(kind: .rateLimited,
                                   reason: "more than \(settings.actionsPerMinute) actions/min (burst \(settings.burst)); action skipped, alert kept")
            return (.refused(e), events)
        }
        tokens -= 1
        return (.allowed, events)
    }

    /// Closes the breaker once its cool-down has passed; call periodically (the agent then
    /// recompiles the kernel policy with enforcement back on). Returns the reset event.
    public mutating func tick(now: Double) -> GuardrailEvent? {
        guard let opened = breakerOpenedAt, settings.breakerCooldownSeconds > 0,
              now - opened >= settings.breakerCooldownSeconds else { return nil }
        breakerOpenedAt = nil
        attempts.removeAll()
        return GuardrailEvent(kind: .breakerReset,
                              reason: "cool-down of \(Int(settings.breakerCooldownSeconds))s passed; enforcement back on")
    }

    /// Closes the breaker (operator command).
    public mutating func resetBreaker() -> GuardrailEvent? {
        guard breakerOpenedAt != nil else { return nil }
        breakerOpenedAt = nil
        attempts.removeAll()
        return GuardrailEvent(kind: .breakerReset, reason: "reset by the operator")
    }

    /// Starts watching a raise from `from` to `to` (only raises are watched).
    public mutating func levelChanged(from: PreventionLevel, to: PreventionLevel, now: Double) {
        canary = settings.canaryEnabled && to > from ? (now, from, to, 0) : nil
    }

    /// Counts one action (taken by the responder or reported enforced by the kernel) toward the
    /// canary; returns the rollback when more than `canaryActions` fired within the window.
    public mutating func actionTaken(now: Double) -> GuardrailEvent? {
        guard var c = canary else { return nil }
        if now - c.since > settings.canaryWindowSeconds {
            canary = nil
            return nil
        }
        c.count += 1
        canary = c
        guard c.count > settings.canaryActions else { return nil }
        canary = nil
        return GuardrailEvent(kind: .canaryRollback,
                              reason: "\(c.count) actions within \(Int(now - c.since))s of raising the level \(c.from.rawValue) -> \(c.to.rawValue) (canary limit \(settings.canaryActions) in \(Int(settings.canaryWindowSeconds))s); back to \(c.from.rawValue)",
                              rollbackTo: c.from)
    }

    private mutating func refill(_ now: Double) {
        if let last = lastRefill {
            tokens = min(Double(settings.burst), tokens + (now - last) * settings.actionsPerMinute / 60)
        }
        lastRefill = now
    }
}
