import MamoriDetection
import MamoriProcess

/// The live path for rule hits: decide (`ResponseDecision`), pass the guardrails, act
/// (`Responder` / `CgroupFreezer`), and report everything that happened.
///
/// Exists so the agent wires prevention with one call per hit. Policy and level arrive as an
/// immutable `Snapshot` the agent replaces after each change (`update(_:)`); the canary and
/// breaker events come back to the agent, which applies a rollback through `LevelState` like
/// any other change (so it is persisted and audited). Not thread-safe: owned by the pipeline
/// worker (or a prevention worker fed by it).
public final class PreventionEngine {
    /// What the engine decides with; built by the agent from the policy and `LevelState`.
    public struct Snapshot: Sendable {
        public var policy: PreventionPolicy
        public var levels: LevelView
        public init(policy: PreventionPolicy, state: LevelState) {
            self.policy = policy
            levels = LevelView(policy: policy, state: state)
        }
    }

    /// Everything one hit produced, for the alert's `mamori.response` and the store.
    public struct Outcome: Sendable {
        public var decision: ResponseDecision
        public var results: [ActionResult] = []
        public var guardrailEvents: [GuardrailEvent] = []
        /// A frozen lineage the operator can thaw or kill later.
        public var frozen: CgroupFreezer.FrozenGroup?
    }

    public private(set) var snapshot: Snapshot
    public private(set) var guardrails: Guardrails
    private var responder: Responder
    private let freezer: CgroupFreezer?
    private let agentPid: UInt32

    public init(snapshot: Snapshot, agentPid: UInt32, cgroupMount: String? = CgroupDirectory.discoverMount()) {
        self.snapshot = snapshot
        self.agentPid = agentPid
        guardrails = Guardrails(settings: snapshot.policy.guardrails)
        responder = Responder(protection: ProtectionList(snapshot.policy.protected, agentPid: agentPid))
        freezer = CgroupFreezer(responder: responder, mountPoint: cgroupMount)
    }

    /// Installs a new policy/level snapshot. `raisedFrom` starts the canary when the host level went up.
    public func update(_ snapshot: Snapshot, raisedFrom: PreventionLevel? = nil, now: Double) {
        self.snapshot = snapshot
        guardrails.settings = snapshot.policy.guardrails
        responder.protection = ProtectionList(snapshot.policy.protected, agentPid: agentPid)
        if let from = raisedFrom { guardrails.levelChanged(from: from, to: snapshot.levels.hostLevel, now: now) }
    }

    /// Whether the circuit breaker has put the agent's own responses to alert-only. The kernel
    /// policy (deny lists, isolation: operator state) is never switched off by it.
    public var enforcementOff: Bool { guardrails.breakerOpen }

    /// Decides and acts on one rule hit. `ancestry`: parent up to the incident root (nearest
    /// first); `cgroupPath`: the process's cgroup relative to the mount if known;
    /// `now`: monotonic seconds; `eventNs`: CLOCK_BOOTTIME of the triggering event.
    public func respond(to hit: RuleHit, process: ProcessRecord, ancestry: [ProcessRecord], cgroupPath: String?,
                        incidentId: String, eventNs: UInt64? = nil, now: Double) -> Outcome {
        respond(rule: hit.rule, process: process, ancestry: ancestry, cgroupPath: cgroupPath, incidentId: incidentId,
                eventNs: eventNs ?? hit.timestampNs, now: now)
    }

    /// `respond(to:)` for a rule given by its metadata (replay, tests).
    public func respond(rule: RuleMetadata, process: ProcessRecord, ancestry: [ProcessRecord], cgroupPath: String?,
                        incidentId: String, eventNs: UInt64? = nil, now: Double) -> Outcome {
        let reset = guardrails.tick(now: now)
        let decision = ResponseDecision.decide(
            rule: rule, subject: DecisionSubject(process, cgroupPath: cgroupPath),
            ancestry: ancestry.map { DecisionSubject($0) }, levels: snapshot.levels,
            ladder: snapshot.policy.ladder, protection: responder.protection, enforcementOff: guardrails.breakerOpen)
        var outcome = Outcome(decision: decision)
        if let reset { outcome.guardrailEvents.append(reset) }
        guard decision.verdict == .act, let target = decision.target else { return outcome }
        let subject = Guardrails.subjectKey(uid: process.uid, executable: process.executable)
        let (admission, events) = guardrails.admit(now: now, subject: subject)
        outcome.guardrailEvents += events
        if case .refused(let why) = admission {
            if let why, !outcome.guardrailEvents.contains(why) { outcome.guardrailEvents.append(why) }
            return outcome
        }
        let key = target.pid == process.pid ? process.key
            : (ancestry.first { $0.pid == target.pid }?.key ?? process.key)
        switch decision.action {
        case .kill: outcome.results = [responder.kill(key, eventNs: eventNs)]
        case .killTree: outcome.results = responder.killTree(key, eventNs: eventNs)
        case .freeze:
            if let freezer {
                do {
                    let group = try freezer.freeze(key, incidentId: incidentId)
                    outcome.frozen = group
                    outcome.results = group.results
                } catch {
                    outcome.results = [ActionResult(action: .freeze, pid: key.pid, outcome: .failed(errno: EIO),
                                                    detail: "\(error)")]
                }
            } else {
                outcome.results = [ActionResult(action: .freeze, pid: key.pid, outcome: .refused("no cgroup v2 mount"))]
            }
        case .none: break
        }
        if outcome.results.contains(where: \.isDone), let rollback = guardrails.actionTaken(now: now, subject: subject) {
            outcome.guardrailEvents.append(rollback)
        }
        return outcome
    }

    /// Closes the breaker after its cool-down (call periodically).
    public func tick(now: Double) -> GuardrailEvent? { guardrails.tick(now: now) }

    /// Closes the circuit breaker (operator command).
    public func resetBreaker() -> GuardrailEvent? { guardrails.resetBreaker() }
}

#if canImport(Glibc)
import Glibc
#endif
