import ArgumentParser

/// The `mamori` command: the sensor in the foreground plus operator tools.
@main
struct Mamori: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mamori",
        abstract: "eBPF-backed EDR sensor for Linux servers.",
        discussion: """
            Examples:
              sudo mamori agent             # sensor + detection: alerts and history
              sudo mamori doctor            # what this kernel offers and what Mamori will use
              sudo mamori watch             # one readable line per kernel event
              sudo mamori watch --json --kind exec,connect
              sudo mamori watch --comm curl --pid 1234
            """,
        version: MamoriVersion.string,
        subcommands: [AgentCommand.self, WatchCommand.self, DoctorCommand.self, RulesCommand.self, SelftestCommand.self,
                      EventsCommand.self, AlertsCommand.self, IncidentsCommand.self, StoryCommand.self,
                      BenchCommand.self, ConfigCommand.self]
    )
}

/// Version string shown by `--version` and `doctor`.
enum MamoriVersion {
    static let string = "0.1.0"
}
