import Yams

/// What threshold and sequence state is grouped by.
///
/// Immutable; any thread may use it.
public enum GroupBy: String, Sendable, CaseIterable {
    /// The acting process (pid + start time).
    case process
    /// The root of the incident: the nearest session leader or systemd service main process.
    case lineage
    /// The audit session id.
    case session
    /// The effective uid.
    case user
    /// Everything on this host together.
    case host
}

/// `mamori: threshold:` — fire when the detection matches `count` times (or `count` distinct
/// values of `distinct`) within `window` for the same key.
struct ThresholdSpec: Equatable, Sendable {
    var count: Int
    var windowNs: UInt64
    var by: GroupBy
    var distinct: RuleField?
    /// Set for `mamori: beacon:` rules: the matches are connections, counted per destination,
    /// and the rule fires on their regularity instead of their number alone (`BeaconTracker`).
    var beacon: BeaconSpec? = nil
    /// Set for `distinct: selection`: the counted selections (families), in document order.
    /// An event's counted value is the name of the first of them that holds on it, so the rule
    /// fires when `count` different families matched within the window for one key.
    var families: [String]? = nil
    /// `families:` — the glob over selection names that are counted (default: every selection
    /// not starting with `_` or `filter`). Resolved into `families` by the rule compiler.
    var familyPattern: String? = nil

    /// Whether the tracker counts distinct values (of a field or of families) rather than matches.
    var countsDistinct: Bool { distinct != nil || families != nil }
}

/// `mamori: beacon:` — fire when one key connects to one destination (address and port) `count`
/// times with regular intervals: most intervals within `maxJitter` (a fraction of the beat) of
/// one to three beats (`BeaconTracker.judge`), a beat of at least `minIntervalNs`, no gap longer
/// than `window`.
struct BeaconSpec: Equatable, Sendable {
    var maxJitter: Double
    var minIntervalNs: UInt64
}

/// One step of `mamori: sequence:`.
struct SequenceStep: Equatable, Sendable {
    /// How a `match:` compares the event's field with the captured value.
    enum Comparison: String, Equatable, Sendable { case equals, contains, startswith, endswith }

    struct Capture: Equatable, Sendable {
        var name: String
        /// Index of the captured value in a partial match.
        var slot: Int
        var field: RuleField
    }

    struct Match: Equatable, Sendable {
        var field: RuleField
        var name: String
        var slot: Int
        var comparison: Comparison
    }

    var title: String?
    var category: RuleCategory
    /// Values this step's event contributes, by the field whose raw value they take.
    var captures: [Capture]
    /// Fields that must relate to values captured by earlier steps (compared case-sensitively).
    var matches: [Match]
}

/// `mamori: sequence:` — steps in order within `window` for the same key.
struct SequenceSpec: Equatable, Sendable {
    var windowNs: UInt64
    var by: GroupBy
    var steps: [SequenceStep]
    /// Number of distinct captured names (slots of a partial match).
    var captureCount: Int

    /// Every field a step captures or compares.
    var fields: [RuleField]

    init(windowNs: UInt64, by: GroupBy, steps: [SequenceStep], captureCount: Int) {
        self.windowNs = windowNs; self.by = by; self.steps = steps; self.captureCount = captureCount
        var out: [RuleField] = []
        for step in steps {
            for f in step.captures.map(\.field) + step.matches.map(\.field) where !out.contains(f) { out.append(f) }
        }
        fields = out
    }
}

/// The parsed `mamori:` block of a rule.
///
/// Exists to keep Mamori's extensions (response, confidence, thresholds, sequences) out of
/// Sigma's own keys, so SigmaHQ tooling still reads our rules. Build-time only; any thread.
struct MamoriSettings {
    var response: ResponseAction = .none
    var actAtLevel: Int?
    var confidence: RuleConfidence = .medium
    var threshold: ThresholdSpec?
    var sequence: SequenceSpec?
    /// The `detection` node of each sequence step, in order.
    var stepDetections: [Node] = []

    init() {}

    init(_ node: Node, category: RuleCategory?) throws(RuleIssue) {
        for (key, keyNode, value) in try YAMLNodes.pairs(node, "mamori") {
            switch key {
            case "response":
                let word = try YAMLNodes.string(value, "response")
                guard let r = ResponseAction(rawValue: word.lowercased()) else {
                    throw RuleIssue(YAMLNodes.textPosition(value), "unknown response '\(word)'; use none, kill, kill-tree or freeze")
                }
                response = r
            case "act_at_level":
                guard let n = Int(try YAMLNodes.string(value, "act_at_level")), n >= 0 else {
                    throw RuleIssue(YAMLNodes.textPosition(value), "act_at_level must be a non-negative integer")
                }
                actAtLevel = n
            case "confidence":
                let word = try YAMLNodes.string(value, "confidence")
                guard let c = RuleConfidence(rawValue: word.lowercased()) else {
                    throw RuleIssue(YAMLNodes.textPosition(value), "unknown confidence '\(word)'; use low, medium or high")
                }
                confidence = c
            case "threshold":
                guard let category else {
                    throw RuleIssue(YAMLNodes.position(keyNode), "a rule cannot have both 'threshold' and 'sequence'")
                }
                threshold = try MamoriSettings.threshold(value, category: category)
            case "beacon":
                guard category == .networkConnection else {
                    throw RuleIssue(YAMLNodes.position(keyNode), "'beacon' needs logsource category network_connection")
                }
                if threshold != nil {
                    throw RuleIssue(YAMLNodes.position(keyNode), "a rule cannot have both 'threshold' and 'beacon'")
                }
                threshold = try MamoriSettings.beacon(value)
            case "sequence":
                let (spec, detections) = try MamoriSettings.sequence(value)
                sequence = spec
                stepDetections = detections
            default:
                throw RuleIssue(YAMLNodes.position(keyNode), "unknown mamori setting '\(key)'; supported: response, act_at_level, confidence, threshold, beacon, sequence")
            }
        }
        if threshold != nil && sequence != nil {
            throw RuleIssue(YAMLNodes.position(node), "a rule cannot have both 'threshold' and 'sequence'")
        }
    }

    private static func groupBy(_ node: Node) throws(RuleIssue) -> GroupBy {
        let word = try YAMLNodes.string(node, "by")
        guard let by = GroupBy(rawValue: word.lowercased()) else {
            throw RuleIssue(YAMLNodes.textPosition(node), "unknown 'by' value '\(word)'; use process, lineage, session, user or host")
        }
        return by
    }

    private static func beacon(_ node: Node) throws(RuleIssue) -> ThresholdSpec {
        var count: Int?, window: UInt64?, by = GroupBy.process, jitter = 0.2, minInterval: UInt64 = 1_000_000_000
        for (key, keyNode, value) in try YAMLNodes.pairs(node, "beacon") {
            switch key {
            case "count":
                guard let n = Int(try YAMLNodes.string(value, "beacon count")), n >= 3, n <= 1000 else {
                    throw RuleIssue(YAMLNodes.textPosition(value), "beacon count must be an integer from 3 to 1000 (connections)")
                }
                count = n
            case "window": window = try YAMLNodes.duration(value, "beacon window")
            case "by": by = try groupBy(value)
            case "max_jitter":
                guard let j = Double(try YAMLNodes.string(value, "beacon max_jitter")), j > 0, j < 1 else {
                    throw RuleIssue(YAMLNodes.textPosition(value), "beacon max_jitter must be a number between 0 and 1 (how far from the beat, as a fraction of it, an interval may be)")
                }
                jitter = j
            case "min_interval": minInterval = try YAMLNodes.duration(value, "beacon min_interval")
            default:
                throw RuleIssue(YAMLNodes.position(keyNode), "unknown beacon setting '\(key)'; supported: count, window, by, max_jitter, min_interval")
            }
        }
        guard let count else { throw RuleIssue(YAMLNodes.position(node), "beacon needs 'count' (connections, e.g. 8)") }
        guard let window else { throw RuleIssue(YAMLNodes.position(node), "beacon needs 'window': the longest interval between two connections (e.g. 10m)") }
        guard minInterval < window else {
            throw RuleIssue(YAMLNodes.position(node), "beacon min_interval must be shorter than window")
        }
        return ThresholdSpec(count: count, windowNs: window, by: by, distinct: nil,
                             beacon: BeaconSpec(maxJitter: jitter, minIntervalNs: minInterval))
    }

    private static func threshold(_ node: Node, category: RuleCategory) throws(RuleIssue) -> ThresholdSpec {
        var count: Int?, window: UInt64?, by = GroupBy.process, distinct: RuleField?
        var bySelection = false, familyPattern: String?, familyNode: Node?
        for (key, keyNode, value) in try YAMLNodes.pairs(node, "threshold") {
            switch key {
            case "count":
                guard let n = Int(try YAMLNodes.string(value, "count")), n >= 1 else {
                    throw RuleIssue(YAMLNodes.textPosition(value), "threshold count must be an integer >= 1")
                }
                count = n
            case "window": window = try YAMLNodes.duration(value, "threshold window")
            case "by": by = try groupBy(value)
            case "distinct":
                let name = try YAMLNodes.string(value, "distinct")
                if name == "selection" { bySelection = true; continue }
                switch RuleField.resolve(name, in: category) {
                case .success(let f) where f.kind != .unavailable && f.kind != .keywords:
                    distinct = f
                case .success:
                    throw RuleIssue(YAMLNodes.textPosition(value), "field '\(name)' has no value on Linux and cannot be counted")
                case .failure(let e): throw RuleIssue(YAMLNodes.textPosition(value), e.message)
                }
            case "families":
                familyPattern = try YAMLNodes.string(value, "families")
                familyNode = keyNode
            default:
                throw RuleIssue(YAMLNodes.position(keyNode), "unknown threshold setting '\(key)'; supported: count, window, by, distinct, families")
            }
        }
        guard let count else { throw RuleIssue(YAMLNodes.position(node), "threshold needs 'count'") }
        guard let window else { throw RuleIssue(YAMLNodes.position(node), "threshold needs 'window' (e.g. 60s)") }
        if let familyNode, !bySelection {
            throw RuleIssue(YAMLNodes.position(familyNode), "'families' needs 'distinct: selection'")
        }
        var spec = ThresholdSpec(count: count, windowNs: window, by: by, distinct: distinct)
        if bySelection {
            spec.families = []
            spec.familyPattern = familyPattern
        }
        return spec
    }

    private static func sequence(_ node: Node) throws(RuleIssue) -> (SequenceSpec, [Node]) {
        var window: UInt64?, by = GroupBy.lineage, stepsNode: Node?
        for (key, keyNode, value) in try YAMLNodes.pairs(node, "sequence") {
            switch key {
            case "window": window = try YAMLNodes.duration(value, "sequence window")
            case "by": by = try groupBy(value)
            case "steps": stepsNode = value
            default:
                throw RuleIssue(YAMLNodes.position(keyNode), "unknown sequence setting '\(key)'; supported: window, by, steps")
            }
        }
        guard let window else { throw RuleIssue(YAMLNodes.position(node), "sequence needs 'window' (e.g. 60s)") }
        guard let stepsNode, case .sequence(let list) = stepsNode, list.count >= 2 else {
            throw RuleIssue(YAMLNodes.position(stepsNode ?? node), "sequence needs 'steps': a list of at least two steps")
        }
        var steps: [SequenceStep] = []
        var detections: [Node] = []
        var slots: [String: Int] = [:]
        for stepNode in list {
            var title: String?, category: RuleCategory?, detection: Node?
            var captures: [SequenceStep.Capture] = [], matchNodes: [(String, Node, Node)] = []
            var captureNodes: [(String, Node)] = []
            for (key, keyNode, value) in try YAMLNodes.pairs(stepNode, "a sequence step") {
                switch key {
                case "title": title = try YAMLNodes.string(value, "title")
                case "category":
                    let word = try YAMLNodes.string(value, "category")
                    guard let c = RuleCategory(rawValue: word) else {
                        throw RuleIssue(YAMLNodes.textPosition(value), "unsupported step category '\(word)'; supported: \(RuleCategory.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    category = c
                case "detection": detection = value
                case "capture":
                    for (name, _, fieldNode) in try YAMLNodes.pairs(value, "capture") {
                        captureNodes.append((name, fieldNode))
                    }
                case "match":
                    for (fieldKey, fieldKeyNode, nameNode) in try YAMLNodes.pairs(value, "match") {
                        matchNodes.append((fieldKey, fieldKeyNode, nameNode))
                    }
                default:
                    throw RuleIssue(YAMLNodes.position(keyNode), "unknown step setting '\(key)'; supported: title, category, detection, capture, match")
                }
            }
            guard let category else { throw RuleIssue(YAMLNodes.position(stepNode), "sequence step needs 'category'") }
            guard let detection else { throw RuleIssue(YAMLNodes.position(stepNode), "sequence step needs 'detection'") }
            for (name, fieldNode) in captureNodes {
                let fieldName = try YAMLNodes.string(fieldNode, "a captured field")
                switch RuleField.resolve(fieldName, in: category) {
                case .success(let f) where f.kind != .unavailable && f.kind != .keywords && f.kind != .ancestors:
                    captures.append(SequenceStep.Capture(name: name, slot: -1, field: f))
                case .success:
                    throw RuleIssue(YAMLNodes.textPosition(fieldNode), "field '\(fieldName)' cannot be captured")
                case .failure(let e): throw RuleIssue(YAMLNodes.textPosition(fieldNode), e.message)
                }
            }
            var matches: [SequenceStep.Match] = []
            for (fieldKey, fieldKeyNode, nameNode) in matchNodes {
                let parts = fieldKey.split(separator: "|").map(String.init)
                let comparison: SequenceStep.Comparison
                if parts.count == 1 { comparison = .equals }
                else if parts.count == 2, let c = SequenceStep.Comparison(rawValue: parts[1]), c != .equals { comparison = c }
                else {
                    throw RuleIssue(YAMLNodes.textPosition(fieldKeyNode), "match keys take at most one modifier: contains, startswith or endswith")
                }
                let field: RuleField
                switch RuleField.resolve(parts[0], in: category) {
                case .success(let f) where f.kind != .unavailable && f.kind != .keywords && f.kind != .ancestors: field = f
                case .success: throw RuleIssue(YAMLNodes.textPosition(fieldKeyNode), "field '\(parts[0])' cannot be matched")
                case .failure(let e): throw RuleIssue(YAMLNodes.textPosition(fieldKeyNode), e.message)
                }
                let name = try YAMLNodes.string(nameNode, "a match name")
                guard let slot = slots[name] else {
                    throw RuleIssue(YAMLNodes.textPosition(nameNode), "'\(name)' is not captured by an earlier step")
                }
                matches.append(SequenceStep.Match(field: field, name: name, slot: slot, comparison: comparison))
            }
            for i in captures.indices {
                if slots[captures[i].name] == nil { slots[captures[i].name] = slots.count }
                captures[i].slot = slots[captures[i].name]!
            }
            steps.append(SequenceStep(title: title, category: category, captures: captures, matches: matches))
            detections.append(detection)
        }
        return (SequenceSpec(windowNs: window, by: by, steps: steps, captureCount: slots.count), detections)
    }
}
