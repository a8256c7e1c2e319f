import MamoriEvents

/// The key threshold and sequence state is grouped by, resolved for one event.
///
/// Immutable; any thread may use it.
public enum GroupKey: Hashable, Sendable, CustomStringConvertible {
    case process(ProcessKey)
    /// The root of the incident (see `GroupBy.lineage`).
    case lineage(ProcessKey)
    case session(UInt32)
    case user(UInt32)
    case host

    public var description: String {
        switch self {
        case .process(let k): return "process \(k)"
        case .lineage(let k): return "lineage \(k)"
        case .session(let s): return "session \(s)"
        case .user(let u): return "user \(u)"
        case .host: return "host"
        }
    }
}

/// One event that contributed to a threshold or sequence hit.
///
/// Immutable; any thread may use it.
public struct ContributingEvent: Sendable, Hashable {
    /// CLOCK_BOOTTIME ns of the event.
    public var timestampNs: UInt64
    public var process: ProcessKey
    public var category: RuleCategory
    /// The sequence step (0-based) this event matched; `nil` for thresholds.
    public var step: Int?
    /// The counted distinct value (thresholds with `distinct`), if any.
    public var value: String?

    public init(timestampNs: UInt64, process: ProcessKey, category: RuleCategory, step: Int? = nil, value: String? = nil) {
        self.timestampNs = timestampNs; self.process = process; self.category = category
        self.step = step; self.value = value
    }
}

/// A rule that fired.
///
/// Exists to carry everything downstream stages (triage, prevention, output) need without
/// access to the compiled rule set: the rule's metadata (id, title, level, ATT&CK, response,
/// confidence), the triggering event, and for thresholds and sequences the contributing events.
/// Created on the pipeline worker; `Sendable` so it can be handed to output threads.
public struct RuleHit: Sendable {
    public var rule: RuleMetadata
    /// Index of the rule in `CompiledRuleSet.rules` of the set that produced the hit.
    public var ruleIndex: Int
    /// The category in which the triggering event matched.
    public var category: RuleCategory
    /// CLOCK_BOOTTIME ns of the triggering event.
    public var timestampNs: UInt64
    /// The process of the triggering event.
    public var process: ProcessKey
    /// For thresholds and sequences: the key the state was grouped by.
    public var groupKey: GroupKey?
    /// For thresholds and sequences: the events that made the rule fire, oldest first (the
    /// triggering event last). Empty for single-event rules.
    public var contributing: [ContributingEvent]

    public init(rule: RuleMetadata, ruleIndex: Int, category: RuleCategory, timestampNs: UInt64, process: ProcessKey,
                groupKey: GroupKey? = nil, contributing: [ContributingEvent] = []) {
        self.rule = rule; self.ruleIndex = ruleIndex; self.category = category; self.timestampNs = timestampNs
        self.process = process; self.groupKey = groupKey; self.contributing = contributing
    }

    public var kind: RuleKind { rule.kind }
    public var id: String { rule.id }
    public var title: String { rule.title }
    public var level: RuleLevel { rule.level }
    public var response: ResponseAction { rule.response }
    public var confidence: RuleConfidence { rule.confidence }
}
