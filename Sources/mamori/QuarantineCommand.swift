import ArgumentParser
import MamoriControl

/// `mamori quarantine list|add|restore`.
struct QuarantineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "Move files into (and out of) the agent's root-only quarantine.",
        discussion: """
            Examples:
              mamori quarantine list --json
              sudo mamori quarantine add /tmp/.x/miner --reason "incident 42"
              sudo mamori quarantine restore 7f3c... [--force]
            """,
        subcommands: [QuarantineListCommand.self, QuarantineAddCommand.self, QuarantineRestoreCommand.self],
        defaultSubcommand: QuarantineListCommand.self)
}

/// `mamori quarantine list`.
struct QuarantineListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Quarantined files.")

    @Flag(name: .long, help: "One JSON object per line.")
    var json = false

    @OptionGroup var control: ControlOptions

    func run() throws {
        let reply = try ControlCLI.call(control, .quarantineList)
        guard case .quarantineList(let items) = reply else { throw ControlCLI.unexpected(reply) }
        if json { items.forEach { ControlCLI.printJSON($0) }; return }
        if items.isEmpty { QueryCLI.note("the quarantine is empty"); return }
        for i in items { QueryCLI.write(QuarantineText.line(i) + "\n") }
    }
}

/// `mamori quarantine add <path>`.
struct QuarantineAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Quarantine a file (root only).")

    @Argument(help: ArgumentHelp("Absolute path of the file.", valueName: "path"))
    var path: String

    @Option(name: .long, help: ArgumentHelp("Why (recorded with the file).", valueName: "text"))
    var reason: String?

    @Flag(name: .long, help: "One JSON object.")
    var json = false

    @OptionGroup var control: ControlOptions

    func validate() throws {
        guard path.hasPrefix("/") else {
            throw ValidationError("'\(path)' is not an absolute path: the agent resolves nothing relative to your shell")
        }
    }

    func run() throws {
        let reply = try ControlCLI.call(control, .quarantineAdd(QuarantineAddRequest(path: path, reason: reason)))
        guard case .quarantined(let item) = reply else { throw ControlCLI.unexpected(reply) }
        if json { ControlCLI.printJSON(item) } else { QueryCLI.write("quarantined: " + QuarantineText.line(item) + "\n") }
    }
}

/// `mamori quarantine restore <id>`.
struct QuarantineRestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Put a quarantined file back where it was (root only).")

    @Argument(help: ArgumentHelp("Quarantine id (from `mamori quarantine list`).", valueName: "id"))
    var id: String

    @Flag(name: .long, help: "Overwrite a file now at the original path.")
    var force = false

    @Flag(name: .long, help: "One JSON object.")
    var json = false

    @OptionGroup var control: ControlOptions

    func validate() throws {
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ValidationError("'\(id)' is not a quarantine id (letters, digits, '-' and '_'): see `mamori quarantine list`")
        }
    }

    func run() throws {
        let reply = try ControlCLI.call(control, .quarantineRestore(QuarantineRestoreRequest(id: id, force: force)))
        guard case .restored(let r) = reply else { throw ControlCLI.unexpected(reply) }
        if json { ControlCLI.printJSON(r) } else { QueryCLI.write("restored \(r.item.id) to \(r.restoredTo)\n") }
    }
}

enum QuarantineText {
    static func line(_ i: QuarantineItem) -> String {
        "\(i.id)  \(ControlCLI.time(unixSeconds: i.quarantinedAtUnix))  \(ControlText.bytes(i.sizeBytes))  "
            + "sha256:\(i.sha256.prefix(16))…  \(i.originalPath)" + (i.origin.map { "  (\($0))" } ?? "")
    }
}
