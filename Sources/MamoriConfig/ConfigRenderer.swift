import MamoriText
import Yams

/// Prints an effective configuration (`mamori config show`) as YAML that `ConfigLoader`
/// accepts again, or as JSON. Sizes and durations keep their readable units. Any thread.
public enum ConfigRenderer {
    public static func yaml(_ c: MamoriConfiguration) -> String {
        var out = ""
        var openSections: [String] = []
        for field in ConfigSchema.fields {
            let parts = field.path.split(separator: ".").map(String.init)
            let sections = Array(parts.dropLast())
            var common = 0
            while common < min(sections.count, openSections.count) && sections[common] == openSections[common] { common += 1 }
            for depth in common..<sections.count {
                if depth == 0 && !out.isEmpty { out += "\n" }
                out += String(repeating: "  ", count: depth) + sections[depth] + ":\n"
            }
            openSections = sections
            let indent = String(repeating: "  ", count: sections.count)
            out += indent + parts.last! + ":" + yamlValue(field.get(c), field.kind, indent: indent) + "\n"
        }
        out += "\nprevention:"
        if let node = c.prevention.node, let text = try? Yams.serialize(node: node) {
            out += "  # from \(c.prevention.file)\n"
            for line in text.split(separator: "\n") { out += "  " + line + "\n" }
        } else {
            out += " {}\n"
        }
        return out
    }

    public static func json(_ c: MamoriConfiguration) -> String {
        var root = JSONTree.object([])
        for field in ConfigSchema.fields {
            root.insert(path: field.path.split(separator: ".").map(String.init), jsonValue(field.get(c), field.kind))
        }
        root.insert(path: [ConfigSchema.preventionKey], c.prevention.node.map(JSONTree.from) ?? .object([]))
        return root.render(indent: 0) + "\n"
    }

    private static func display(_ v: ConfigValue, _ kind: ConfigValueKind) -> String? {
        switch (v, kind) {
        case (.int(let n), .size): return ByteSize.format(n)
        case (.duration(let d), _): return ConfigDuration.format(d)
        default: return nil
        }
    }

    private static func yamlValue(_ v: ConfigValue, _ kind: ConfigValueKind, indent: String) -> String {
        if let text = display(v, kind) { return " " + text }
        switch v {
        case .bool(let b): return " \(b)"
        case .int(let n): return " \(n)"
        case .string(let s): return " " + quoted(s)
        case .strings(let list):
            return list.isEmpty ? " []" : list.map { "\n\(indent)  - " + quoted($0) }.joined()
        case .stringMap(let map):
            return map.isEmpty ? " {}" : map.keys.sorted().map { "\n\(indent)  \(quoted($0)): \(quoted(map[$0]!))" }.joined()
        case .duration: return ""
        }
    }

    /// Plain when YAML reads it back as the same string; double-quoted otherwise.
    static func quoted(_ s: String) -> String {
        let plainSafe = !s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber || "/._-:".contains($0) }
            && !["true", "false", "yes", "no", "on", "off", "null", "~"].contains(s.lowercased())
            && Int(s) == nil && !s.hasSuffix(":") && !s.contains(": ")
        return plainSafe ? s : JSONTree.string(s)
    }

    private static func jsonValue(_ v: ConfigValue, _ kind: ConfigValueKind) -> JSONTree {
        if let text = display(v, kind) { return .string(text) }
        switch v {
        case .bool(let b): return .literal(b ? "true" : "false")
        case .int(let n): return .literal("\(n)")
        case .string(let s): return .string(s)
        case .strings(let l): return .array(l.map(JSONTree.string))
        case .stringMap(let m): return .object(m.keys.sorted().map { ($0, .string(m[$0]!)) })
        case .duration: return .literal("null")
        }
    }
}

/// A minimal ordered JSON tree for `config show --json` (keys keep schema order).
enum JSONTree {
    case object([(String, JSONTree)])
    case array([JSONTree])
    case string(String)
    case literal(String)

    mutating func insert(path: [String], _ value: JSONTree) {
        guard case .object(var members) = self, let head = path.first else { return }
        if path.count == 1 {
            members.append((head, value))
        } else if let i = members.firstIndex(where: { $0.0 == head }) {
            members[i].1.insert(path: Array(path.dropFirst()), value)
        } else {
            var child = JSONTree.object([])
            child.insert(path: Array(path.dropFirst()), value)
            members.append((head, child))
        }
        self = .object(members)
    }

    func render(indent: Int) -> String {
        let pad = String(repeating: "  ", count: indent + 1), end = String(repeating: "  ", count: indent)
        switch self {
        case .string(let s): return JSONTree.string(s)
        case .literal(let l): return l
        case .array(let items):
            return items.isEmpty ? "[]" : "[\n" + items.map { pad + $0.render(indent: indent + 1) }.joined(separator: ",\n") + "\n\(end)]"
        case .object(let members):
            return members.isEmpty ? "{}" : "{\n" + members.map { pad + JSONTree.string($0.0) + ": " + $0.1.render(indent: indent + 1) }
                .joined(separator: ",\n") + "\n\(end)}"
        }
    }

    /// A JSON string literal, escaped by MamoriText's `JSONEscaping` (the one escaper).
    static func string(_ s: String) -> String { "\"" + JSONEscaping.escaped(s) + "\"" }

    /// A Yams node as JSON: scalars that YAML resolves to numbers or booleans stay literals.
    static func from(_ node: Node) -> JSONTree {
        switch node {
        case .scalar(let s):
            if s.style == .plain, Int(s.string) != nil || Double(s.string) != nil || ["true", "false"].contains(s.string) {
                return .literal(s.string)
            }
            return .string(s.string)
        case .sequence(let seq): return .array(seq.map(from))
        case .mapping(let map): return .object(map.map { ($0.key.scalar?.string ?? "\($0.key)", from($0.value)) })
        }
    }
}
