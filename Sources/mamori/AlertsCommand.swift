import ArgumentParser
import Glibc
import MamoriControl
import MamoriInvestigation
import MamoriStore

/// `mamori alerts`: stored alerts, most recently seen first.
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List stored alerts, most recently seen first.",
        discussion: """
            Times: a duration back from now (30m, 24h, 7d) or a UTC timestamp
            (2026-11-27T03:00:00Z, 2026-11-27).
            Severity order: informational < low < medium < high < critical.
            Examples:
              sudo mamori alerts --since 24h --min-severity high
              sudo mamori alerts --rule linux_reverse_shell --json
              sudo mamori alerts --incident <INCIDENT>   # the alerts of one incident
              sudo mamori story <ALERT>                  # the story behind an alert
              mamori alerts --follow --min-severity high # live, from the running agent (Ctrl-C ends)
            """)

    @Option(name: .long, help: ArgumentHelp("Alerts still active at or after this time.", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Alerts that began before this time.", valueName: "time"))
    var until: String?

    @Option(name: .long, help: ArgumentHelp("Only this rule id.", valueName: "id"))
    var rule: String?

    @Option(name: .long, help: ArgumentHelp("This severity or above.", valueName: "level"))
    var minSeverity: String?

    @Option(name: .long, help: ArgumentHelp("Only alerts of this incident.", valueName: "uuid"))
    var incident: String?

    @Option(name: .long, help: "At most this many alerts (0 = all).")
    var limit: Int = 1_000

    @Flag(name: .long, help: "One JSON object per line.")
    var json = false

    @Flag(name: .long, help: "Stream new alerts live from the running agent until interrupted (--rule and --min-severity apply).")
    var follow = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var control: ControlOptions

    func validate() throws {
        if follow && (since != nil || until != nil || incident != nil) {
            throw ValidationError("--follow streams new alerts: it cannot be combined with --since, --until or --incident")
        }
        let now = TimeExpression.nowUnixNs()
        _ = try QueryCLI.time(since, option: "since", now: now)
        _ = try QueryCLI.time(until, option: "until", now: now)
        if let minSeverity {
            _ = try QueryCLI.argument { () throws(InvestigationError) in try QueryArguments.severity(minSeverity) }
        }
        if limit < 0 { throw ValidationError("--limit must be 0 (all) or more") }
    }

    func run() throws {
        if follow { return try runFollow() }
        let now = TimeExpression.nowUnixNs()
        var filter = AlertFilter(ruleId: rule, incidentUUID: incident, limit: limit, order: .newestFirst)
        filter.since = try QueryCLI.time(since, option: "since", now: now)
        filter.until = try QueryCLI.time(until, option: "until", now: now)
        if let minSeverity {
            filter.minimumSeverity = try QueryCLI.argument { () throws(InvestigationError) in
                try QueryArguments.severity(minSeverity)
            }
        }
        let events = try StoreLocation.openReadOnly(store.db)
        let rows = try events.alerts(filter: filter)
        if json {
            QueryCLI.write(Listing.alertJSONLines(rows))
        } else if rows.isEmpty {
            QueryCLI.note("no alerts match in \(store.db)")
        } else {
            QueryCLI.write(Listing.alertTable(rows))
        }
        if limit > 0 && rows.count == limit {
            QueryCLI.note("showing the \(limit) most recent matching alerts: narrow with --since, or raise --limit")
        }
    }

    /// `--follow`: alert lines pushed by the agent over the control socket.
    private func runFollow() throws {
        let minimum = try minSeverity.map { m in
            try QueryCLI.argument { () throws(InvestigationError) in try QueryArguments.severity(m) }
        }
        let order = AlertFilter.severityOrder
        let threshold = minimum.flatMap { order.firstIndex(of: $0) }
        // A parent may have left SIGINT/SIGTERM blocked; this command ends on them.
        var endSignals = sigset_t()
        sigemptyset(&endSignals)
        sigaddset(&endSignals, SIGINT)
        sigaddset(&endSignals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &endSignals, nil)
        let client = ControlClient(socketPath: control.socketPath, timeout: control.timeout)
        do {
            try client.followAlerts { notice in
                if let rule, notice.ruleId != rule { return true }
                if let threshold, (order.firstIndex(of: notice.severity) ?? -1) < threshold { return true }
                if let missed = notice.missedBefore {
                    QueryCLI.note("\(missed) alert(s) skipped: this terminal read too slowly (they are in the store)")
                }
                if json {
                    QueryCLI.write((notice.ecsJSON ?? ControlJSON.line(notice)) + "\n")
                } else {
                    QueryCLI.write(ControlText.alertLine(notice) + "\n")
                }
                return true
            }
        } catch {
            throw ControlCLI.fail(error)
        }
        QueryCLI.note("the agent ended the alert stream (stopped or restarting)")
    }
}
