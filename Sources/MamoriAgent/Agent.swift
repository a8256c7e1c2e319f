import Atomics
import Glibc
import MamoriDetection
import MamoriEvents
import MamoriOutput
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
    private let log: (String) -> Void
    public private(set) var pipeline: DetectionPipeline?
    public private(set) var session: SensorSession?
    private var writer: StoreWriter?

    public init(configuration: AgentConfiguration, log: @escaping (String) -> Void) {
        self.configuration = configuration
        self.log = log
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
        let alertLog = try AlertLog(path: c.alertsPath)
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
        for path in c.watchFiles { _ = try? session.program.maps.watch(path: path) }
        for dir in c.watchDirectories { _ = try? session.program.maps.watch(path: dir, children: true) }
        session.start()
        let entityIds = EntityIdGenerator.forThisHost()
        let seeder = ProcSeeder(entityIds: entityIds, cgroups: cgroups)
        let table = ProcessTable(entityIds: entityIds, cgroups: cgroups, fallback: { seeder.readProcess($0) })
        let seeded = (try? seeder.seed(into: table)) ?? 0
        pipeline = DetectionPipeline(table: table, rules: report.ruleSet, alertLog: alertLog, writer: writer,
                                     history: history, storeEvents: c.storeEvents, hostName: Self.hostName())
        self.session = session
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        pipeline?.storeSnapshot(nowUnixNs: Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec))
        log("sensor attached: \(session.program.attached.count) hooks, \(session.program.skipped.count) skipped; \(seeded) processes seeded; alerts → \(c.alertsPath); store → \(c.databasePath ?? "disabled")")
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
        }
        session.reader.stop()
        batch.removeAll(keepingCapacity: true)
        while session.queue.popBatch(into: &batch, max: 1024) > 0 {
            for e in batch { pipeline.process(e) }
            batch.removeAll(keepingCapacity: true)
        }
        let s = session.stats
        session.stop()
        writer?.close()
        log("stopped: \(pipeline.eventsProcessed) events, \(pipeline.alertsRaised) alerts, kernel drops \(s.totalKernelDrops), queue drops \(s.reader.queueDrops), store drops \(pipeline.storeDrops)")
    }

    private func reload() {
        guard let pipeline else { return }
        switch RuleBook.reload(directory: configuration.rulesDirectory) {
        case .success(let report):
            pipeline.replaceRules(report.ruleSet)
            log("rules reloaded: \(report.summary)")
        case .failure(let error):
            log("rule reload rejected, previous \(pipeline.ruleCount) rules stay active: \(error)")
        }
    }

    static func hostName() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, buf.count)
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
