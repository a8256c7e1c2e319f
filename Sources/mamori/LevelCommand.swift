import ArgumentParser
import Foundation
import MamoriControl
import MamoriInvestigation
import MamoriStore

/// `mamori level`: show, set or simulate the prevention level through the running agent.
struct LevelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "level",
        abstract: "Show, raise, lower or simulate the prevention level.",
        discussion: """
            Default ladder: 0 monitor (alerts only), 1 known-bad (deny lists, egress blocklist),
            2 critical (critical rules act), 3 high (high rules act), 4 lockdown (medium rules act,
            no exec from temp dirs, daemons may not spawn shells).
            Examples:
              mamori level                                   # current level, overrides, ladder
              sudo mamori level set 2 --reason "change 4711"
              sudo mamori level set lockdown --scope nginx.service --for 30m
              mamori level simulate 3 --since 24h            # what level 3 would have done
            """,
        subcommands: [LevelShowCommand.self, LevelSetCommand.self, LevelSimulateCommand.self],
        defaultSubcommand: LevelShowCommand.self)
}

/// `mamori level show` (also plain `mamori level`).
struct LevelShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "The current level, scope overrides, temporary raise and the ladder.")

    @Flag(name: .long, help: "One JSON object.")
    var json = false

    @OptionGroup var control: ControlOptions
    @OptionGroup var store: StoreOptions

    func run() throws {
        let reply = try ControlCLI.call(control, .levelGet) { AgentDownReport.level(db: store.db, json: json) }
        guard case .level(let state) = reply else { throw ControlCLI.unexpected(reply) }
        if json { ControlCLI.printJSON(state) } else { QueryCLI.write(ControlText.level(state)) }
    }
}

/// `mamori level set <n|name>`.
struct LevelSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change the level (root only); applies at once, no restart.",
        discussion: """
            Examples:
              sudo mamori level set 2 --reason "rollout step 1"
              sudo mamori level set high --for 2h            # reverts after 2 h
              sudo mamori level set 4 --scope nginx.service  # one systemd unit only
              sudo mamori level set 0 --scope /system.slice/db.service
            """)

    @Argument(help: ArgumentHelp("Level number or name (monitor, known-bad, critical, high, lockdown).", valueName: "n|name"))
    var level: String

    @Option(name: .long, help: ArgumentHelp("Only this systemd unit or cgroup path.", valueName: "unit|cgroup"))
    var scope: String?

    @Option(name: .long, help: ArgumentHelp("Why (recorded in the audit trail).", valueName: "text"))
    var reason: String?

    @Option(name: .customLong("for"), help: ArgumentHelp("Revert after this long: 30m, 2h, 1d.", valueName: "duration"))
    var duration: String?

    @Flag(name: .long, help: "One JSON object.")
    var json = false

    @OptionGroup var control: ControlOptions

    func validate() throws { _ = try request() }

    func request() throws -> LevelSetRequest {
        let selector = try ControlCLI.argument { () throws(ControlArguments.Invalid) in try ControlArguments.level(self.level) }
        let scope = try self.scope.map { s in try ControlCLI.argument { () throws(ControlArguments.Invalid) in try ControlArguments.scope(s) } }
        let seconds = try duration.map { d in try ControlCLI.argument { () throws(ControlArguments.Invalid) in try ControlArguments.duration(d) } }
        return LevelSetRequest(level: selector, scope: scope, reason: reason, forSeconds: seconds)
    }

    func run() throws {
        let reply = try ControlCLI.call(control, .levelSet(try request()))
        guard case .levelChanged(let change) = reply else { throw ControlCLI.unexpected(reply) }
        if json { ControlCLI.printJSON(change); return }
        var line = "level \(change.previous) \(change.previousName) → \(change.level) \(change.levelName) (\(change.scope))"
        if let until = change.expiresAt { line += ", reverts at \(ControlCLI.time(unixSeconds: until))" }
        QueryCLI.write(line + "\n")
    }
}

/// `mamori level simulate <n|name>`.
struct LevelSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Replay recorded history: what this level would have killed or blocked.",
        discussion: """
            Times: a duration back from now (30m, 24h, 7d) or a UTC timestamp (2026-11-27T03:00:00Z).
            Examples:
              mamori level simulate 3 --since 24h
              mamori level simulate lockdown --since 7d --json | jq '.byRule[]'
            """)

    @Argument(help: ArgumentHelp("Level number or name.", valueName: "n|name"))
    var level: String

    @Option(name: .long, help: ArgumentHelp("Replay history from this time.", valueName: "time"))
    var since: String = "24h"

    @Option(name: .long, help: ArgumentHelp("Only this systemd unit or cgroup path.", valueName: "unit|cgroup"))
    var scope: String?

    @Flag(name: .long, help: "One JSON object.")
    var json = false

    @OptionGroup var control: ControlOptions

    func validate() throws { _ = try request() }

    func request() throws -> SimulateRequest {
        let selector = try ControlCLI.argument { () throws(ControlArguments.Invalid) in try ControlArguments.level(self.level) }
        let scope = try self.scope.map { s in try ControlCLI.argument { () throws(ControlArguments.Invalid) in try ControlArguments.scope(s) } }
        let now = TimeExpression.nowUnixNs()
        guard let from = try QueryCLI.time(since, option: "since", now: now) else {
            throw ValidationError("--since: give a duration (24h) or a timestamp")
        }
        if from >= now { throw ValidationError("--since \(since) is not in the past") }
        return SimulateRequest(level: selector, sinceUnixNs: from, scope: scope)
    }

    func run() throws {
        let reply = try ControlCLI.call(control, .levelSimulate(try request()))
        guard case .simulation(let report) = reply else { throw ControlCLI.unexpected(reply) }
        if json { ControlCLI.printJSON(report) } else { QueryCLI.write(ControlText.simulation(report)) }
    }
}
