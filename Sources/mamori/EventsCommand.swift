import ArgumentParser
import MamoriEvents
import MamoriInvestigation
import MamoriStore

/// `mamori events`: stored events matching filters, oldest first.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Search the stored events (execs, network, file changes).",
        discussion: """
            Shows the most recent matching events (--limit, default 1000), oldest first.
            Times: a duration back from now (30m, 24h, 7d, 1h30m) or a UTC timestamp
            (2026-11-27T03:00:00Z, 2026-11-27).
            Paths: /etc/passwd (exact), '/etc/*' (prefix), '*ssh*' (contains).
            Examples:
              sudo mamori events --since 1h --kind exec
              sudo mamori events --since 2026-11-27T03:00:00Z --until 2026-11-27T04:00Z
              sudo mamori events --path '/etc/*' --kind file --json | jq .path
              sudo mamori events --address 203.0.113.7 --pid 4242
            """)

    @Option(name: .long, help: ArgumentHelp("Events at or after this time.", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Events before this time.", valueName: "time"))
    var until: String?

    @Option(name: .long, help: "Only events of this process id.")
    var pid: UInt32?

    @Option(name: .long, help: ArgumentHelp("Comma-separated kinds: exec, fork, exit, process, connect, dns, file, tamper, action, gap.",
                                            valueName: "list"))
    var kind: String?

    @Option(name: .long, help: ArgumentHelp("File path: exact, prefix (/etc/*) or contains (*ssh*).", valueName: "path"))
    var path: String?

    @Option(name: .long, help: ArgumentHelp("Source or destination IP address.", valueName: "ip"))
    var address: String?

    @Option(name: .long, help: ArgumentHelp("Only events of this process entity id.", valueName: "id"))
    var entity: String?

    @Option(name: .long, help: "At most this many events, the most recent (0 = all).")
    var limit: Int = 1_000

    @Flag(name: .long, help: "One JSON object per line.")
    var json = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        let now = TimeExpression.nowUnixNs()
        _ = try QueryCLI.time(since, option: "since", now: now)
        _ = try QueryCLI.time(until, option: "until", now: now)
        if let kind { _ = try QueryCLI.argument { () throws(InvestigationError) in try QueryArguments.kinds(kind) } }
        if let path { _ = try QueryCLI.argument { () throws(InvestigationError) in try QueryArguments.path(path) } }
        if limit < 0 { throw ValidationError("--limit must be 0 (all) or more") }
    }

    func filter(now: Int64) throws -> MamoriStore.EventFilter {
        var filter = MamoriStore.EventFilter(limit: limit, order: .newestFirst)
        filter.since = try QueryCLI.time(since, option: "since", now: now)
        filter.until = try QueryCLI.time(until, option: "until", now: now)
        filter.pid = pid
        if let kind { filter.kinds = try QueryCLI.argument { () throws(InvestigationError) in try QueryArguments.kinds(kind) } }
        if let path { filter.path = try QueryCLI.argument { () throws(InvestigationError) in try QueryArguments.path(path) } }
        filter.address = address
        filter.entityId = entity
        return filter
    }

    func run() throws {
        let filter = try filter(now: TimeExpression.nowUnixNs())
        let events = try StoreLocation.openReadOnly(store.db)
        // Newest first with the limit, shown oldest first: the last N events, as a log.
        let rows = Array(try events.events(filter: filter).reversed())
        if json {
            QueryCLI.write(Listing.eventJSONLines(rows))
        } else if rows.isEmpty {
            QueryCLI.note("no events match in \(store.db)")
        } else {
            QueryCLI.write(Listing.eventTable(rows))
        }
        if limit > 0 && rows.count == limit {
            QueryCLI.note("showing the \(limit) most recent matching events: narrow with --since, or raise --limit")
        }
    }
}
