/// Where a configuration is read from: the main file, its drop-in directory and `-o`
/// overrides, applied in that order over the embedded default. Sendable value; any thread.
public struct ConfigSources: Sendable, Equatable {
    public static let defaultPath = "/etc/mamori/config.yaml"

    /// The main file.
    public var file: String
    /// A missing main file is an error (set when the operator named it with `--config`);
    /// otherwise a missing file means "embedded default only".
    public var fileRequired: Bool
    /// `*.yaml` files here are applied after the main file in lexical (byte) order;
    /// nil: none. Defaults to `config.d` beside the main file.
    public var dropInDirectory: String?
    /// `key.path=value` texts, applied last in the given order.
    public var overrides: [String]

    public init(file: String = ConfigSources.defaultPath, fileRequired: Bool = false,
                dropInDirectory: String? = nil, overrides: [String] = []) {
        self.file = file
        self.fileRequired = fileRequired
        self.dropInDirectory = dropInDirectory ?? Self.directory(of: file) + "/config.d"
        self.overrides = overrides
    }

    /// The standard layout, or `--config PATH` (then required) with its own `config.d`.
    public static func standard(configPath: String? = nil, overrides: [String] = []) -> ConfigSources {
        ConfigSources(file: configPath ?? defaultPath, fileRequired: configPath != nil, overrides: overrides)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// A configuration that passed validation, with the files it was built from (in the order
/// they were applied). Sendable value; any thread.
public struct LoadedConfiguration: Sendable, Equatable {
    public var configuration: MamoriConfiguration
    public var files: [String]
    public var sources: ConfigSources
}
