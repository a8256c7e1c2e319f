import MamoriText

/// Where a configuration value came from: MamoriText's `TextLocation` (a file, or `-o` for a
/// command-line override, and a 1-based line and column), the one positional shape.
public typealias ConfigLocation = TextLocation

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
        location.diagnostic(keyPath.isEmpty ? message : "\(keyPath): \(message)")
    }
}

/// Every problem of a configuration that was rejected, all at once (never only the first).
/// The caller keeps its previous configuration. Any thread.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [ConfigDiagnostic]

    public init(_ diagnostics: [ConfigDiagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
