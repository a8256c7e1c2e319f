import MamoriBaseline
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
    /// Copies of well-known tools by content (`ImageIdentity`); nil = off.
    private let tools: ToolIdentity?
    /// Whether only root could have placed each executable (`ImageProtected`).
    private let protection = ImageProtection()
    private var hits: [RuleHit] = []
    /// Joins `writer | reader` pipes between exec'd processes (`pipeline` rules).
    private var pipes = PipeJoiner()
    private var line: [UInt8] = []
    /// Alert lines in `output.format` and the optional all-events log.
    private var exports: ExportLines
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
    /// Sees every exec event before detection (the sha256 denylist's hashing). Worker thread.
    public var onExec: ((ExecEvent) -> Void)?
    /// Turns a kernel prevention record into alert fields (nil: no alert). Worker thread.
    public var onKernelAction: ((ActionEvent, ProcessRecord?, [ProcessRecord]) -> AlertFields?)?
    /// Every alert line written: the ECS line (control socket followers) and the line in
    /// `output.format` (exporters; the same bytes under ECS). Worker thread.
    public var onAlertLine: ((_ ecs: [UInt8], _ exported: [UInt8], AlertFields) -> Void)?
    /// Every event as a line in `output.format` (the all-events log); nil = off. Worker thread.
    public var onEventLine: (([UInt8]) -> Void)? {
        get { exports.eventSink }
        set { exports.eventSink = newValue }
    }

    /// Behavioural baselines per unit (docs/baseline.md), checked after detection; nil = off.
    /// Worker thread only.
    public var baseline: BaselineEngine?

    public private(set) var eventsProcessed: UInt64 = 0
    public private(set) var alertsRaised: UInt64 = 0
    public private(set) var storeDrops: UInt64 = 0

    public init(table: ProcessTable, rules: CompiledRuleSet, alertLog: AlertLog?, writer: StoreWriter?,
                history: EventStore?, storeEvents: Bool, hostName: String, clock: ClockOffset = .measure(),
                outputFormat: OutputFormat = .ecs, identifyTools: Bool = true,
                hostContext: (LocalNetworks, ResolverList) = (LocalNetworks(), ResolverList())) {
        self.table = table
        self.engine = DetectionEngine(rules: rules, configuration: DetectionEngine.Configuration(
            localNetworks: hostContext.0, resolvers: hostContext.1))
        self.triage = Triage()
        self.clock = clock
        self.encoder = ECSEncoder(hostName: hostName, clock: clock)
        self.exports = ExportLines(format: outputFormat, hostName: hostName, clock: clock)
        self.alertLog = alertLog
        self.writer = writer
        self.storeEvents = storeEvents
        self.rarity = CommandRarity(history: history)
        self.tools = identifyTools ? ToolIdentity() : nil
        line.reserveCapacity(8192)
    }

    /// Swap in a new rule set (threshold/sequence state is reset by the engine as documented).
    public func replaceRules(_ rules: CompiledRuleSet) { engine.replaceRules(rules) }

    /// Swap in new `detection.local_networks` and resolvers (worker thread, on reload).
    public func replaceHostContext(localNetworks: LocalNetworks, resolvers: ResolverList) {
        engine.replaceHostContext(localNetworks: localNetworks, resolvers: resolvers)
    }

    public var ruleCount: Int { engine.rules.rules.count }

    /// Run one event through every stage.
    public func process(_ event: SensorEvent) {
        var event = event
        eventsProcessed &+= 1
        names.apply(&event)
        table.apply(event)
        if case .exec(let e) = event, let tools, let name = tools.identify(e, now: Double(e.header.ktimeNs) / 1e9) {
            table.setToolIdentity(name, for: e.header.processKey)
        }
        if case .exec(let e) = event, let verdict = protection.isProtected(e) {
            table.setImageProtected(verdict, for: e.header.processKey)
        }
        if case .gap = event {
            store(.event(EventRow(event, process: nil, parentEntityId: nil, realtimeOffsetNs: clock.realtimeMinusBoottimeNs)))
            return
        }
        let key = event.header.processKey
        let process = table.record(for: key) ?? table.lookup(pid: event.header.tgid)
        let parent = process?.parentKey.flatMap { table.record(for: $0) }
        exports.publish(event, process: process, parent: parent)
        var seenBefore: Int?
        if case .exec(let e) = event {
            seenBefore = rarity.observe(executable: e.executable, args: e.args)
            onExec?(e)
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
        case .exec, .network, .file, .tamper, .activity, .dns: break
        default: return
        }
        let ancestry = process.map { cachedAncestry(of: $0.key) } ?? []
        hits.removeAll(keepingCapacity: true)
        var target: ActivityTarget?
        if case .activity(let a) = event { target = ActivityTarget.resolve(a, actor: key, in: table) }
        if case .file(let f) = event, f.op == .unlink, f.result == 0,
           let running = table.liveProcess(runningExecutable: f.path) {
            target = ActivityTarget(record: running, isDescendant: nil)  // TargetIsRunningImage
        }
        engine.evaluate(event, process: process, parent: parent, ancestry: ancestry, target: target, into: &hits)
        var highest: RuleLevel?
        for hit in hits {
            raise(hit, event: event, process: process, parent: parent, ancestry: ancestry, seenBefore: seenBefore)
            if highest.map({ hit.level > $0 }) ?? true { highest = hit.level }
        }
        if let baseline {
            observeBaseline(baseline, event: event, process: process, parent: parent, ancestry: ancestry, highestHit: highest)
        }
        if case .exec(let e) = event { joinPipes(e, process: process, parent: parent, ancestry: ancestry) }
    }

    /// Evaluates `pipeline` rules when this exec completes a `writer | reader` pair: as the
    /// reader (the writer exec'd first) or as the writer (the reader exec'd first and waited).
    private func joinPipes(_ e: ExecEvent, process: ProcessRecord?, parent: ProcessRecord?, ancestry: [ProcessRecord]) {
        let (asReader, asWriter) = pipes.observe(e)
        if let j = asReader, let writer = table.record(for: j.writer) {
            raisePipeline(j.reader, process: process, parent: parent, ancestry: ancestry, writer: writer)
        }
        if let j = asWriter, let writer = process {
            let key = j.reader.header.processKey
            let reader = table.record(for: key)
            let readerParent = reader?.parentKey.flatMap { table.record(for: $0) }
            let readerAncestry = reader.map { table.ancestry(of: $0.key, limit: 16) } ?? []
            raisePipeline(j.reader, process: reader, parent: readerParent, ancestry: readerAncestry, writer: writer)
        }
    }

    private func raisePipeline(_ reader: ExecEvent, process: ProcessRecord?, parent: ProcessRecord?,
                               ancestry: [ProcessRecord], writer: ProcessRecord) {
        hits.removeAll(keepingCapacity: true)
        engine.evaluatePipeline(reader, process: process, parent: parent, ancestry: ancestry, writer: writer, into: &hits)
        for hit in hits {
            raise(hit, event: .exec(reader), process: process, parent: parent, ancestry: ancestry,
                  seenBefore: nil, stdinWriter: writer)
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

    func raise(_ hit: RuleHit, event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?,
               ancestry: [ProcessRecord], seenBefore: Int?, baseline: BaselineAlertDetail? = nil,
               stdinWriter: ProcessRecord? = nil) {
        let now = unixNow(event)
        var seen = seenBefore
        if seen == nil, let p = process, !p.executable.isEmpty {
            seen = rarity.seen(executable: p.executable, args: p.args)
        }
        var alert = triage.triage(hit, process: process, ancestry: ancestry, seenBefore: seen, nowUnixNs: now)
        alert.fields.baseline = baseline
        alert.fields.stdinWriter = stdinWriter
        let note = respond?(hit, process, ancestry, alert.incident.uuid)
        if let note { alert.fields.response = note.text }
        alertsRaised &+= 1
        line.removeAll(keepingCapacity: true)
        encoder.encodeAlert(event, process: process, parent: parent, alert: alert.fields, into: &line)
        // Deduplication folds repeats into a count, but an alert whose response acted is always
        // written: an operator must see every kill.
        if alert.shouldEmit || note?.acted == true {
            let exported = exports.alertLine(ecsLine: line, event: event, process: process, parent: parent, alert: alert.fields)
            alertLog?.append(exported)
            onAlertLine?(line, exported, alert.fields)
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
        let exported = exports.alertLine(ecsLine: line, event: event, process: process, parent: parent, alert: fields)
        raiseNotice(fields, nowUnixNs: unixNow(event), ecsLine: line, exportedLine: exported, entityId: process?.entityId)
    }

    /// Writes an alert that stands outside triage (a kernel prevention record, an audit of a
    /// level change, a guardrail tripping) as an alert line and an alert row, so operators see
    /// it where they see alerts. Worker thread.
    /// `exportedLine` is the line in `output.format` when the caller has one; otherwise a
    /// non-ECS format gets a finding built from `fields`.
    public func raiseNotice(_ fields: AlertFields, nowUnixNs: Int64, ecsLine: [UInt8], exportedLine: [UInt8]? = nil,
                            entityId: String? = nil) {
        alertsRaised &+= 1
        let exported = exportedLine ?? exports.noticeLine(ecsLine: ecsLine, fields: fields, unixNs: nowUnixNs)
        alertLog?.append(exported)
        onAlertLine?(ecsLine, exported, fields)
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

    func unixNow(_ event: SensorEvent) -> Int64 {
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
