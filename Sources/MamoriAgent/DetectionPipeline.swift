import MamoriDetection
import MamoriEvents
import MamoriOutput
import MamoriProcess
import MamoriStore
import MamoriTriage

/// The pipeline worker: process-table enrichment → detection → triage → alert log and store.
///
/// Exists so that the agent, `mamori selftest` and the tests run events through exactly the
/// same stages. Single-threaded by design (it alone owns the process table and the detection
/// state): create it and call `process` on one thread. Rule reloads are applied between
/// events with `replaceRules`, so no event is lost or evaluated against half a rule set.
public final class DetectionPipeline {
    public let table: ProcessTable
    /// IP → name from DNS answers: gives connects their `destination.domain`.
    public let names = DomainNameCache()
    private var engine: DetectionEngine
    private let triage: Triage
    private var encoder: ECSEncoder
    private let clock: ClockOffset
    private let alertLog: AlertLog?
    private let writer: StoreWriter?
    private let storeEvents: Bool
    private let rarity: CommandRarity
    private var hits: [RuleHit] = []
    private var line: [UInt8] = []
    /// The last ancestry built, reused while the same process keeps emitting and the table
    /// has not changed (a file or connect storm is one process: no per-event chain copy).
    private var ancestryKey: ProcessKey?
    private var ancestryGeneration: UInt64 = 0
    private var ancestryCache: [ProcessRecord] = []
    /// Called for every triaged alert (tests, selftest, future responders).
    public var onAlert: ((TriagedAlert, SensorEvent) -> Void)?
    /// The prevention hook: decides and acts on a hit before its alert is written, and returns
    /// what it did or would do for `mamori.response` (nil: nothing to say). Worker thread.
    public var respond: ((RuleHit, ProcessRecord?, [ProcessRecord], String) -> ResponseNote?)?
    /// Turns a kernel prevention record into alert fields (nil: no alert). Worker thread.
    public var onKernelAction: ((ActionEvent, ProcessRecord?, [ProcessRecord]) -> AlertFields?)?
    /// Every alert line written (exporters, the control socket's followers). Worker thread.
    public var onAlertLine: (([UInt8], AlertFields) -> Void)?

    public private(set) var eventsProcessed: UInt64 = 0
    public private(set) var alertsRaised: UInt64 = 0
    public private(set) var storeDrops: UInt64 = 0

    public init(table: ProcessTable, rules: CompiledRuleSet, alertLog: AlertLog?, writer: StoreWriter?,
                history: EventStore?, storeEvents: Bool, hostName: String, clock: ClockOffset = .measure()) {
        self.table = table
        self.engine = DetectionEngine(rules: rules)
        self.triage = Triage()
        self.clock = clock
        self.encoder = ECSEncoder(hostName: hostName, clock: clock)
        self.alertLog = alertLog
        self.writer = writer
        self.storeEvents = storeEvents
        self.rarity = CommandRarity(history: history)
        line.reserveCapacity(8192)
    }

    /// Swap in a new rule set (threshold/sequence state is reset by the engine as documented).
    public func replaceRules(_ rules: CompiledRuleSet) { engine.replaceRules(rules) }

    public var ruleCount: Int { engine.rules.rules.count }

    /// Run one event through every stage.
    public func process(_ event: SensorEvent) {
        var event = event
        eventsProcessed &+= 1
        names.apply(&event)
        table.apply(event)
        if case .gap = event {
            store(.event(EventRow(event, process: nil, parentEntityId: nil, realtimeOffsetNs: clock.realtimeMinusBoottimeNs)))
            return
        }
        let key = event.header.processKey
        let process = table.record(for: key) ?? table.lookup(pid: event.header.tgid)
        let parent = process?.parentKey.flatMap { table.record(for: $0) }
        var seenBefore: Int?
        if case .exec(let e) = event {
            seenBefore = rarity.observe(executable: e.executable, args: e.args)
        }
        if writer != nil {
            if storeEvents {
                store(.event(EventRow(event, process: process, parentEntityId: parent?.entityId,
                                      realtimeOffsetNs: clock.realtimeMinusBoottimeNs)))
            }
            switch event {
            case .exec(let e):
                if let p = process { storeProcess(p, parent: parent, unixNs: unixNow(event)) }
                store(.command(CommandObservation(executable: e.executable, args: e.args, unixNs: unixNow(event))))
            case .exit, .fork:
                if let p = process { storeProcess(p, parent: parent, unixNs: unixNow(event)) }
            default:
                break
            }
        }
        if case .action(let a) = event {
            raiseKernelAction(a, event: event, process: process, parent: parent)
            return
        }
        switch event {
        case .exec, .network, .file, .tamper, .dns: break
        default: return
        }
        let ancestry = process.map { cachedAncestry(of: $0.key) } ?? []
        hits.removeAll(keepingCapacity: true)
        engine.evaluate(event, process: process, parent: parent, ancestry: ancestry, into: &hits)
        guard !hits.isEmpty else { return }
        for hit in hits {
            raise(hit, event: event, process: process, parent: parent, ancestry: ancestry, seenBefore: seenBefore)
        }
    }

    private func cachedAncestry(of key: ProcessKey) -> [ProcessRecord] {
        let generation = table.generation
        if key != ancestryKey || generation != ancestryGeneration {
            ancestryCache = table.ancestry(of: key, limit: 16)
            ancestryKey = key
            ancestryGeneration = generation
        }
        return ancestryCache
    }

    private func raise(_ hit: RuleHit, event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?,
                       ancestry: [ProcessRecord], seenBefore: Int?) {
        let now = unixNow(event)
        var seen = seenBefore
        if seen == nil, let p = process, !p.executable.isEmpty {
            seen = rarity.seen(executable: p.executable, args: p.args)
        }
        var alert = triage.triage(hit, process: process, ancestry: ancestry, seenBefore: seen, nowUnixNs: now)
        let note = respond?(hit, process, ancestry, alert.incident.uuid)
        if let note { alert.fields.response = note.text }
        alertsRaised &+= 1
        line.removeAll(keepingCapacity: true)
        encoder.encodeAlert(event, process: process, parent: parent, alert: alert.fields, into: &line)
        // Deduplication folds repeats into a count, but an alert whose response acted is always
        // written: an operator must see every kill.
        if alert.shouldEmit || note?.acted == true {
            alertLog?.append(line)
            onAlertLine?(line, alert.fields)
        }
        if writer != nil {
            let json = String(decoding: line.dropLast(), as: UTF8.self)
            store(.alert(AlertRow(alertUUID: alert.fields.alertId, dedupKey: alert.dedupKey, tsUnixNs: now,
                                  ruleId: hit.id, ruleName: hit.title, severity: hit.rule.severityWord,
                                  riskScore: alert.fields.riskScore, tacticIds: alert.fields.tacticIds,
                                  techniqueIds: alert.fields.techniques, entityId: process?.entityId,
                                  incidentUUID: alert.incident.uuid, count: 1, firstSeen: alert.firstSeenUnixNs,
                                  lastSeen: now, response: alert.fields.response, ecsJSON: json)))
            let i = alert.incident
            store(.incident(IncidentRow(incidentUUID: i.uuid, rootEntityId: i.rootEntityId, firstSeen: i.firstSeenUnixNs,
                                        lastSeen: i.lastSeenUnixNs, riskScore: i.riskScore, alertCount: i.alertCount,
                                        title: i.title)))
        }
        onAlert?(alert, event)
    }

    /// A kernel prevention record (exec killed, connect blocked, or "would have") becomes an
    /// alert when the hook says so; it is stored like any alert, outside incident triage.
    private func raiseKernelAction(_ a: ActionEvent, event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?) {
        let ancestry = process.map { cachedAncestry(of: $0.key) } ?? []
        guard let fields = onKernelAction?(a, process, ancestry) else { return }
        line.removeAll(keepingCapacity: true)
        encoder.encodeAlert(event, process: process, parent: parent, alert: fields, into: &line)
        raiseNotice(fields, nowUnixNs: unixNow(event), ecsLine: line, entityId: process?.entityId)
    }

    /// Writes an alert that stands outside triage (a kernel prevention record, an audit of a
    /// level change, a guardrail tripping) as an alert line and an alert row, so operators see
    /// it where they see alerts. Worker thread.
    public func raiseNotice(_ fields: AlertFields, nowUnixNs: Int64, ecsLine: [UInt8], entityId: String? = nil) {
        alertsRaised &+= 1
        alertLog?.append(ecsLine)
        onAlertLine?(ecsLine, fields)
        guard writer != nil else { return }
        store(.alert(AlertRow(alertUUID: fields.alertId, dedupKey: fields.alertId, tsUnixNs: nowUnixNs,
                              ruleId: fields.ruleId, ruleName: fields.ruleName, severity: fields.severityWord,
                              riskScore: fields.riskScore, tacticIds: fields.tacticIds, techniqueIds: fields.techniques,
                              entityId: entityId, incidentUUID: nil, count: 1, firstSeen: nowUnixNs, lastSeen: nowUnixNs,
                              response: fields.response, ecsJSON: String(decoding: ecsLine.dropLast(), as: UTF8.self))))
    }

    /// Appends an audit row (level changes, manual actions) to the store. Worker thread.
    public func storeAudit(_ row: AuditRow) { store(.audit(row)) }

    /// Store every process the table knows (the /proc seed at start), so stories of processes
    /// older than the agent have their ancestors.
    public func storeSnapshot(nowUnixNs: Int64) {
        guard writer != nil else { return }
        for p in table.snapshot() {
            storeProcess(p, parent: p.parentKey.flatMap { table.record(for: $0) }, unixNs: nowUnixNs)
        }
    }

    private func storeProcess(_ p: ProcessRecord, parent: ProcessRecord?, unixNs: Int64) {
        let leader = table.sessionLeader(of: p.key)
        store(.process(ProcessRow(p, parentEntityId: parent?.entityId, sessionLeaderEntityId: leader?.entityId,
                                  seenUnixNs: unixNs)))
    }

    private func store(_ item: StoreItem) {
        guard let writer else { return }
        if !writer.enqueue(item) { storeDrops &+= 1 }
    }

    private func unixNow(_ event: SensorEvent) -> Int64 {
        clock.unixNanoseconds(boottimeNs: event.header.ktimeNs)
    }
}

/// What the prevention hook did about one hit: the `mamori.response` text, and whether it
/// acted (then the alert is written even when deduplicated). Immutable; any thread.
public struct ResponseNote: Sendable, Equatable {
    public var text: String
    public var acted: Bool
    public init(text: String, acted: Bool) { self.text = text; self.acted = acted }
}
