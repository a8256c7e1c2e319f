/// Something a guardrail did that deserves an alert: rate-limited an action, tripped or reset
/// the circuit breaker, saw the canary fire after a raise (it alerts; it never lowers a level).
///
/// Immutable; any thread.
public struct GuardrailEvent: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Which guardrail spoke.
    public enum Kind: String, Sendable, Codable {
        case rateLimited = "rate-limited", breakerTripped = "breaker-tripped",
             breakerReset = "breaker-reset", canaryAlert = "canary-alert"
    }
    public var kind: Kind
    public var reason: String
    public var description: String { "\(kind.rawValue): \(reason)" }
}

/// Limits how much the agent's own rule-driven actions (kills, freezes) can do: a token bucket on
/// actions, a circuit breaker that drops the responder to alert-only when actions spike across
/// many distinct subjects, and a canary that alerts when a raise is followed by many actions.
///
/// Exists because a bad rule at a high level could otherwise kill a fleet's workload in
/// seconds. It must not be a lever for an attacker: it never touches the kernel's deny lists
/// or isolation (operator state), counts distinct subjects (`subjectKey`), not raw events, so
/// one unprivileged user looping on a denied action counts once, and it never lowers a level
/// the operator set (the canary only alerts). Pure logic over the times it is given (monotonic seconds), so it is testable
/// without clocks. Owned by the agent's prevention worker; not thread-safe (a value you mutate).
public struct Guardrails: Sendable {
    public var settings: GuardrailSettings
    private var tokens: Double
    private var lastRefill: Double?
    /// Distinct subjects seen by the breaker, with when each was last seen.
    private var attempts: [String: Double] = [:]
    /// Monotonic time the breaker tripped; nil while closed.
    public private(set) var breakerOpenedAt: Double?
    private var canary: (since: Double, from: PreventionLevel, to: PreventionLevel, subjects: Set<String>)?

    /// The identity a guardrail counts: an unprivileged user is one subject whatever it runs
    /// (it can make any number of executables and names); a root process is its executable
    /// identity (path, plus dev/inode when known). Never the process name.
    public static func subjectKey(uid: UInt32, executable: String, inode: (dev: UInt64, ino: UInt64)? = nil) -> String {
        if uid != 0 { return "uid:\(uid)" }
        if let i = inode { return "exe:\(i.dev):\(i.ino)" }
        return "exe:\(executable)"
    }

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

    /// Asks to take one action against `subject` (see `subjectKey`) at monotonic time `now`;
    /// counts the subject toward the breaker (a subject seen again in the window counts once).
    public mutating func admit(now: Double, subject: String) -> (Admission, [GuardrailEvent]) {
        var events: [GuardrailEvent] = []
        if let reset = tick(now: now) { events.append(reset) }
        if breakerOpen { return (.refused(nil), events) }
        attempts[subject] = now
        attempts = attempts.filter { now - $0.value <= settings.breakerWindowSeconds }
        if attempts.count > settings.breakerActions {
            breakerOpenedAt = now
            let e = GuardrailEvent(kind: .breakerTripped,
                                   reason: "actions against \(attempts.count) distinct subjects within \(Int(settings.breakerWindowSeconds))s (limit \(settings.breakerActions)); the agent's own responses are alert-only until reset (kernel deny lists and isolation stay on)")
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
        canary = settings.canaryEnabled && to > from ? (now, from, to, []) : nil
    }

    /// Counts one action the responder took against `subject` toward the canary; returns an
    /// alert (never a rollback: the operator's level stays) when more than `canaryActions`
    /// distinct subjects were acted on within the window. Kernel-enforced deny/block records
    /// are operator policy and are not counted.
    public mutating func actionTaken(now: Double, subject: String) -> GuardrailEvent? {
        guard var c = canary else { return nil }
        if now - c.since > settings.canaryWindowSeconds {
            canary = nil
            return nil
        }
        c.subjects.insert(subject)
        canary = c
        guard c.subjects.count > settings.canaryActions else { return nil }
        canary = nil
        return GuardrailEvent(kind: .canaryAlert,
                              reason: "actions against \(c.subjects.count) distinct subjects within \(Int(now - c.since))s of raising the level \(c.from.rawValue) -> \(c.to.rawValue) (canary limit \(settings.canaryActions) in \(Int(settings.canaryWindowSeconds))s); the level stays \(c.to.rawValue): review the rules or lower it with `mamori level set`")
    }

    private mutating func refill(_ now: Double) {
        if let last = lastRefill {
            tokens = min(Double(settings.burst), tokens + (now - last) * settings.actionsPerMinute / 60)
        }
        lastRefill = now
    }
}
