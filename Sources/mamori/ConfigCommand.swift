import ArgumentParser
import MamoriConfig

/// `mamori config check|show`: validate the configuration an agent would load, or print the
/// effective merged result (docs/configuration.md).
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check or show the agent configuration.",
        discussion: """
            Examples:
              mamori config check                         # /etc/mamori/config.yaml + config.d/*.yaml
              mamori config check --config ./test.yaml -o exports.syslog.enabled=true
              mamori config show                          # effective configuration as YAML
              mamori config show --json
            """,
        subcommands: [ConfigCheckCommand.self, ConfigShowCommand.self])
}

/// `mamori config check`: exit 0 when valid, 1 with every error as file:line:column: key: message.
struct ConfigCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate the configuration; print every error (exit 1) or a summary (exit 0).")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let loaded = try options.load()
        let files = loaded.files.isEmpty ? ConfigLoader.builtinName + " only" : loaded.files.joined(separator: ", ")
        print("configuration OK: \(files)" + (options.overrides.isEmpty ? "" : " + \(options.overrides.count) override(s)"))
    }
}

/// `mamori config show`: the merged configuration with every default filled in.
struct ConfigShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print the effective configuration (defaults, file, drop-ins, overrides merged).")

    @OptionGroup var options: ConfigOptions

    @Flag(name: .long, help: "JSON instead of YAML.")
    var json = false

    func run() throws {
        let loaded = try options.load()
        if json {
            print(ConfigRenderer.json(loaded.configuration), terminator: "")
        } else {
            let files = loaded.files.isEmpty ? ConfigLoader.builtinName : loaded.files.joined(separator: ", ")
            print("# effective configuration from: \(files)")
            print(ConfigRenderer.yaml(loaded.configuration), terminator: "")
        }
    }
}
