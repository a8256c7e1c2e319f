import Foundation
import Atomics
import Glibc
import MamoriBaseline
import MamoriControl
import MamoriDetection
import MamoriEvents
import MamoriOutput
import MamoriPrevention
import MamoriProcess
import MamoriSensor
import MamoriStore

/// The agent in the foreground: sensor → pipeline worker (enrichment, detection, triage) →
/// alert log and store, until asked to stop; rule reload on request between events.
///
/// Exists as a library type so `mamori agent`, `mamori selftest` and the integration tests
/// run the same code. `run` blocks the calling thread (the worker); `requestStop` and
/// `requestReload` may be called from any thread or a signal handler's flag.
public final class Agent: @unchecked Sendable {
    // SAFETY: mutable state is touched only by the thread inside run(); the flags are atomic.
    public let configuration: AgentConfiguration
    private let stopFlag = ManagedAtomic<Bool>(false)
    private let reloadFlag = ManagedAtomic<Bool>(false)
    private let beats = ManagedAtomic<UInt64>(0)
    let log: (String) -> Void
    public private(set) var pipeline: DetectionPipeline?
    public private(set) var session: SensorSession?
    /// Prevention state shared with the control socket (nil with prevention disabled).
    public private(set) var prevention: PreventionController?
    /// The worker's prevention side (decisions, responder); worker thread only.
    public private(set) var preventionWorker: PreventionWorker?
    /// Wall-clock start (for `mamori status`).
    public let startedAt = Date()
    private let startedFlag = ManagedAtomic<Bool>(false)
    /// Counters, rules and the last alert for other threads (control socket).
    public let live = AgentLiveState()
    /// Called with every alert line the worker writes, as ECS and in `output.format`
    /// (exporters take the latter, control followers the former); set before `start()`.
    public var alertSinks: [(_ ecs: [UInt8], _ exported: [UInt8], AlertFields) -> Void] = []
    /// Every event line in `output.format` (the all-events log, `exports.events_json`); set
    /// before `start()`. Nil: events are not encoded at all.
    public var eventSink: (([UInt8]) -> Void)?
    public var rulesLoaded: Int { live.rules.count }
    public var ruleIndex: [String: RuleMetadata] { live.rules }
    public var liveStats: AgentLiveState.LiveStats { live.stats }
    public var lastAlert: AlertNotice? { live.lastAlert }
    private var lastStatsAt = 0.0
    private var lastStatsEvents: UInt64 = 0
    private var loss = LossMonitor()
    private var flood = FloodMonitor()
    /// True once `start()` finished: the control handler answers `unavailable` before.
    public var isStarted: Bool { startedFlag.load(ordering: .acquiring) }
    private var writer: StoreWriter?
    /// Operator requests to and profile headers from the worker's baselines (control socket).
    public let baselineMailbox = BaselineMailbox()
    var lastEnforcedCheckUnixNs: Int64 = 0

    /// Hands an item to the store writer (baseline persistence); dropped when there is no store.
    func enqueueStore(_ item: StoreItem) { _ = writer?.enqueue(item) }

    /// `detection.local_networks` and the resolvers; a configuration reload updates it.
    public let hostContext: HostContext

    public init(configuration: AgentConfiguration, log: @escaping (String) -> Void) {
        self.configuration = configuration
        self.log = log
        self.hostContext = HostContext(localNetworks: configuration.localNetworks)
    }

    public func requestStop() { stopFlag.store(true, ordering: .relaxed) }
    public func requestReload() { reloadFlag.store(true, ordering: .relaxed) }
    /// Advances on every turn of the worker loop (at least every 100 ms while it is healthy);
    /// the systemd watchdog is fed only while it moves. Any thread.
    public var heartbeat: UInt64 { beats.load(ordering: .relaxed) }

    /// Bring everything up; returns once the sensor is attached (call `run` next).
    public func start() throws(AgentError) {
        MallocTuning.limitArenas()
        let c = configuration
        let report = try RuleBook.initial(directory: c.rulesDirectory)
        log("rules: \(report.summary) from \(c.rulesDirectory)")
        for d in report.diagnostics.prefix(20) { log("rules: \(d)") }
        let alertLog = try AlertLog(path: c.alertsPath, rotateBytes: c.alertsRotateBytes, keep: c.alertsKeep)
        var history: EventStore?
        if let db = c.databasePath {
            FileSystem.makeParentDirectories(of: db)
            do {
                writer = try StoreWriter(configuration: .init(path: db, retention: c.retention))
                history = try EventStore(path: db, mode: .readOnly)
            } catch {
                throw .store(path: db, message: "\(error)")
            }
        }
        let cgroups = CgroupResolver.discover()
        let session: SensorSession
        do {
            session = try SensorSession(options: c.sensor, queueCapacity: c.queueCapacity,
                                        cgroupRoot: cgroups.mountPoint)
        } catch {
            throw .sensor(error)
        }
        for path in WatchPaths.expand(c.watchFiles) { _ = try? session.program.maps.watch(path: path) }
        for dir in WatchPaths.expand(c.watchDirectories) { _ = try? session.program.maps.watch(path: dir, children: true) }
        if c.preventionEnabled {
            let controller = PreventionController(
                policy: c.prevention, levelStore: LevelStore(path: c.levelStatePath), maps: session.program.policy,
                agentCgroupPath: Self.ownCgroupPath()) { [log] in log($0) }
            do {
                let notes = try controller.start()
                for n in notes.prefix(20) { log("prevention: \(n)") }
            } catch {
                log("prevention: the persisted level could not be applied, running at monitor: \(error)")
                _ = try? controller.change { $0.setHostLevel(.monitor, by: .agent, reason: "apply failed at start", now: Date().timeIntervalSince1970) }
            }
            prevention = controller
            for d in Self.degradations(session.program) {
                log("DEGRADED: \(d)")
                controller.reportDegraded(d)
            }
            let s = controller.levelState
            log("prevention: level \(s.hostLevel)\(s.scopes.isEmpty ? "" : ", \(s.scopes.count) scope overrides")\(s.isolated ? ", host ISOLATED" : ""); exec denial by \(controller.mechanism)")
        }
        session.start()
        let entityIds = EntityIdGenerator.forThisHost()
        let seeder = ProcSeeder(entityIds: entityIds, cgroups: cgroups)
        let table = ProcessTable(entityIds: entityIds, cgroups: cgroups, fallback: { seeder.readProcess($0) })
        let seeded = (try? seeder.seed(into: table)) ?? 0
        live.setRules(report.ruleSet)
        pipeline = DetectionPipeline(table: table, rules: report.ruleSet, alertLog: alertLog, writer: writer,
                                     history: history, storeEvents: c.storeEvents, hostName: Self.hostName(),
                                     outputFormat: c.outputFormat, hostContext: hostContext.build(log: log))
        self.session = session
        let sinks = alertSinks
        let liveState = live
        pipeline?.onEventLine = eventSink
        pipeline?.onAlertLine = { line, exported, fields in
            liveState.setLastAlert(AlertNotice(alertUUID: fields.alertId, tsUnixNs: Int64(Date().timeIntervalSince1970 * 1e9),
                                               ruleId: fields.ruleId, ruleName: fields.ruleName, severity: fields.severityWord,
                                               riskScore: fields.riskScore, incidentUUID: fields.incidentId.isEmpty ? nil : fields.incidentId,
                                               response: fields.response))
            for sink in sinks { sink(line, exported, fields) }
        }
        if c.baseline.enabled, let pipeline {
            pipeline.baseline = startBaseline(c.baseline, cgroups: cgroups, history: history)
        }
        if let controller = prevention, let pipeline {
            let worker = PreventionWorker(controller: controller, agentPid: UInt32(getpid()), cgroups: cgroups,
                                          hostName: Self.hostName())
            worker.install(on: pipeline)
            preventionWorker = worker
        }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        pipeline?.storeSnapshot(nowUnixNs: Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec))
        startedFlag.store(true, ordering: .releasing)
        let refused = session.program.skipped.filter { $0.hook.contains("refused") }.map(\.program)
        if !refused.isEmpty { log("activity programs refused by this kernel's verifier, running without them: \(refused.joined(separator: " "))") }
        log("sensor attached: \(session.program.attached.count) hooks, \(session.program.skipped.count) skipped; file opens: \(session.program.fileOpenTier.rawValue); \(seeded) processes seeded; alerts → \(c.alertsPath); store → \(c.databasePath ?? "disabled")")
    }

    /// The worker loop; returns after `requestStop` (or once `externalStop` says so) when the
    /// queue is drained and the store flushed. `externalReload` is polled too (signal flags).
    public func run(externalStop: () -> Bool = { false }, externalReload: () -> Bool = { false }) {
        guard let session, let pipeline else { return }
        var batch: [SensorEvent] = []
        batch.reserveCapacity(1024)
        while !stopFlag.load(ordering: .relaxed) && !externalStop() {
            beats.wrappingIncrement(ordering: .relaxed)
            if reloadFlag.exchange(false, ordering: .relaxed) || externalReload() { reload() }
            _ = session.queue.waitForElements(timeout: .milliseconds(100))
            batch.removeAll(keepingCapacity: true)
            if session.queue.popBatch(into: &batch, max: 1024) > 0 {
                for e in batch { pipeline.process(e) }
            }
            preventionWorker?.tick(pipeline: pipeline)
            serviceBaseline(pipeline)
            publishStats(session: session, pipeline: pipeline)
        }
        session.reader.stop()
        preventionWorker?.stop()
        batch.removeAll(keepingCapacity: true)
        while session.queue.popBatch(into: &batch, max: 1024) > 0 {
            for e in batch { pipeline.process(e) }
            batch.removeAll(keepingCapacity: true)
        }
        let s = session.stats
        session.stop()
        pipeline.baseline?.persist(nowUnixNs: Self.unixNowNs(), force: true)
        writer?.close()
        let w = writer?.stats
        log("stopped: \(pipeline.eventsProcessed) events, \(pipeline.alertsRaised) alerts, kernel drops \(s.totalKernelDrops), queue drops \(s.reader.queueDrops), store drops \(pipeline.storeDrops)"
            + (w.map { ", store unstored \($0.unstored), disk full \($0.diskFullCount)" } ?? ""))
    }

    private func reload() {
        guard let pipeline else { return }
        let (networks, resolvers) = hostContext.build(log: log)
        pipeline.replaceHostContext(localNetworks: networks, resolvers: resolvers)
        log("detection context: local networks \(networks.cidrs.joined(separator: ", ")); resolvers \(resolvers.addresses.joined(separator: ", "))")
        switch RuleBook.reload(directory: configuration.rulesDirectory) {
        case .success(let report):
            pipeline.replaceRules(report.ruleSet)
            live.setRules(report.ruleSet)
            log("rules reloaded: \(report.summary)")
        case .failure(let error):
            log("rule reload rejected, previous \(pipeline.ruleCount) rules stay active: \(error)")
        }
    }

    /// What this kernel takes away, said loudly (log, alert, `mamori status`).
    static func degradations(_ program: SensorProgram) -> [String] {
        var out: [String] = []
        let skipped = program.skipped.filter { !$0.program.contains("lsm") }
        if !skipped.isEmpty {
            out.append("\(skipped.count) hooks unavailable on this kernel: " + skipped.prefix(8).map(\.program).joined(separator: ", "))
        }
        if "\(program.preventionMechanism)" != "lsm" {
            out.append("no usable BPF LSM: denied execs are killed with SIGKILL at exec (after the exec, before the first instruction); writes to protected files are detected, not blocked")
        }
        return out
    }

    /// Publishes counters for `mamori status` about once a second. Worker thread.
    private func publishStats(session: SensorSession, pipeline: DetectionPipeline) {
        let now = PreventionWorker.monotonicSeconds()
        guard now - lastStatsAt >= 1 else { return }
        let s = session.stats
        let rate = lastStatsAt == 0 ? 0 : Double(pipeline.eventsProcessed &- lastStatsEvents) / (now - lastStatsAt)
        lastStatsAt = now
        lastStatsEvents = pipeline.eventsProcessed
        live.update(.init(events: pipeline.eventsProcessed, alerts: pipeline.alertsRaised, eventsPerSecond: rate,
                          kernelDrops: s.totalKernelDrops, queueDrops: s.reader.queueDrops, queueDepth: s.queue.depth,
                          storeDrops: pipeline.storeDrops))
        let w = writer?.stats
        let counters = LossMonitor.Counters(kernel: s.totalKernelDrops, queue: s.reader.queueDrops,
                                            storeRefused: pipeline.storeDrops, storeUnstored: w?.unstored ?? 0,
                                            diskFull: w?.diskFullCount ?? 0)
        if let (fields, detail) = loss.check(counters, at: now) {
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            let unixNs = Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
            log("loss: \(fields.ruleName)")
            if let line = LossMonitor.ecsLine(fields, detail: detail, hostName: Self.hostName(), unixNs: unixNs) {
                pipeline.raiseNotice(fields, nowUnixNs: unixNs, ecsLine: line)
            }
        }
        // A user over its event budget names itself (FairAdmission, FloodMonitor).
        let budgetReports = session.reader.takeBudgetReports()
        if !budgetReports.isEmpty {
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            let unixNs = Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
            for (fields, detail) in flood.check(budgetReports, at: now) {
                log("flood: \(fields.ruleName)")
                if let line = FloodMonitor.ecsLine(fields, detail: detail, hostName: Self.hostName(), unixNs: unixNs) {
                    pipeline.raiseNotice(fields, nowUnixNs: unixNs, ecsLine: line)
                }
            }
        }
        // Another process rewrote the config map (self_tgid, flags, level): restore and alert.
        if let drift = session.program.maps.configGuard.verify() {
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            let unixNs = Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
            let fields = ConfigDriftAlert.fields(drift)
            log("tamper: \(drift)")
            if let line = ConfigDriftAlert.ecsLine(fields, drift, hostName: Self.hostName(), unixNs: unixNs) {
                pipeline.raiseNotice(fields, nowUnixNs: unixNs, ecsLine: line)
            }
        }
    }

    /// This process's cgroup v2 path relative to the mount ("/system.slice/mamori.service"),
    /// made a protected scope so prevention never acts on the agent's own unit.
    static func ownCgroupPath() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("0::") { return String(line.dropFirst(3)) }
        return nil
    }

    static func hostName() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, buf.count)
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
