import MamoriText

/// One problem found while loading a rule file, located as `file:line:column`.
///
/// Exists so that a person fixing a rule is pointed at the exact key, value or condition token
/// that is wrong (lines and columns are 1-based, counted like the YAML parser counts them).
/// Errors reject the rule; warnings accompany a rule that loaded (possibly degraded).
/// Immutable; any thread may use it.
public struct RuleDiagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    /// Whether the rule was rejected because of this problem.
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    public var file: String
    public var line: Int
    public var column: Int
    public var severity: Severity
    public var message: String

    public init(file: String, line: Int, column: Int, severity: Severity = .error, message: String) {
        self.file = file; self.line = line; self.column = column
        self.severity = severity; self.message = message
    }

    /// The position in MamoriText's one diagnostic shape.
    public var location: TextLocation { TextLocation(file: file, line: line, column: column) }

    /// `file:line:column: reason` for errors, `file:line:column: warning: reason` for warnings.
    public var description: String {
        location.diagnostic(severity == .error ? message : "warning: " + message)
    }
}

/// A position inside one rule file, before the file name is attached.
struct SourcePosition: Sendable, Hashable {
    var line: Int
    var column: Int

    static let start = SourcePosition(line: 1, column: 1)

    /// The same line, `count` columns further right.
    func advanced(by count: Int) -> SourcePosition {
        SourcePosition(line: line, column: column + count)
    }
}

/// A compile-time problem with its position; turned into a `RuleDiagnostic` by the loader.
struct RuleIssue: Error, Sendable {
    var position: SourcePosition
    var message: String

    init(_ position: SourcePosition, _ message: String) {
        self.position = position; self.message = message
    }

    func diagnostic(file: String, severity: RuleDiagnostic.Severity = .error) -> RuleDiagnostic {
        RuleDiagnostic(file: file, line: position.line, column: position.column,
                       severity: severity, message: message)
    }
}
