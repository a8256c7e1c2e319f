import ArgumentParser
import MamoriControl

/// `mamori status`: the running agent's health; from the store alone when it is down.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Agent health: version, uptime, kernel capabilities, level, rules, events/s, drops, store, last alert.",
        discussion: """
            When the agent is not running, prints what the store still knows (alert count, last
            alert, last level change) and exits 3.
            Examples:
              mamori status
              mamori status --json | jq .eventsPerSecond
              MAMORI_SOCKET=/tmp/test.sock mamori status
            """)

    @Flag(name: .long, help: "One JSON object.")
    var json = false

    @OptionGroup var control: ControlOptions
    @OptionGroup var store: StoreOptions

    func run() throws {
        let reply = try ControlCLI.call(control, .status) { AgentDownReport.status(db: store.db, json: json) }
        guard case .status(let report) = reply else { throw ControlCLI.unexpected(reply) }
        if json { ControlCLI.printJSON(report) } else { QueryCLI.write(ControlText.status(report)) }
        if !report.degraded.isEmpty && !json {
            QueryCLI.note("protection is reduced on this host: see the DEGRADED lines")
        }
    }
}

/// `mamori reload`: re-read configuration and rules; a bad file keeps the running ones.
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Apply the current configuration and rules without a restart (root only).",
        discussion: """
            A file with errors leaves the running configuration in place; the message names the
            file, line and key. Same as `systemctl reload mamori` (SIGHUP).
            Example:
              sudo mamori reload
            """)

    @Flag(name: .long, help: "One JSON object.")
    var json = false

    @OptionGroup var control: ControlOptions

    func run() throws {
        let reply = try ControlCLI.call(control, .reload)
        guard case .reloaded(let r) = reply else { throw ControlCLI.unexpected(reply) }
        if json { ControlCLI.printJSON(r); return }
        QueryCLI.write("reloaded: \(r.rulesLoaded) rules\(r.configChanged ? ", configuration changed" : "")\n")
        for w in r.warnings { QueryCLI.note("warning: \(w)") }
    }
}

/// `mamori isolate [--off]`: cut (or restore) all egress but loopback and management networks.
struct IsolateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "isolate",
        abstract: "Isolate the host: deny all egress except loopback and management networks (root only).",
        discussion: """
            Examples:
              sudo mamori isolate --reason "incident 42"
              sudo mamori isolate --off
            """)

    @Flag(name: .long, help: "End the isolation.")
    var off = false

    @Option(name: .long, help: ArgumentHelp("Why (recorded in the audit trail).", valueName: "text"))
    var reason: String?

    @Flag(name: .long, help: "One JSON object.")
    var json = false

    @OptionGroup var control: ControlOptions

    func run() throws {
        let reply = try ControlCLI.call(control, .isolate(IsolateRequest(on: !off, reason: reason)))
        guard case .isolation(let s) = reply else { throw ControlCLI.unexpected(reply) }
        if json { ControlCLI.printJSON(s); return }
        if s.isolated {
            QueryCLI.write("host isolated; still reachable: \(s.allowedNetworks.joined(separator: ", "))\n")
        } else {
            QueryCLI.write("host not isolated\n")
        }
    }
}
