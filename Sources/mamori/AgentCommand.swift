import ArgumentParser
import Atomics
import Glibc
import MamoriAgent

/// `mamori agent`: sensor, detection, triage, alert log and store in the foreground.
struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run the sensor with detection: alerts to a file, history to SQLite.",
        discussion: """
            Examples:
              sudo mamori agent                                  # defaults below
              sudo mamori agent --rules rules --alerts /tmp/alerts.json --db /tmp/mamori.db
              sudo kill -HUP $(pidof mamori)                     # reload rules (bad files keep the old set)
            Defaults: rules from /etc/mamori/rules (else ./rules), alerts to
            /var/log/mamori/alerts.json, store at /var/lib/mamori/mamori.db.
            """)

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

    func run() throws {
        var config = AgentConfiguration()
        if let rules { config.rulesDirectory = rules }
        if let alerts { config.alertsPath = alerts }
        if let db { config.databasePath = db }
        if noStore { config.databasePath = nil }
        config.storeEvents = !alertsOnly
        AgentSignals.install()  // before any thread starts: threads inherit the signal mask
        let agent = Agent(configuration: config) { StandardError.write("mamori: \($0)\n") }
        do {
            try agent.start()
        } catch {
            throw CLIError(error.description)
        }
        AgentSignals.install()  // again: loading rules (Foundation) may have replaced handlers
        agent.run(externalStop: { StopSignal.isRequested }, externalReload: { AgentSignals.takeReload() })
    }
}

/// SIGINT/SIGTERM stop the agent, SIGHUP reloads rules: the handlers only flip atomics that
/// the worker loop polls between batches.
enum AgentSignals {
    static let reload = UnsafeAtomic<Bool>.create(false)

    static func install() {
        StopSignal.install()
        signal(SIGHUP) { _ in AgentSignals.reload.store(true, ordering: .relaxed) }
    }

    static func takeReload() -> Bool { reload.exchange(false, ordering: .relaxed) }
}
