import Yams

/// The top level of one rule document, checked but not yet compiled.
///
/// Exists to separate Sigma's document structure (required keys, level names, logsource) from
/// the compilation of detections, so each error points at the key that is wrong.
/// Build-time only; any thread.
struct RuleDocument {
    var root: Node
    var title: String
    var id: String?
    var status: String?
    var description: String?
    var author: String?
    var level: RuleLevel
    var tags: [String]
    var references: [String]
    var falsePositives: [String]
    /// `nil` for sequence rules, whose steps carry their own categories.
    var category: RuleCategory?
    var logsourceNode: Node?
    var detection: Node?
    var mamori: Node?

    private static let knownKeys: Set<String> = [
        "title", "id", "name", "status", "description", "author", "date", "modified", "references",
        "tags", "logsource", "detection", "falsepositives", "level", "related", "license", "fields",
        "scope", "mamori", "taxonomy", "regression_tests_path", "simulation",
    ]

    init(_ root: Node, strict: Bool) throws(RuleIssue) {
        self.root = root
        let pairs = try YAMLNodes.pairs(root, "a rule document")
        var values: [String: Node] = [:]
        for (key, keyNode, value) in pairs {
            if key == "action" {
                throw RuleIssue(YAMLNodes.position(keyNode), "Sigma rule collections ('action: global/reset/repeat') are not supported; write one rule per document")
            }
            if key == "correlation" {
                throw RuleIssue(YAMLNodes.position(keyNode), "Sigma correlation rules are not supported; use 'mamori: threshold:' or 'mamori: sequence:'")
            }
            if strict && !RuleDocument.knownKeys.contains(key) && !key.hasPrefix("x-") && !key.hasPrefix("custom") {
                throw RuleIssue(YAMLNodes.position(keyNode), "unknown top-level key '\(key)' (Mamori-specific settings go under 'mamori:')")
            }
            values[key] = value
        }
        guard let titleNode = values["title"] else {
            throw RuleIssue(YAMLNodes.position(root), "missing required key 'title'")
        }
        title = try YAMLNodes.string(titleNode, "title")
        id = try values["id"].map { node throws(RuleIssue) in try YAMLNodes.string(node, "id") }
        status = try values["status"].map { node throws(RuleIssue) in try YAMLNodes.string(node, "status") }
        description = try values["description"].map { node throws(RuleIssue) in try YAMLNodes.string(node, "description") }
        author = try values["author"].map { node throws(RuleIssue) in try YAMLNodes.string(node, "author") }
        tags = try values["tags"].map { node throws(RuleIssue) in try YAMLNodes.strings(node, "tags") } ?? []
        references = (try? values["references"].map { node throws(RuleIssue) in try YAMLNodes.strings(node, "references") }) ?? []
        falsePositives = (try? values["falsepositives"].map { node throws(RuleIssue) in try YAMLNodes.strings(node, "falsepositives") }) ?? []
        if let levelNode = values["level"] {
            let word = try YAMLNodes.string(levelNode, "level")
            guard let level = RuleLevel(rawValue: word.lowercased()) else {
                throw RuleIssue(YAMLNodes.textPosition(levelNode), "unknown level '\(word)'; use informational, low, medium, high or critical")
            }
            self.level = level
        } else {
            level = .medium
        }
        mamori = values["mamori"]
        detection = values["detection"]
        logsourceNode = values["logsource"]
        let isSequence: Bool
        if let mamori, case .mapping(let m) = mamori, m["sequence"] != nil { isSequence = true } else { isSequence = false }
        if isSequence {
            if let detection {
                throw RuleIssue(YAMLNodes.position(detection), "a sequence rule keeps its detections in 'mamori: sequence: steps:'; remove the top-level 'detection'")
            }
            if let logsourceNode { _ = try RuleDocument.category(of: logsourceNode, required: false) }
            category = nil
            return
        }
        guard let logsourceNode else {
            throw RuleIssue(YAMLNodes.position(root), "missing required key 'logsource'")
        }
        guard detection != nil else {
            throw RuleIssue(YAMLNodes.position(root), "missing required key 'detection'")
        }
        category = try RuleDocument.category(of: logsourceNode, required: true)
    }

    /// Validates a `logsource` mapping; returns its category.
    static func category(of node: Node, required: Bool) throws(RuleIssue) -> RuleCategory? {
        let pairs = try YAMLNodes.pairs(node, "logsource")
        var category: RuleCategory?
        var categoryNode: Node?
        for (key, _, value) in pairs {
            let text = try YAMLNodes.string(value, "logsource \(key)")
            switch key {
            case "product":
                guard text.lowercased() == "linux" else {
                    throw RuleIssue(YAMLNodes.textPosition(value), "unsupported logsource product '\(text)': Mamori evaluates Linux events only")
                }
            case "service":
                throw RuleIssue(YAMLNodes.textPosition(value), "unsupported logsource service '\(text)': Mamori evaluates kernel process, network and file events, not log files")
            case "category":
                guard let c = RuleCategory(rawValue: text.lowercased()) else {
                    let supported = RuleCategory.allCases.map(\.rawValue).joined(separator: ", ")
                    throw RuleIssue(YAMLNodes.textPosition(value), "unsupported logsource category '\(text)'; supported: \(supported)")
                }
                category = c
                categoryNode = value
            default:
                continue   // definition, custom keys: informational only
            }
        }
        _ = categoryNode
        if required && category == nil {
            throw RuleIssue(YAMLNodes.position(node), "logsource has no 'category'; supported: \(RuleCategory.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return category
    }
}
