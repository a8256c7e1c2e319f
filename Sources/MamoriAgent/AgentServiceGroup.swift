import Logging
import MamoriConfig
import ServiceLifecycle
import UnixSignals

/// Assembles the agent and its companions into one `ServiceGroup` and runs it until
/// SIGTERM/SIGINT: `AgentService`, SIGHUP → `reload`, and the systemd watchdog when the
/// unit asks for one. The lead adds services by passing them in:
/// - `sinks` (exporters, metrics) start before the agent and stop after it, so the agent's
///   final drain still reaches them;
/// - `frontends` (the control socket) start after the agent and stop before it.
/// ServiceGroup shuts services down in reverse start order and waits for each.
/// Built and run once from `mamori agent`'s main task.
public struct AgentServiceGroup: Sendable {
    public let agentService: AgentService
    public var sinks: [any Service] = []
    public var frontends: [any Service] = []
    private let notifier: SystemdNotifier?
    private let watchdogEnabled: Bool
    private let logger: Logger
    private let reload: @Sendable () async -> Void
    private let shutdown = ShutdownRequest()

    /// - Parameter reload: what SIGHUP does (re-read the configuration, then the rules).
    public init(agent: Agent, notifier: SystemdNotifier? = SystemdNotifier.fromEnvironment(),
                watchdog: Bool = true, logger: Logger, reload: @escaping @Sendable () async -> Void) {
        self.agentService = AgentService(agent: agent, notifier: notifier, logger: logger)
        self.notifier = notifier
        self.watchdogEnabled = watchdog
        self.logger = logger
        self.reload = reload
    }

    /// Starts the same graceful shutdown as SIGTERM (for a control-socket `stop`, or tests).
    /// Any thread; harmless before `run()` (the request waits) or after shutdown began.
    public func requestShutdown() { shutdown.request() }

    /// Runs until shutdown; rethrows the agent's start failure.
    public func run() async throws {
        typealias Config = ServiceGroupConfiguration.ServiceConfiguration
        var services: [Config] = sinks.map { Config(service: $0, successTerminationBehavior: .ignore) }
        services.append(Config(service: agentService, successTerminationBehavior: .gracefullyShutdownGroup,
                               failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: "agent"))
        services += frontends.map { Config(service: $0, successTerminationBehavior: .ignore) }
        services.append(Config(service: ReloadSignalService(onReload: reload), successTerminationBehavior: .ignore,
                               serviceName: "reload"))
        if watchdogEnabled, let notifier, let interval = notifier.watchdogInterval {
            services.append(Config(service: WatchdogService(notifier: notifier, interval: interval, agent: agentService),
                                   successTerminationBehavior: .ignore, serviceName: "watchdog"))
        }
        services.append(Config(service: ShutdownRequestService(request: shutdown),
                               successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "shutdown-request"))
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// The standard SIGHUP action: reload the configuration (keeping the old one on errors),
    /// then ask the agent to reload its rules (which likewise keeps the old set on errors).
    public static func standardReload(reloader: ConfigurationReloader, agent: Agent,
                                      notifier: SystemdNotifier?, log: @escaping @Sendable (String) -> Void)
        -> @Sendable () async -> Void {
        return {
            notifier?.reloading()
            let old = reloader.configuration.configuration
            switch reloader.reload() {
            case .success(let loaded):
                agent.hostContext.setLocalNetworks(loaded.configuration.detection.localNetworks)
                let restart = ConfigurationReloader.keysNeedingRestart(old: old, new: loaded.configuration)
                log("configuration reloaded from \(loaded.files.isEmpty ? ConfigLoader.builtinName : loaded.files.joined(separator: ", "))"
                    + (restart.isEmpty ? "" : "; changes to \(restart.joined(separator: ", ")) apply after a restart"))
            case .failure(let error):
                log("configuration reload rejected, previous configuration stays in force:")
                for d in error.diagnostics { log("  \(d)") }
            }
            agent.requestReload()
            notifier?.ready(status: "running (reloaded)")
        }
    }
}

/// A one-shot "please stop" that `ShutdownRequestService` turns into the group's graceful
/// shutdown. Any thread.
final class ShutdownRequest: Sendable {
    let requests: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (requests, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func request() { continuation.yield() }
}

/// Returns on the first request, which (by its termination behaviour) shuts the group down
/// gracefully; also returns when the group is already shutting down.
struct ShutdownRequestService: Service {
    let request: ShutdownRequest

    func run() async {
        for await _ in request.requests.cancelOnGracefulShutdown() { return }
    }
}
