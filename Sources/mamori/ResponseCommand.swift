import ArgumentParser
import MamoriControl

/// `mamori response kill|freeze|thaw <incident|--pid n>`: act on an incident's lineage or a process.
struct ResponseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "response",
        abstract: "Kill, freeze or thaw an incident's processes, or one process (root only).",
        discussion: """
            Freeze stops the lineage's cgroup (cgroup v2 cgroup.freeze) so it can be inspected;
            then kill or thaw it. Kills use pidfds, so a reused pid is never hit.
            Examples:
              sudo mamori response freeze 3f1e8c2a-...        # an incident id from `mamori incidents`
              sudo mamori response kill 3f1e8c2a-...
              sudo mamori response thaw --pid 4242
            """,
        subcommands: [Kill.self, Freeze.self, Thaw.self])

    struct Kill: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Kill the incident's lineage or the process.")
        @OptionGroup var target: ResponseTargetOptions
        func run() throws { try target.run(.kill) }
    }

    struct Freeze: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Freeze the incident's lineage or the process.")
        @OptionGroup var target: ResponseTargetOptions
        func run() throws { try target.run(.freeze) }
    }

    struct Thaw: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Thaw what was frozen.")
        @OptionGroup var target: ResponseTargetOptions
        func run() throws { try target.run(.thaw) }
    }
}

/// `<incident>` or `--pid N`, `--reason`, `--json`, shared by the response verbs.
struct ResponseTargetOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Incident id (from `mamori incidents`).", valueName: "incident"))
    var incident: String?

    @Option(name: .long, help: ArgumentHelp("A process id instead of an incident.", valueName: "n"))
    var pid: Int?

    @Option(name: .long, help: ArgumentHelp("Why (recorded in the audit trail).", valueName: "text"))
    var reason: String?

    @Flag(name: .long, help: "One JSON object.")
    var json = false

    @OptionGroup var control: ControlOptions

    func validate() throws { _ = try target() }

    func target() throws -> ResponseTarget {
        switch (incident, pid) {
        case (nil, nil): throw ValidationError("give an incident id or --pid N")
        case (_?, _?): throw ValidationError("give an incident id or --pid N, not both")
        case (let id?, nil):
            guard !id.isEmpty, id.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
                throw ValidationError("'\(id)' is not an incident id (a UUID from `mamori incidents`); for a process use --pid")
            }
            return .incident(id.lowercased())
        case (nil, let n?):
            return .pid(try ControlCLI.argument { () throws(ControlArguments.Invalid) in try ControlArguments.pid(n) })
        }
    }

    func run(_ verb: ResponseVerb) throws {
        let reply = try ControlCLI.call(control, .response(verb, ResponseRequest(target: try target(), reason: reason)))
        guard case .response(let outcome) = reply else { throw ControlCLI.unexpected(reply) }
        if json { ControlCLI.printJSON(outcome); return }
        var line = "\(verb.rawValue) \(outcome.target): \(outcome.affectedPids.count) process(es)"
        if !outcome.affectedPids.isEmpty { line += " [\(outcome.affectedPids.map(String.init).joined(separator: " "))]" }
        if let cgroup = outcome.cgroup { line += " cgroup \(cgroup)" }
        if let message = outcome.message { line += " — \(message)" }
        QueryCLI.write(line + "\n")
    }
}
