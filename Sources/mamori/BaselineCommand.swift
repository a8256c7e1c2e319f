import MamoriText
import ArgumentParser
import Foundation
import MamoriBaseline
import MamoriControl
import MamoriInvestigation
import MamoriPrevention
import MamoriStore

/// `mamori baseline`: the behavioural baselines the agent learned per unit (docs/baseline.md).
/// `status`, `show` and `propose` read the store (they work with the agent down; the agent
/// writes profile headers every 2 s); `reset` asks the running agent, which owns the profiles.
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Behavioural baselines per unit: status, show, reset, propose a lockdown policy.",
        discussion: """
            Examples:
              mamori baseline status
              mamori baseline show --unit nginx.service
              mamori baseline propose --unit nginx.service --output /etc/mamori/config.d/50-nginx-lockdown.yaml
              mamori level simulate lockdown --scope nginx.service --since 7d
              sudo mamori baseline reset --unit nginx.service
            """,
        subcommands: [BaselineStatusCommand.self, BaselineShowCommand.self, BaselineResetCommand.self,
                      BaselineProposeCommand.self],
        defaultSubcommand: BaselineStatusCommand.self)
}

/// `--unit U`, validated: non-empty, no whitespace.
struct BaselineUnitOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Profile: a systemd unit (nginx.service), cgroup:PATH or interactive.", valueName: "unit"))
    var unit: String

    func validate() throws {
        if unit.isEmpty || unit.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            throw ValidationError("--unit: '\(unit)' is not a unit name (e.g. nginx.service, cgroup:/system.slice/x, interactive)")
        }
    }
}

enum BaselineCLI {
    static func header(_ store: EventStore, unit: String, db: String) throws -> BaselineProfileRow {
        let rows = try store.baselineProfiles()
        guard let row = rows.first(where: { $0.profile == unit }) else {
            let known = rows.map(\.profile)
            throw BaselineCLIError("no baseline profile '\(unit)' in \(db)"
                + (known.isEmpty ? " (no profile yet: is the agent running with baseline.enabled?)" : "; known: " + known.prefix(20).joined(separator: ", ")))
        }
        return row
    }
}

/// A runtime error of a baseline command (exit 1), printed as `Error: <message>`.
struct BaselineCLIError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

struct BaselineStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Every profile (or one): state, age, quiet time, size, deviations, full categories.")

    @Option(name: .long, help: ArgumentHelp("Only this profile.", valueName: "unit"))
    var unit: String?

    @Flag(name: .long, help: "One JSON object per profile per line.")
    var json = false

    @OptionGroup var store: StoreOptions

    func run() throws {
        let events = try StoreLocation.openReadOnly(store.db)
        let now = TimeExpression.nowUnixNs()
        var rows = try events.baselineProfiles()
        if let unit { rows = [try BaselineCLI.header(events, unit: unit, db: store.db)] }
        let statuses = rows.map { ProfileStatus($0, nowUnixNs: now) }
        if json {
            for s in statuses { ControlCLI.printJSON(s) }
        } else if statuses.isEmpty {
            QueryCLI.note("no baseline profile in \(store.db) yet")
        } else {
            QueryCLI.write(BaselineReport.statusTable(statuses))
        }
    }
}

struct BaselineShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Everything a profile learned, by category.")

    @OptionGroup var unit: BaselineUnitOption

    @Flag(name: .long, help: "One JSON object.")
    var json = false

    @OptionGroup var store: StoreOptions

    func run() throws {
        let events = try StoreLocation.openReadOnly(store.db)
        let header = try BaselineCLI.header(events, unit: unit.unit, db: store.db)
        let detail = BaselineReport.detail(header, items: try events.baselineItems(profile: unit.unit),
                                           nowUnixNs: TimeExpression.nowUnixNs())
        if json { ControlCLI.printJSON(detail) } else { QueryCLI.write(BaselineReport.detailText(detail)) }
    }
}

struct BaselineResetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset", abstract: "Forget a profile: it learns again from scratch (root; asks the running agent).")

    @OptionGroup var unit: BaselineUnitOption

    @Flag(name: .long, help: "One JSON object.")
    var json = false

    @OptionGroup var control: ControlOptions

    func run() throws {
        let reply = try ControlCLI.call(control, .baselineReset(BaselineResetRequest(unit: unit.unit)))
        guard case .baselineReset(let r) = reply else { throw ControlCLI.unexpected(reply) }
        if json { ControlCLI.printJSON(r); return }
        QueryCLI.write("reset \(r.unit): was \(r.previousState), \(r.itemsForgotten) entries forgotten; learning again\n")
    }
}

struct BaselineProposeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "propose",
        abstract: "Write a stable profile's allow-list as a prevention policy file (daemon unit + egress allowlist).",
        discussion: """
            The file uses the prevention policy format (docs/prevention.md). Preview it with
            `mamori level simulate lockdown --scope UNIT`, then apply it to the unit only with
            `mamori level set lockdown --scope UNIT`.
            """)

    @OptionGroup var unit: BaselineUnitOption

    @Option(name: .long, help: ArgumentHelp("Write the policy here instead of stdout (refuses to overwrite without --force).", valueName: "path"))
    var output: String?

    @Flag(name: .long, help: "Also allow what was learned after the profile became stable (alerted deviations).")
    var includeDeviations = false

    @Flag(name: .long, help: "Write the bare policy (a standalone policy file) instead of a config.d drop-in under prevention:.")
    var policyOnly = false

    @Flag(name: .long, help: "Overwrite --output.")
    var force = false

    @OptionGroup var store: StoreOptions

    func run() throws {
        let events = try StoreLocation.openReadOnly(store.db)
        let header = try BaselineCLI.header(events, unit: unit.unit, db: store.db)
        let items = PolicyProposal.allowList(try events.baselineItems(profile: unit.unit), header: header,
                                             includeDeviations: includeDeviations)
        let proposal: PolicyProposal.Proposal
        do {
            proposal = try PolicyProposal.yaml(profile: unit.unit, state: header.state, items: items,
                                           daemonUnits: PreventionPolicy.defaultDaemonUnits,
                                           generatedAt: RFC3339.string(unixNanoseconds: TimeExpression.nowUnixNs(), fractionDigits: 0))
        } catch { throw BaselineCLIError(error.description) }
        // The proposal must load as a policy: never hand the operator a file the agent refuses.
        let text = policyOnly ? proposal.policy : proposal.dropIn
        do { _ = try PolicyParser.parse(yaml: proposal.policy, file: output ?? "<proposal>") } catch {
            throw BaselineCLIError("internal error: the proposal does not parse as a policy: \(error)")
        }
        guard let output else { QueryCLI.write(text); return }
        if !force && FileManager.default.fileExists(atPath: output) {
            throw BaselineCLIError("\(output) exists: choose another --output or add --force")
        }
        do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
            throw BaselineCLIError("cannot write \(output): \(error.localizedDescription)")
        }
        QueryCLI.note("wrote \(output); preview: mamori level simulate lockdown --scope \(unit.unit)")
    }
}
