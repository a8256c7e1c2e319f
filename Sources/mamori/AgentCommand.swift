import Synchronization
import ArgumentParser
import Dispatch
import Glibc
import Logging
import MamoriAgent
import MamoriConfig

/// `mamori agent`: sensor, detection, triage, alert log and store as a service: SIGTERM/SIGINT
/// stop it gracefully, SIGHUP reloads configuration and rules, systemd hears READY/WATCHDOG.
struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run the sensor with detection: alerts to a file, history to SQLite.",
        discussion: """
            Examples:
              sudo mamori agent                                  # /etc/mamori/config.yaml (or built-in defaults)
              sudo mamori agent --config ./config.yaml -o sensor.file_events=false
              sudo mamori agent --rules rules --alerts /tmp/alerts.json --db /tmp/mamori.db
              sudo kill -HUP $(pidof mamori)                     # reload config + rules (bad files keep the old ones)
            Flags below override the configuration file. Defaults: rules from /etc/mamori/rules
            (else ./rules), alerts to /var/log/mamori/alerts.json, store at /var/lib/mamori/mamori.db.
            """)

    @OptionGroup var configOptions: ConfigOptions

    @Option(name: .long, help: "Directory of rule files (*.yml).")
    var rules: String?

    @Option(name: .long, help: "File that receives ECS JSON alert lines.")
    var alerts: String?

    @Option(name: .long, help: "SQLite database for events, alerts and incidents.")
    var db: String?

    @Flag(name: .long, help: "Do not keep a store (alerts only).")
    var noStore = false

    @Flag(name: .long, help: "Store only alerts and process records, not every event.")
    var alertsOnly = false

    @Flag(name: .long, help: "Detection only: load no prevention policy, never kill or block.")
    var noPrevention = false

    @Option(name: .long, help: "Control socket path (default /run/mamori/control.sock; 'none' disables it).")
    var controlSocket: String?

    @Option(name: .long, help: "Where the prevention level persists across restarts (default /var/lib/mamori/state.json).")
    var stateFile: String?

    func run() throws {
        let loaded = try configOptions.load()
        var config = loaded.configuration.toAgentConfiguration()
        if let rules { config.rulesDirectory = rules }
        if let alerts { config.alertsPath = alerts }
        if let db { config.databasePath = db }
        if noStore { config.databasePath = nil }
        if alertsOnly { config.storeEvents = false }
        if noPrevention { config.preventionEnabled = false }
        if let controlSocket { config.controlSocket = controlSocket == "none" ? nil : controlSocket }
        if let stateFile { config.levelStatePath = stateFile }
        do { config.prevention = try AgentCompanions.preventionPolicy(loaded.configuration.prevention) } catch {
            throw CLIError("invalid prevention policy: \(error)")
        }
        AgentSignals.prepare()  // before any thread starts: threads inherit the signal mask

        let settings = loaded.configuration.agent
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: settings.logLevel) ?? .info
            return handler
        }
        let logger = Logger(label: "mamori")
        let agent = Agent(configuration: config) { StandardError.write("mamori: \($0)\n") }
        let notifier = SystemdNotifier.fromEnvironment()
        let reloader = ConfigurationReloader(initial: loaded)
        reloader.onChange { [agent] _, new in
            guard let controller = agent.prevention else { return }
            do {
                try controller.replacePolicy(try AgentCompanions.preventionPolicy(new.prevention))
            } catch {
                StandardError.write("mamori: prevention policy reload rejected, previous policy stays in force: \(error)\n")
            }
        }
        var group = AgentServiceGroup(
            agent: agent, notifier: notifier, watchdog: settings.watchdog, logger: logger,
            reload: AgentServiceGroup.standardReload(reloader: reloader, agent: agent, notifier: notifier) {
                StandardError.write("mamori: \($0)\n")
            })
        do { group.sinks = try AgentCompanions.exports(for: agent, config: loaded.configuration) } catch {
            throw CLIError("exports: \(error)")
        }
        if let control = AgentCompanions.control(for: agent, version: MamoriVersion.string, reloader: reloader) { group.frontends = [control] }
        let ready = group
        let failure = AgentSignals.runBlocking { try await ready.run() }
        if let failure { throw CLIError("\(failure)") }
    }
}

/// Signal plumbing for the service group: it catches SIGTERM/SIGINT/SIGHUP itself, this only
/// makes sure they are not blocked (a parent may have blocked them) and that a closed pipe
/// is an error, not a death.
enum AgentSignals {
    static func prepare() {
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, sig) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
    }

    /// Runs async work from this synchronous command and waits for it (the main thread only
    /// waits; the work runs on the concurrency pool and the agent's own threads).
    static func runBlocking(_ body: @escaping @Sendable () async throws -> Void) -> (any Error)? {
        let done = DispatchSemaphore(value: 0)
        let failure = Mutex<(any Error)?>(nil)
        Task {
            do { try await body() } catch { failure.withLock { $0 = error } }
            done.signal()
        }
        done.wait()
        return failure.withLock { $0 }
    }
}
