import MamoriText
import Foundation
import MamoriDetection
import MamoriEvents
import MamoriOutput
import MamoriPrevention
import MamoriProcess
import MamoriTriage

/// The pipeline worker's side of prevention: rule hits → `PreventionEngine` (decide, guardrails,
/// kill / kill-tree / freeze) → the text of `mamori.response`; kernel action records → alerts;
/// controller notices (audits, guardrail trips) → alert lines and audit rows.
///
/// Exists so `DetectionPipeline` stays ignorant of prevention: the agent installs these
/// closures on it. Owned by the worker thread alone (the engine is single-threaded); it picks
/// up a new policy/level snapshot from the `PreventionController` when the generation moves.
public final class PreventionWorker {
    public let controller: PreventionController
    public let engine: PreventionEngine
    private var generation: UInt64
    private let cgroups: CgroupResolver
    private let hostName: String
    private var lastTick = 0.0
    /// Hashes exec'd files for the sha256 denylist on its own thread.
    private let hashWorker: ExecHashWorker
    /// Whether the policy denies any sha256 (refreshed once a second): exec events are offered
    /// to the hash worker only then.
    private var wantsHashes: Bool

    public init(controller: PreventionController, agentPid: UInt32, cgroups: CgroupResolver, hostName: String) {
        self.controller = controller
        let (gen, snap) = controller.snapshot()
        generation = gen
        engine = PreventionEngine(snapshot: snap, agentPid: agentPid, cgroupMount: cgroups.mountPoint)
        self.cgroups = cgroups
        self.hostName = hostName
        hashWorker = ExecHashWorker(controller: controller)
        wantsHashes = controller.wantsExecHashes
        hashWorker.start()
    }

    /// Stops the hash thread (agent shutdown).
    public func stop() { hashWorker.stop() }

    /// Exec events the hash worker has not taken because its queue was full.
    public var hashQueueDrops: UInt64 { hashWorker.dropped }

    /// Installs the hooks on the pipeline.
    public func install(on pipeline: DetectionPipeline) {
        pipeline.respond = { [unowned self] hit, process, ancestry, incident in
            self.respond(hit, process: process, ancestry: ancestry, incident: incident)
        }
        pipeline.onKernelAction = { [unowned self] action, process, ancestry in
            self.kernelAction(action, process: process, ancestry: ancestry)
        }
        pipeline.onExec = { [unowned self] exec in
            if self.wantsHashes { self.hashWorker.offer(exec) }
        }
    }

    /// Installs the controller's newest snapshot when its generation moved; `raisedFrom`
    /// starts the canary on a host-level raise.
    private func refreshSnapshot(now: Double, raisedFrom: PreventionLevel? = nil) {
        guard controller.generation != generation || raisedFrom != nil else { return }
        let (g, snap) = controller.snapshot()
        generation = g
        engine.update(snap, raisedFrom: raisedFrom, now: now)
    }

    func respond(_ hit: RuleHit, process: ProcessRecord?, ancestry: [ProcessRecord], incident: String) -> ResponseNote? {
        guard let process else { return nil }
        let now = Self.monotonicSeconds()
        refreshSnapshot(now: now)
        let cgroupPath = cgroups.path(forCgroupId: process.cgroupId)
        let outcome = engine.respond(to: hit, process: process, ancestry: ancestry, cgroupPath: cgroupPath,
                                     incidentId: incident, now: now)
        handleGuardrails(outcome.guardrailEvents)
        return Self.describe(outcome).map { ResponseNote(text: $0, acted: outcome.results.contains(where: \.isDone)) }
    }

    /// Guardrail events are alerts only: the breaker limits the responder (in the engine), never
    /// the kernel's operator-set deny lists or isolation, and the canary never lowers a level.
    private func handleGuardrails(_ events: [GuardrailEvent]) {
        for e in events { controller.guardrailNotice(e) }
    }

    /// `mamori.response` text: what was done, or what level would do it.
    static func describe(_ o: PreventionEngine.Outcome) -> String? {
        let d = o.decision
        let action = d.action.rawValue
        switch d.verdict {
        case .never:
            return d.action == .none ? nil : "\(action): never (\(d.reason))"
        case .wouldAct(let level):
            return "\(action): would act at level \(level.description) (now \(d.effectiveLevel.description))"
        case .act:
            if o.results.isEmpty {
                let why = o.guardrailEvents.map(\.description).joined(separator: "; ")
                return "\(action): withheld by guardrails\(why.isEmpty ? "" : " (\(why))")"
            }
            let done = o.results.filter(\.isDone).count
            let summary = o.results.prefix(8).map(\.description).joined(separator: "; ")
            return "\(action): \(done == o.results.count ? "done" : "partial \(done)/\(o.results.count)") — \(summary)"
        }
    }

    /// "Would have" kernel records already alerted, by what matched, with when: a build that
    /// execs thousands of binaries from /tmp is one alert per binary per window, not thousands.
    private var wouldHaveSeen: [String: Double] = [:]
    static let wouldHaveWindowSeconds = 600.0

    func kernelAction(_ a: ActionEvent, process: ProcessRecord?, ancestry: [ProcessRecord]) -> AlertFields? {
        let now = Self.monotonicSeconds()
        if !a.enforced {
            // Only the next level up is worth a line: what a level further away would do is
            // simulation output (`mamori level simulate N`), read from the store, not an alert.
            if Int(a.neededLevel) > Int(a.level) + 1 { return nil }
            let key = "\(a.action)|\(a.reason)|\(a.policyId)|\(a.path)|\(a.destination.map { "\($0)" } ?? ""):\(a.destinationPort)"
            if let last = wouldHaveSeen[key], now - last < Self.wouldHaveWindowSeconds { return nil }
            if wouldHaveSeen.count >= 4096 { wouldHaveSeen.removeAll(keepingCapacity: true) }
            wouldHaveSeen[key] = now
        }
        let subject: String
        switch a.action {
        case .killExec, .denyExec: subject = a.path.isEmpty ? "exec" : "exec of \(a.path)"
        case .blockConnect, .blockSend:
            subject = "\(a.action == .blockSend ? "send" : "connect") to \(a.destination.map { "\($0)" } ?? "?"):\(a.destinationPort)"
        case .denyFile: subject = "write to \(a.path)"
        }
        let verb: String
        switch a.action {
        case .killExec: verb = "killed at"
        case .denyExec, .denyFile: verb = "denied"
        case .blockConnect, .blockSend: verb = "blocked"
        }
        let name = a.enforced ? "Prevention: \(subject) \(verb) (\(a.reason))"
                              : "Prevention (would have): \(subject) at level \(a.neededLevel) (\(a.reason))"
        let response = a.enforced
            ? "\(a.action): done in the kernel (level \(a.level), entry \(a.policyId))"
            : "\(a.action): would act at level \(a.neededLevel) (now \(a.level))"
        let technique: [String]
        switch a.reason {
        case .egressDeny, .egressAllowlist, .isolated: technique = ["T1041"]
        case .protectedFile: technique = ["T1562"]
        default: technique = ["T1204"]
        }
        var fields = AlertFields(alertId: Identifiers.uuid(), ruleId: "mamori.prevention.\(a.reason)", ruleName: name,
                                 ruleDescription: "The kernel prevention programs matched policy entry \(a.policyId).",
                                 severityWord: a.enforced ? "high" : "low", riskScore: a.enforced ? 70 : 20,
                                 tacticIds: [], tacticNames: [], techniques: technique, incidentId: "",
                                 ancestry: ancestry, response: response)
        if !a.enforced { fields.kind = .notice }
        return fields
    }

    /// Periodic work (about once a second): timed reverts, the breaker's cool-down, and the
    /// controller's notices turned into alert lines and audit rows.
    public func tick(pipeline: DetectionPipeline) {
        let now = Self.monotonicSeconds()
        let wall = Date().timeIntervalSince1970
        if now - lastTick >= 1 {
            lastTick = now
            controller.tick(now: wall)
            wantsHashes = controller.wantsExecHashes
            if let e = engine.tick(now: now) { handleGuardrails([e]) }
        }
        let (notices, raises) = controller.drain()
        refreshSnapshot(now: now, raisedFrom: raises.compactMap { $0 }.first)
        for n in notices { emit(n, pipeline: pipeline, wall: wall) }
    }

    private func emit(_ n: PreventionController.Notice, pipeline: DetectionPipeline, wall: Double) {
        let nowNs = Int64(wall * 1e9)
        let fields: AlertFields
        var extra: [String: Any] = [:]
        switch n {
        case .audit(let r):
            pipeline.storeAudit(r.auditRow)
            fields = AlertFields(alertId: Identifiers.uuid(), ruleId: "mamori.audit.\(r.action.rawValue)",
                                 ruleName: "Prevention change: \(r.description)", ruleDescription: nil,
                                 severityWord: "informational", riskScore: 0, tacticIds: [], tacticNames: [],
                                 techniques: [], incidentId: "")
            extra = ["action": r.action.rawValue, "scope": r.scope, "from": r.from, "to": r.to,
                     "reason": r.reason ?? "", "actor": r.actor.description]
        case .guardrail(let e):
            fields = AlertFields(alertId: Identifiers.uuid(), ruleId: "mamori.guardrail.\(e.kind.rawValue)",
                                 ruleName: "Prevention guardrail: \(e.description)", ruleDescription: nil,
                                 severityWord: "critical", riskScore: 99, tacticIds: [], tacticNames: [],
                                 techniques: [], incidentId: "", response: e.description)
            extra = ["guardrail": e.kind.rawValue, "reason": e.reason]
        case .degraded(let what):
            fields = AlertFields(alertId: Identifiers.uuid(), ruleId: "mamori.degraded",
                                 ruleName: "Protection reduced: \(what)", ruleDescription: nil,
                                 severityWord: "medium", riskScore: 40, tacticIds: [], tacticNames: [],
                                 techniques: [], incidentId: "")
            extra = ["degraded": what]
        }
        let doc: [String: Any] = [
            "@timestamp": RFC3339.string(unixNanoseconds: nowNs),
            "event": ["kind": "alert", "category": ["configuration"], "type": ["change"],
                      "severity": fields.riskScore, "action": fields.ruleId],
            "rule": ["id": fields.ruleId, "name": fields.ruleName, "ruleset": "mamori"],
            "host": ["name": hostName],
            "message": fields.ruleName,
            "mamori": ["audit": extra, "response": fields.response ?? ""],
        ]
        guard var line = try? JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys]) else { return }
        line.append(0x0a)
        pipeline.raiseNotice(fields, nowUnixNs: nowNs, ecsLine: [UInt8](line))
    }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
