import ArgumentParser
import MamoriDetection

/// `mamori rules`: validate rule directories.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Validate and inspect rule files.",
        subcommands: [RulesCheckCommand.self, RulesTestCommand.self])
}

/// `mamori rules check DIR`: load every rule, print file:line:column errors, exit 1 on errors.
struct RulesCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Load every rule in DIR and report errors with file:line:column.",
        discussion: """
            Exit status: 0 when every rule loads (degraded rules are listed but accepted), 1 when
            any document is rejected.
            Example: mamori rules check rules/
            """)

    @Argument(help: "Directory of rule files (searched recursively for *.yml / *.yaml).")
    var directory: String

    @Flag(name: .long, help: "List every rule with its status.")
    var verbose = false

    func run() throws {
        let report = RuleLoader.load(directory: directory)
        for o in report.outcomes where verbose || o.status != .loaded {
            let name = o.title ?? o.ruleId ?? "document \(o.document)"
            print("\(o.status.rawValue.padded(9)) \(o.file): \(name)" + (o.reasons.isEmpty ? "" : " — " + o.reasons.joined(separator: "; ")))
        }
        for d in report.diagnostics { print(d.description) }
        print("\(directory): \(report.summary)")
        if report.hasErrors { throw ExitCode(1) }
    }
}

extension String {
    func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
