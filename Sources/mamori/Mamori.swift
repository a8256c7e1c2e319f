import ArgumentParser
import Foundation
import MamoriControl

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
              mamori status                 # the running agent's health (control socket)
              sudo mamori level set 2 --for 1h

            Exit status of the control commands (status, level, isolate, quarantine, response,
            reload, alerts --follow): 0 ok, 1 failed, 2 bad usage, 3 agent not running, 4 denied.
            """,
        version: MamoriVersion.string,
        subcommands: [AgentCommand.self, WatchCommand.self, DoctorCommand.self, RulesCommand.self, SelftestCommand.self,
                      EventsCommand.self, AlertsCommand.self, IncidentsCommand.self, StoryCommand.self,
                      BenchCommand.self, StatusCommand.self, LevelCommand.self, IsolateCommand.self,
                      QuarantineCommand.self, ResponseCommand.self, ReloadCommand.self, ConfigCommand.self,
                      PreventionHoldCommand.self, BaselineCommand.self]
    )

    /// argument-parser's `main`, except that a usage error of a control command exits 2 (the
    /// documented contract of docs/cli.md) instead of 64.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if ControlCLI.isControlInvocation(CommandLine.arguments), exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ControlExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}

/// Version string shown by `--version` and `doctor`.
enum MamoriVersion {
    static let string = "0.1.0"
}
