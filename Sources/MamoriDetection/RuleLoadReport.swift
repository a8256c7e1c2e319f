/// Where a rule file comes from, which decides how strictly unknown fields are treated.
///
/// Exists so that our own rules fail loudly on typos while third-party SigmaHQ rules load with
/// a report. Immutable; any thread.
public enum RuleOrigin: Sendable, Hashable {
    /// Mamori's own rules (and any rule with a `mamori:` block): unknown fields are errors.
    case mamori
    /// Third-party Sigma rules (SigmaHQ): unknown fields are reported and never match, and the
    /// rule is loaded as degraded.
    case sigma
}

/// One rule file's text, with its origin.
///
/// Immutable; any thread may use it.
public struct RuleSource: Sendable, Hashable {
    /// Shown in diagnostics (`name:line:column`), normally the file path.
    public var name: String
    public var text: String
    public var origin: RuleOrigin

    public init(name: String, text: String, origin: RuleOrigin = .mamori) {
        self.name = name; self.text = text; self.origin = origin
    }
}

/// What happened to one rule document.
///
/// Immutable; any thread may use it.
public struct RuleOutcome: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// Loaded with full fidelity.
        case loaded
        /// Loaded, but part of its logic relies on data Linux cannot provide (see `reasons`).
        case degraded
        /// Not loaded (see `diagnostics`).
        case rejected
    }

    public var file: String
    /// Index of the YAML document in the file (0 for single-rule files).
    public var document: Int
    public var ruleId: String?
    public var title: String?
    /// The `logsource.category` text, when the document has one (also for rejected rules).
    public var logsourceCategory: String?
    public var status: Status
    /// Why the rule is degraded or rejected, in words.
    public var reasons: [String]
    /// Positioned errors (rejected) and warnings.
    public var diagnostics: [RuleDiagnostic]
}

/// The result of loading rules: the new rule set plus a per-document account.
///
/// Exists so that a reload can be judged (and shown by the CLI) before it is applied, and so
/// that a bad file never costs the good ones. Immutable; any thread may use it.
public struct RuleLoadReport: Sendable {
    /// Every rule that loaded or degraded.
    public var ruleSet: CompiledRuleSet
    public var outcomes: [RuleOutcome]

    /// All diagnostics, in file order.
    public var diagnostics: [RuleDiagnostic] { outcomes.flatMap(\.diagnostics) }
    public var loadedCount: Int { outcomes.filter { $0.status == .loaded }.count }
    public var degradedCount: Int { outcomes.filter { $0.status == .degraded }.count }
    public var rejectedCount: Int { outcomes.filter { $0.status == .rejected }.count }
    /// Whether any document was rejected.
    public var hasErrors: Bool { rejectedCount > 0 }

    /// `loaded N, degraded N, rejected N`.
    public var summary: String {
        "loaded \(loadedCount), degraded \(degradedCount), rejected \(rejectedCount)"
    }
}
