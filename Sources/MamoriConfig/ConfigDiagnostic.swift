/// Where a configuration value came from: a file (or `-o` for a command-line override) and a
/// 1-based line and column. Any thread.
public struct ConfigLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file; self.line = line; self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// One problem found while loading the configuration, printed as
/// `file:line:column: key.path: message`. Any thread.
public struct ConfigDiagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: ConfigLocation
    /// Dotted key path (`exports.syslog.port`); empty for file-level problems.
    public var keyPath: String
    public var message: String

    public init(_ location: ConfigLocation, _ keyPath: String, _ message: String) {
        self.location = location; self.keyPath = keyPath; self.message = message
    }

    public var description: String {
        keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
    }
}

/// Every problem of a configuration that was rejected, all at once (never only the first).
/// The caller keeps its previous configuration. Any thread.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [ConfigDiagnostic]

    public init(_ diagnostics: [ConfigDiagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
