import Atomics
import Logging
import ServiceLifecycle
import UnixSignals

/// The agent as a swift-service-lifecycle `Service`: `Agent.start` (loads and attaches the
/// BPF programs) and then `Agent.run` (the worker loop) each on a dedicated thread; systemd
/// hears READY=1 once hooks are attached. On graceful shutdown (SIGTERM/SIGINT through the
/// `ServiceGroup`) or task cancellation it asks the agent to stop: `Agent.run` drains the
/// queue, detaches every hook, flushes and closes the store, and only then does `run()`
/// return. Sendable; the group calls `run()` once.
public final class AgentService: Service, Sendable {
    public let agent: Agent
    private let notifier: SystemdNotifier?
    private let logger: Logger
    private let running = ManagedAtomic<Bool>(false)
    /// True from a successful `Agent.start` until the worker has stopped. Any thread.
    public var isRunning: Bool { running.load(ordering: .acquiring) }

    public init(agent: Agent, notifier: SystemdNotifier?, logger: Logger) {
        self.agent = agent
        self.notifier = notifier
        self.logger = logger
    }

    public func run() async throws {
        let agent = self.agent
        notifier?.status("loading BPF programs and rules")
        do {
            try await DedicatedThread.run(name: "mamori-start") { try agent.start() }
        } catch {
            notifier?.status("start failed: \(error)")
            throw error
        }
        running.store(true, ordering: .releasing)
        let hooks = agent.session?.program.attached.count ?? 0
        notifier?.ready(status: "running: \(hooks) hooks attached, \(agent.pipeline?.ruleCount ?? 0) rules")
        logger.info("agent ready", metadata: ["hooks": "\(hooks)"])
        let notifier = self.notifier
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await DedicatedThread.run(name: "mamori-worker") { agent.run() }
        } onCancelOrGracefulShutdown: {
            notifier?.stopping(status: "stopping: draining events, detaching hooks, closing the store")
            agent.requestStop()
        }
        running.store(false, ordering: .releasing)
    }
}

/// Feeds systemd's watchdog (WATCHDOG=1 every `interval`) while the agent's worker loop keeps
/// turning: if the worker hangs, its heartbeat stops, the keep-alives stop, and systemd
/// restarts the unit (Restart=on-failure). Sendable; the group calls `run()` once.
public struct WatchdogService: Service {
    let notifier: SystemdNotifier
    let interval: Duration
    let agent: AgentService

    public init(notifier: SystemdNotifier, interval: Duration, agent: AgentService) {
        self.notifier = notifier; self.interval = interval; self.agent = agent
    }

    public func run() async throws {
        var lastBeat: UInt64 = .max
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let beat = agent.agent.heartbeat
            // Before start finishes (the verifier may take long) the loading itself is alive.
            if !agent.isRunning || beat != lastBeat { notifier.watchdog() }
            lastBeat = beat
            let interval = self.interval
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

/// Calls `onReload` for each SIGHUP until shutdown. Sendable; the group calls `run()` once.
public struct ReloadSignalService: Service {
    let onReload: @Sendable () async -> Void

    public init(onReload: @escaping @Sendable () async -> Void) { self.onReload = onReload }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            await onReload()
        }
    }
}
