import Foundation
import Synchronization

/// Which exporters `ExportHub` runs (built by the agent from the `exports.*` and `alerts.*`
/// config keys). Value type; any thread may use it.
public struct ExportHubConfig: Sendable {
    /// Alerts as ECS JSON lines, rotated (`alerts.path`, `alerts.rotate_bytes`, `alerts.keep`).
    public var alertsFile: LineFileConfig?
    /// Every event as ECS JSON lines (`exports.events_json`).
    public var eventsFile: LineFileConfig?
    public var syslog: SyslogConfig?
    public var otlp: OTLPConfig?

    public init(alertsFile: LineFileConfig? = nil, eventsFile: LineFileConfig? = nil,
                syslog: SyslogConfig? = nil, otlp: OTLPConfig? = nil) {
        self.alertsFile = alertsFile; self.eventsFile = eventsFile; self.syslog = syslog; self.otlp = otlp
    }
}

/// The one object the agent talks to for exports: `publish` per alert fans out to every enabled
/// exporter; `publishEvent` feeds the optional events file; `stats` for `mamori status`;
/// `shutdown(flushTimeout:)` on SIGTERM.
///
/// Exists so that the pipeline worker makes one call per alert and never blocks: each exporter
/// has its own bounded queue and thread; a full queue drops (counted per exporter). When
/// `metrics` is given, `syncMetrics()` (call it before each scrape: `MetricsHTTPServer`'s
/// `beforeScrape`) moves the exporter counters into `mamori_export_{sent,dropped,failed}_total`.
/// All members may be called from any thread; `publish` is meant for the pipeline worker.
public final class ExportHub: Sendable {
    private let alertsFile: LineFileExporter?
    private let eventsFile: LineFileExporter?
    private let syslog: SyslogExporter?
    private let otlp: OTLPLogExporter?
    private let metrics: MamoriMetrics?
    private let reported = Mutex<[String: ExporterStats]>([:])

    /// Opens files and validates every configuration now; throws the first problem (no
    /// exporter is left running when one fails).
    public init(config: ExportHubConfig, metrics: MamoriMetrics? = nil) throws(ExportError) {
        var started: [@Sendable () -> Void] = []
        do throws(ExportError) {
            alertsFile = try config.alertsFile.map { c throws(ExportError) in try LineFileExporter(name: "alerts-file", config: c) }
            if let e = alertsFile { started.append { e.shutdown(flushTimeout: 0) } }
            eventsFile = try config.eventsFile.map { c throws(ExportError) in try LineFileExporter(name: "events-file", config: c) }
            if let e = eventsFile { started.append { e.shutdown(flushTimeout: 0) } }
            syslog = try config.syslog.map { c throws(ExportError) in try SyslogExporter(config: c) }
            if let e = syslog { started.append { e.shutdown(flushTimeout: 0) } }
            otlp = try config.otlp.map { c throws(ExportError) in try OTLPLogExporter(config: c) }
        } catch {
            for stop in started { stop() }
            throw error
        }
        self.metrics = metrics
    }

    /// Hands one ECS alert line to every enabled exporter. Never blocks; returns how many
    /// exporters accepted it (the others counted a drop).
    @discardableResult
    public func publish(_ alert: ExportAlert) -> Int {
        var accepted = 0
        if let alertsFile, alertsFile.submit(alert.line) { accepted += 1 }
        if let syslog, syslog.submit(alert) { accepted += 1 }
        if let otlp, otlp.submit(alert) { accepted += 1 }
        return accepted
    }

    /// Convenience with the fields spelled out (`severity` is the rule level word).
    @discardableResult
    public func publish(alertLine: [UInt8], severity: String, ruleId: String, riskScore: Int,
                        incidentId: String, techniques: [String] = [],
                        timeUnixNano: UInt64 = WallClock.nowNanos()) -> Int {
        publish(ExportAlert(line: alertLine, severity: AlertSeverity(word: severity), ruleId: ruleId,
                            riskScore: riskScore, incidentId: incidentId, techniques: techniques,
                            timeUnixNano: timeUnixNano))
    }

    /// Hands one ECS event line to the events file, if enabled. Never blocks.
    @discardableResult
    public func publishEvent(line: [UInt8]) -> Bool { eventsFile?.submit(line) ?? false }

    public var isEventExportEnabled: Bool { eventsFile != nil }

    /// One entry per enabled exporter.
    public var stats: [ExporterStats] {
        [alertsFile?.stats, eventsFile?.stats, syslog?.stats, otlp?.stats].compactMap { $0 }
    }

    /// Adds what changed since the last call to the `mamori_export_*_total` counters.
    public func syncMetrics() {
        guard let metrics else { return }
        let now = stats
        reported.withLock { previous in
            for s in now {
                let old = previous[s.name]
                let deltas: [(MamoriMetrics.ExportOutcome, UInt64, UInt64)] = [
                    (.sent, s.sent, old?.sent ?? 0), (.dropped, s.dropped, old?.dropped ?? 0), (.failed, s.failed, old?.failed ?? 0),
                ]
                for (outcome, value, before) in deltas where value > before {
                    metrics.exporter(s.name, outcome).increment(by: Int64(value - before))
                }
                previous[s.name] = s
            }
        }
    }

    /// Flushes every exporter in parallel for at most `flushTimeout` seconds and stops them.
    /// Returns true when everything queued was delivered or written.
    @discardableResult
    public func shutdown(flushTimeout: Double) -> Bool {
        var stops: [@Sendable () -> Bool] = []
        if let e = alertsFile { stops.append { e.shutdown(flushTimeout: flushTimeout) } }
        if let e = eventsFile { stops.append { e.shutdown(flushTimeout: flushTimeout) } }
        if let e = syslog { stops.append { e.shutdown(flushTimeout: flushTimeout) } }
        if let e = otlp { stops.append { e.shutdown(flushTimeout: flushTimeout) } }
        let jobs = stops
        let results = Mutex<[Bool]>([])
        runInParallel(jobs.count) { i in
            let ok = jobs[i]()
            results.withLock { $0.append(ok) }
        }
        syncMetrics()
        return results.withLock { $0.allSatisfy { $0 } }
    }
}


/// Runs `count` blocking jobs on their own threads and waits for all (shutdown is rare; the
/// flush waits are bounded by each exporter's timeout).
private func runInParallel(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for i in 0..<count {
        group.enter()
        Thread.detachNewThread { body(i); group.leave() }
    }
    group.wait()
}

