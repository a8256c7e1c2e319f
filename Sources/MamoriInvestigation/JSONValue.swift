import MamoriText
/// A JSON document built in memory and written compactly, keys in insertion order.
///
/// Exists so that the story and listing renderers build nested objects without Foundation and
/// without hand-concatenated strings: escaping happens in one place (quotes, backslashes,
/// every control character as `\u00XX`, U+2028/2029 for JavaScript consumers). Value type;
/// any thread.
enum JSONValue: Sendable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// Text already in JSON form (a stored ECS document); see `embedded(_:)`.
    case raw(String)

    /// `json` as an embedded value when it is a well-formed-looking object (balanced braces
    /// and brackets outside strings, no raw control characters in strings), else as a string:
    /// a damaged stored document must not break the line it is printed in.
    static func embedded(_ json: String) -> JSONValue {
        let trimmed = json.trimmingSpaces
        guard trimmed.first == "{", trimmed.last == "}" else { return .string(json) }
        var depth = 0, inString = false, escaped = false, closed = false
        for byte in trimmed.utf8 {
            if closed { return .string(json) }  // text after the outer object
            if inString {
                if escaped { escaped = false }
                else if byte == 0x5C { escaped = true }
                else if byte == 0x22 { inString = false }
                else if byte < 0x20 { return .string(json) }
                continue
            }
            switch byte {
            case 0x22: inString = true
            case 0x7B, 0x5B: depth += 1
            case 0x7D, 0x5D:
                depth -= 1
                if depth < 0 { return .string(json) }
                if depth == 0 { closed = true }
            default: break
            }
        }
        return closed && !inString ? .raw(trimmed) : .string(json)
    }

    static func string(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
    static func int<I: BinaryInteger>(_ i: I?) -> JSONValue { i.map { .int(Int64(clamping: $0)) } ?? .null }

    /// The compact text of the value.
    var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .string(let s): Self.quote(s, into: &out)
        case .int(let i): out += String(i)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .raw(let text): out += text
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            var first = true
            for (key, value) in members {
                if !first { out += "," }
                first = false
                Self.quote(key, into: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    /// A JSON string literal, escaped by MamoriText's `JSONEscaping` (the one escaper).
    static func quote(_ s: String, into out: inout String) {
        out += "\""
        out += JSONEscaping.escaped(s)
        out += "\""
    }
}

/// An ordered list of object members that leaves out `null` values, so rows print compactly.
struct JSONObjectBuilder {
    private(set) var members: [(String, JSONValue)] = []

    mutating func add(_ key: String, _ value: JSONValue) {
        if case .null = value { return }
        members.append((key, value))
    }

    /// Adds `null` too (for fields whose absence means something, like a story's incident).
    mutating func addAlways(_ key: String, _ value: JSONValue) { members.append((key, value)) }

    var value: JSONValue { .object(members) }
}
