/// Sigma rule levels, with the severity word and numeric risk base used by triage and output.
///
/// Immutable; any thread may use it.
public enum RuleLevel: String, Sendable, CaseIterable, Comparable {
    case informational, low, medium, high, critical

    /// Base risk score: informational 10, low 25, medium 50, high 75, critical 100.
    public var riskBase: Int {
        switch self {
        case .informational: return 10
        case .low: return 25
        case .medium: return 50
        case .high: return 75
        case .critical: return 100
        }
    }

    /// The word shown to people (ECS `event.severity` label).
    public var severityWord: String { rawValue }

    public static func < (a: RuleLevel, b: RuleLevel) -> Bool { a.riskBase < b.riskBase }
}

/// What the prevention layer should do when the rule fires (`mamori: response:`).
///
/// Carried by hits so the responder decides without re-reading rules. Immutable; any thread.
public enum ResponseAction: String, Sendable, CaseIterable {
    case none, kill, killTree = "kill-tree", freeze
}

/// How sure the rule author is that a hit is malicious (`mamori: confidence:`).
///
/// Triage weighs it with the level; prevention may require `high`. Immutable; any thread.
public enum RuleConfidence: String, Sendable, CaseIterable, Comparable {
    case low, medium, high

    public static func < (a: RuleConfidence, b: RuleConfidence) -> Bool {
        let order: [RuleConfidence] = [.low, .medium, .high]
        return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}

/// How a rule turns matching events into hits.
///
/// Tells consumers whether a hit stands for one event or carries contributing events.
/// Immutable; any thread.
public enum RuleKind: String, Sendable {
    /// Every matching event is a hit.
    case single
    /// N matches (or N distinct values) within a window for the same key.
    case threshold
    /// Ordered steps within a window for the same key.
    case sequence
}

/// MITRE ATT&CK references parsed from Sigma tags (`attack.t1059.004`, `attack.execution`).
///
/// Immutable; any thread may use it.
public struct AttackReferences: Sendable, Hashable {
    /// Technique ids, upper-cased: `T1059`, `T1059.004`.
    public var techniques: [String]
    /// Tactic ids: `TA0002`.
    public var tacticIds: [String]
    /// Tactic names as ATT&CK spells them: `execution`, `privilege-escalation`.
    public var tacticNames: [String]

    public init(tags: [String]) {
        var techniques: [String] = [], ids: [String] = [], names: [String] = []
        for tag in tags {
            let lower = tag.lowercased()
            guard lower.hasPrefix("attack.") else { continue }
            let rest = String(lower.dropFirst("attack.".count))
            if rest.first == "t", rest.count >= 5,
               rest.dropFirst().prefix(4).allSatisfy(\.isNumber) {
                let sub = rest.dropFirst(5)
                if sub.isEmpty || (sub.first == "." && sub.count == 4 && sub.dropFirst().allSatisfy(\.isNumber)) {
                    techniques.append(rest.uppercased())
                }
            } else if let id = AttackReferences.tactics[String(rest.map { $0 == "_" ? "-" : $0 })] {
                names.append(String(rest.map { $0 == "_" ? "-" : $0 }))
                ids.append(id)
            } else if rest.hasPrefix("ta"), rest.count == 6, rest.dropFirst(2).allSatisfy(\.isNumber),
                      let name = AttackReferences.tactics.first(where: { $0.value == rest.uppercased() })?.key {
                names.append(name)
                ids.append(rest.uppercased())
            }
        }
        self.techniques = techniques
        self.tacticIds = ids
        self.tacticNames = names
    }

    /// Enterprise tactics by name.
    static let tactics: [String: String] = [
        "reconnaissance": "TA0043", "resource-development": "TA0042", "initial-access": "TA0001",
        "execution": "TA0002", "persistence": "TA0003", "privilege-escalation": "TA0004",
        "defense-evasion": "TA0005", "credential-access": "TA0006", "discovery": "TA0007",
        "lateral-movement": "TA0008", "collection": "TA0009", "command-and-control": "TA0011",
        "exfiltration": "TA0010", "impact": "TA0040",
    ]
}

/// Everything about a rule that is not its matching logic: identity, level, tags, ATT&CK,
/// and Mamori's response settings.
///
/// Exists so that hits, reports and the prevention layer can describe a rule without holding
/// its compiled form. An immutable final class, so a `RuleHit` shares it instead of copying a
/// dozen strings per hit. Any thread may use it.
public final class RuleMetadata: Sendable, Hashable {
    /// Sigma `id`, or `<file>#<document>` when the rule has none.
    public let id: String
    public let title: String
    public let description: String?
    public let status: String?
    public let author: String?
    public let level: RuleLevel
    public let tags: [String]
    public let attack: AttackReferences
    public let references: [String]
    public let falsePositives: [String]
    /// The categories the rule evaluates (a sequence has one per step).
    public let categories: [RuleCategory]
    public let kind: RuleKind
    public let response: ResponseAction
    /// Prevention level at which `response` applies; `nil` means the prevention default.
    public let actAtLevel: Int?
    public let confidence: RuleConfidence
    /// The file the rule came from.
    public let source: String

    /// Numeric risk base of the level.
    public var riskBase: Int { level.riskBase }
    /// Severity word of the level.
    public var severityWord: String { level.severityWord }

    public init(id: String, title: String, description: String? = nil, status: String? = nil,
                author: String? = nil, level: RuleLevel, tags: [String] = [],
                references: [String] = [], falsePositives: [String] = [],
                categories: [RuleCategory], kind: RuleKind = .single,
                response: ResponseAction = .none, actAtLevel: Int? = nil,
                confidence: RuleConfidence = .medium, source: String) {
        self.id = id; self.title = title; self.description = description; self.status = status
        self.author = author; self.level = level; self.tags = tags
        self.attack = AttackReferences(tags: tags)
        self.references = references; self.falsePositives = falsePositives
        self.categories = categories; self.kind = kind; self.response = response
        self.actAtLevel = actAtLevel; self.confidence = confidence; self.source = source
    }

    public static func == (a: RuleMetadata, b: RuleMetadata) -> Bool {
        a === b || (a.id == b.id && a.title == b.title && a.level == b.level && a.tags == b.tags
                    && a.categories == b.categories && a.kind == b.kind && a.response == b.response
                    && a.actAtLevel == b.actAtLevel && a.confidence == b.confidence && a.source == b.source
                    && a.description == b.description && a.status == b.status && a.author == b.author)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(source)
    }
}
