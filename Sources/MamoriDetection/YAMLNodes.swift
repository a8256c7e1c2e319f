import Yams
import MamoriText

/// Small helpers over Yams nodes: positions, typed scalars and mappings that reject duplicate
/// keys. Build-time only; any thread.
enum YAMLNodes {
    /// Where a node starts (the document start when Yams has no mark).
    static func position(_ node: Node) -> SourcePosition {
        guard let mark = node.mark else { return .start }
        return SourcePosition(line: mark.line, column: mark.column)
    }

    /// Where the text of a scalar starts: after the opening quote of a quoted scalar.
    static func textPosition(_ node: Node) -> SourcePosition {
        let base = position(node)
        guard case .scalar(let scalar) = node else { return base }
        switch scalar.style {
        case .singleQuoted, .doubleQuoted: return base.advanced(by: 1)
        default: return base
        }
    }

    /// Whether offsets inside the scalar's text map to columns on its first line.
    static func isSingleLinePlainOrQuoted(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        switch scalar.style {
        case .literal, .folded: return false
        default: return !scalar.string.contains("\n")
        }
    }

    /// The position of character `offset` (Unicode scalars) inside a scalar's text.
    static func position(in node: Node, offset: Int) -> SourcePosition {
        isSingleLinePlainOrQuoted(node) ? textPosition(node).advanced(by: offset) : position(node)
    }

    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.resolvedTagIsNull
    }

    /// A scalar's text, or an issue naming what was expected.
    static func string(_ node: Node, _ what: String) throws(RuleIssue) -> String {
        guard case .scalar(let scalar) = node else {
            throw RuleIssue(position(node), "\(what) must be a single value")
        }
        return scalar.string
    }

    /// A scalar or a list of scalars, as strings.
    static func strings(_ node: Node, _ what: String) throws(RuleIssue) -> [String] {
        switch node {
        case .scalar(let scalar): return isNull(node) ? [] : [scalar.string]
        case .sequence(let seq):
            var out: [String] = []
            for item in seq {
                out.append(try string(item, "each item of \(what)"))
            }
            return out
        case .mapping:
            throw RuleIssue(position(node), "\(what) must be a value or a list of values")
        }
    }

    /// The key/value pairs of a mapping with string keys; duplicate keys are an issue.
    static func pairs(_ node: Node, _ what: String) throws(RuleIssue) -> [(key: String, keyNode: Node, value: Node)] {
        guard case .mapping(let mapping) = node else {
            throw RuleIssue(position(node), "\(what) must be a mapping of keys to values")
        }
        var seen: Set<String> = []
        var out: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            let key = try string(keyNode, "a key of \(what)")
            guard seen.insert(key).inserted else {
                throw RuleIssue(position(keyNode), "duplicate key '\(key)' in \(what)")
            }
            out.append((key, keyNode, value))
        }
        return out
    }

    /// A duration such as `60s`, `5m`, `1h`, `500ms`, `1h30m` or a bare number of seconds, in ns
    /// (MamoriText's grammar; overflow is an error).
    static func duration(_ node: Node, _ what: String) throws(RuleIssue) -> UInt64 {
        let text = try string(node, what).trimmingSpaces
        if case .success(let ns) = DurationText.nanoseconds(text, bareSeconds: true), ns > 0 { return UInt64(ns) }
        throw RuleIssue(textPosition(node), "\(what) must be a positive duration such as 30s, 5m or 1h (got '\(text)')")
    }
}

extension Node.Scalar {
    /// Whether YAML resolves this scalar to null (`null`, `~` or empty, unquoted).
    var resolvedTagIsNull: Bool {
        switch style {
        case .singleQuoted, .doubleQuoted, .literal, .folded: return false
        default: return ["", "~", "null", "Null", "NULL"].contains(string)
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
