import Foundation
import MamoriConfig
import MamoriControl
import MamoriExport
import MamoriOutput
import MamoriPrevention
import ServiceLifecycle

/// The services that run beside the agent in its `ServiceGroup`: the control socket (a
/// frontend: stops before the agent) and the exporters with the metrics endpoint (sinks: stop
/// after the agent, so its final drain still reaches them).
///
/// Exists so `mamori agent` builds its companions from the configuration in one place and the
/// agent's alert lines fan out to them without the worker ever blocking (each exporter has its
/// own bounded queue; control followers have theirs). Built once on the main thread.
public enum AgentCompanions {
    /// Builds the exporters and metrics from `exports.*` and hooks them to the agent's alerts.
    /// Throws the exporter's configuration error (naming the key).
    public static func exports(for agent: Agent, config: MamoriConfiguration) throws -> [any Service] {
        let e = config.exports
        var syslog: SyslogConfig?
        if e.syslog.enabled {
            var s = SyslogConfig()
            s.address = e.syslog.address
            s.port = UInt16(clamping: e.syslog.port)
            s.transport = e.syslog.transport == .tcp ? .tcp : .udp
            s.facility = SyslogFacility.allCases.first { "\($0)" == e.syslog.facility } ?? .local0
            s.appName = e.syslog.appName
            syslog = s
        }
        var otlp: OTLPConfig?
        if e.otlp.enabled {
            var o = OTLPConfig()
            o.endpoint = e.otlp.endpoint
            o.headers = e.otlp.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            o.timeout = Double(e.otlp.timeout.components.seconds)
            otlp = o
        }
        var events: LineFileConfig?
        if e.eventsJSON.enabled {
            var l = LineFileConfig(path: e.eventsJSON.path)
            l.rotateBytes = e.eventsJSON.rotateBytes
            l.keep = e.eventsJSON.keep
            events = l
        }
        let metrics = e.prometheus.enabled ? MamoriMetrics() : nil
        guard syslog != nil || otlp != nil || metrics != nil || events != nil else { return [] }
        let hub = try ExportHub(config: ExportHubConfig(alertsFile: nil, eventsFile: events, syslog: syslog, otlp: otlp),
                                metrics: metrics)
        if events != nil {
            agent.eventSink = { line in _ = hub.publishEvent(line: line) }
        }
        agent.alertSinks.append { _, exported, fields in
            _ = hub.publish(alertLine: exported, severity: fields.severityWord, ruleId: fields.ruleId,
                            riskScore: fields.riskScore, incidentId: fields.incidentId, techniques: fields.techniques)
            metrics?.alerts(AlertSeverity(word: fields.severityWord)).increment()
        }
        var services: [any Service] = [ExportHubService(hub: hub)]
        if let metrics {
            let server = try MetricsHTTPServer(listen: e.prometheus.listen, metrics: metrics, beforeScrape: { [agent] in
                let s = agent.liveStats
                metrics.queueDepth.set(Double(s.queueDepth))
                hub.syncMetrics()
            })
            services.append(StoppingService { server.stop() })
        }
        return services
    }

    /// `mamori reload`'s configuration step: re-read the files (observers apply the prevention
    /// policy), answer the keys that need a restart or every diagnostic.
    static func configurationReload(_ reloader: ConfigurationReloader) -> @Sendable () -> Result<ConfigurationReloadOutcome, ConfigurationReloadFailure> {
        return {
            let old = reloader.configuration.configuration
            switch reloader.reload() {
            case .success(let loaded):
                return .success(ConfigurationReloadOutcome(
                    changed: old != loaded.configuration,
                    restartKeys: ConfigurationReloader.keysNeedingRestart(old: old, new: loaded.configuration)))
            case .failure(let error):
                return .failure(ConfigurationReloadFailure(diagnostics: error.diagnostics.map { "\($0)" }))
            }
        }
    }

    /// The control socket service; alerts are streamed to `mamori alerts --follow`.
    /// `reloader`: the running configuration, so that `mamori reload` re-reads the files as
    /// SIGHUP does (nil: rules only).
    public static func control(for agent: Agent, version: String, reloader: ConfigurationReloader? = nil) -> (any Service)? {
        guard let path = agent.configuration.controlSocket else { return nil }
        let reload = reloader.map(configurationReload(_:))
        let server = ControlServer(configuration: ControlServerConfiguration(socketPath: path, readGroup: agent.configuration.controlReadGroup),
                                   handler: AgentControlHandler(agent: agent, version: version, configurationReload: reload))
        agent.alertSinks.append { line, _, fields in
            server.alerts.publish(AlertNotice(alertUUID: fields.alertId, tsUnixNs: Int64(Date().timeIntervalSince1970 * 1e9),
                                              ruleId: fields.ruleId, ruleName: fields.ruleName, severity: fields.severityWord,
                                              riskScore: fields.riskScore,
                                              incidentUUID: fields.incidentId.isEmpty ? nil : fields.incidentId,
                                              response: fields.response,
                                              ecsJSON: String(decoding: line.dropLast(), as: UTF8.self)))
        }
        return ControlService(server: server)
    }

    /// The prevention policy of a configuration (`prevention:` section), or the embedded default.
    public static func preventionPolicy(_ section: PreventionSection) throws(PolicyError) -> PreventionPolicy {
        guard let node = section.node else { return PreventionPolicy() }
        do { return try PolicyParser.parse(node: node, file: section.file) } catch {
            var e = error
            e.line += section.lineOffset
            throw e
        }
    }
}

/// Serves the control socket while the group runs.
struct ControlService: Service {
    let server: ControlServer
    func run() async throws {
        try server.start()
        try? await gracefulShutdown()
        server.stop()
    }
}

/// Flushes and stops the exporters when the group shuts down (after the agent).
struct ExportHubService: Service {
    let hub: ExportHub
    func run() async {
        try? await gracefulShutdown()
        _ = hub.shutdown(flushTimeout: 3)
    }
}

/// Runs nothing; calls `stop` at shutdown (the metrics server has its own thread).
struct StoppingService: Service {
    let stop: @Sendable () -> Void
    func run() async {
        try? await gracefulShutdown()
        stop()
    }
}
