import ArgumentParser
import MamoriInvestigation
import MamoriStore

/// `mamori incidents`: stored incidents, most recently active first.
struct IncidentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "List incidents (alerts grouped around a root process), most recently active first.",
        discussion: """
            Times: a duration back from now (30m, 24h, 7d) or a UTC timestamp
            (2026-11-27T03:00:00Z, 2026-11-27).
            Examples:
              sudo mamori incidents --status open
              sudo mamori incidents --since 7d --json | jq -r .incident_uuid
              sudo mamori story <INCIDENT>   # tree, timeline and impact
            """)

    @Option(name: .long, help: ArgumentHelp("Incidents active at or after this time.", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Incidents that began before this time.", valueName: "time"))
    var until: String?

    @Option(name: .long, help: ArgumentHelp("Only this status (open, acknowledged, closed, ...).", valueName: "status"))
    var status: String?

    @Option(name: .long, help: "At most this many incidents (0 = all).")
    var limit: Int = 1_000

    @Flag(name: .long, help: "One JSON object per line.")
    var json = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        let now = TimeExpression.nowUnixNs()
        _ = try QueryCLI.time(since, option: "since", now: now)
        _ = try QueryCLI.time(until, option: "until", now: now)
        if limit < 0 { throw ValidationError("--limit must be 0 (all) or more") }
    }

    func run() throws {
        let now = TimeExpression.nowUnixNs()
        var filter = IncidentFilter(status: status?.lowercased(), limit: limit, order: .newestFirst)
        filter.since = try QueryCLI.time(since, option: "since", now: now)
        filter.until = try QueryCLI.time(until, option: "until", now: now)
        let events = try StoreLocation.openReadOnly(store.db)
        let rows = try events.incidents(filter: filter)
        if json {
            QueryCLI.write(Listing.incidentJSONLines(rows))
        } else if rows.isEmpty {
            QueryCLI.note("no incidents match in \(store.db)")
        } else {
            QueryCLI.write(Listing.incidentTable(rows))
        }
        if limit > 0 && rows.count == limit {
            QueryCLI.note("showing the \(limit) most recently active incidents: narrow with --since, or raise --limit")
        }
    }
}
