import ArgumentParser
import MamoriInvestigation
import MamoriStore

/// `mamori story`: the attack story behind an incident, an alert or a process.
struct StoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "story",
        abstract: "Rebuild the attack story of an incident, alert or process: tree, timeline, impact.",
        discussion: """
            The story starts at the incident's root process, or, above the alerting
            process, at the nearest session leader, systemd service main process or
            child of pid 1. It shows every descendant with its command line, the
            execs, connections and file changes in time order (the first --limit),
            the alerts, and every file changed and address contacted.
            Examples:
              sudo mamori story 6f1c2a9e-0d4b-4c1e-9a57-3e0b8f1d2c44
              sudo mamori story <ALERT> --format json | jq .impact.files
              sudo mamori story <INCIDENT> --format dot | dot -Tsvg > story.svg
            """)

    /// The renderings `--format` offers.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, dot
    }

    @Argument(help: ArgumentHelp("An incident UUID, an alert UUID or a process entity id.", valueName: "id"))
    var reference: String

    @Option(name: .long, help: "Output format: text, json or dot (Graphviz).")
    var format: Format = .text

    @Option(name: .long, help: "Timeline events shown at most (the first ones in time).")
    var limit: Int = 5_000

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let events = try StoreLocation.openReadOnly(store.db)
        let builder = StoryBuilder(store: events, options: StoryOptions(timelineLimit: limit))
        let story = try builder.build(reference: reference)  // InvestigationError: one line, exit 1
        switch format {
        case .text: QueryCLI.write(StoryTextRenderer.render(story))
        case .json: QueryCLI.write(StoryJSONRenderer.render(story) + "\n")
        case .dot: QueryCLI.write(StoryDOTRenderer.render(story))
        }
    }
}
