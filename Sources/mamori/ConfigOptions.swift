import ArgumentParser
import MamoriConfig

/// `--config PATH` and repeatable `-o key.path=value`, shared by `mamori agent` and
/// `mamori config check|show`.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file (default /etc/mamori/config.yaml, drop-ins from config.d/ beside it).", valueName: "path"))
    var config: String?

    @Option(name: .customShort("o"), help: ArgumentHelp("Override one key, e.g. -o sensor.file_events=false (repeatable).", valueName: "key.path=value"))
    var overrides: [String] = []

    var sources: ConfigSources { .standard(configPath: config, overrides: overrides) }

    /// The validated configuration, or every error on stderr and exit status 1.
    func load() throws -> LoadedConfiguration {
        switch ConfigLoader.load(sources) {
        case .success(let loaded): return loaded
        case .failure(let error):
            for d in error.diagnostics { StandardError.write("\(d)\n") }
            StandardError.write("mamori: configuration rejected (\(error.diagnostics.count) error\(error.diagnostics.count == 1 ? "" : "s"))\n")
            throw ExitCode(1)
        }
    }
}
