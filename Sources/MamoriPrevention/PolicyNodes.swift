import Yams
import MamoriText

/// Typed reads of Yams nodes that throw `PolicyError` naming the key path and position.
///
/// Exists so the policy parser reads like the file format and every error carries
/// `file:line:column` and the key. Build-time only; any thread.
struct PolicyNodes {
    let file: String

    func error(_ node: Node?, _ key: String, _ message: String) -> PolicyError {
        let mark = node?.mark
        return PolicyError(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1,
                           message: key.isEmpty ? message : "\(key): \(message)")
    }

    /// The pairs of a mapping, rejecting keys outside `allowed` and duplicates.
    func mapping(_ node: Node, _ key: String, allowed: Set<String>? = nil) throws(PolicyError) -> [(String, Node, Node)] {
        guard case .mapping(let m) = node else { throw error(node, key, "expected a mapping") }
        var seen = Set<String>()
        var out: [(String, Node, Node)] = []
        for (k, v) in m {
            guard case .scalar(let s) = k else { throw error(k, key, "keys must be plain names") }
            let name = s.string
            let path = key.isEmpty ? name : "\(key).\(name)"
            if let allowed, !allowed.contains(name) {
                throw error(k, path, "unknown key (expected one of: \(allowed.sorted().joined(separator: ", ")))")
            }
            guard seen.insert(name).inserted else { throw error(k, path, "duplicate key") }
            out.append((name, k, v))
        }
        return out
    }

    func sequence(_ node: Node, _ key: String) throws(PolicyError) -> [Node] {
        switch node {
        case .sequence(let s): return Array(s)
        case .scalar(let s) where s.isNullValue: return []
        default: throw error(node, key, "expected a list")
        }
    }

    func string(_ node: Node, _ key: String) throws(PolicyError) -> String {
        guard case .scalar(let s) = node, !s.isNullValue else { throw error(node, key, "expected a value") }
        return s.string
    }

    /// A single value or a list of values.
    func strings(_ node: Node, _ key: String) throws(PolicyError) -> [String] {
        if case .scalar = node { return [try string(node, key)] }
        var out: [String] = []
        for (i, item) in try sequence(node, key).enumerated() { out.append(try string(item, "\(key)[\(i)]")) }
        return out
    }

    func bool(_ node: Node, _ key: String) throws(PolicyError) -> Bool {
        switch try string(node, key).lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(node, key, "expected true or false")
        }
    }

    func int(_ node: Node, _ key: String, range: ClosedRange<Int>) throws(PolicyError) -> Int {
        let text = try string(node, key)
        guard let n = Int(text), range.contains(n) else {
            throw error(node, key, "expected a whole number in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return n
    }

    func number(_ node: Node, _ key: String) throws(PolicyError) -> Double {
        let text = try string(node, key)
        guard let n = Double(text), n >= 0 else { throw error(node, key, "expected a non-negative number, got '\(text)'") }
        return n
    }

    func seconds(_ node: Node, _ key: String) throws(PolicyError) -> Double {
        let text = try string(node, key)
        switch DurationText.nanoseconds(text, bareSeconds: true) {
        case .success(let ns) where ns > 0: return Double(ns) / 1e9
        case .success: throw error(node, key, "expected a duration longer than zero, got '\(text)'")
        case .failure(let f): throw error(node, key, "expected a duration such as 90s, 10m, 1h, got '\(text)': \(f)")
        }
    }

    func level(_ node: Node, _ key: String) throws(PolicyError) -> PreventionLevel {
        let text = try string(node, key)
        guard let level = PreventionLevel(parsing: text) else {
            throw error(node, key, "unknown level '\(text)' (0-4 or monitor, known-bad, critical, high, lockdown)")
        }
        return level
    }

    /// A level or `never` (nil).
    func levelOrNever(_ node: Node, _ key: String) throws(PolicyError) -> PreventionLevel? {
        if try string(node, key).lowercased() == "never" { return nil }
        return try level(node, key)
    }

    func absolutePath(_ node: Node, _ key: String) throws(PolicyError) -> String {
        let path = try string(node, key)
        guard path.hasPrefix("/") else { throw error(node, key, "expected an absolute path, got '\(path)'") }
        return path
    }

    func absolutePaths(_ node: Node, _ key: String) throws(PolicyError) -> [String] {
        let paths = try strings(node, key)
        for p in paths where !p.hasPrefix("/") { throw error(node, key, "expected absolute paths, got '\(p)'") }
        return paths
    }

    func prefixes(_ node: Node, _ key: String) throws(PolicyError) -> [CIDR] {
        var out: [CIDR] = []
        for text in try strings(node, key) {
            let p: CIDR
            switch CIDR.parse(text) {
            case .success(let value): p = value
            case .failure(let failure): throw error(node, key, failure.description)
            }
            out.append(p)
        }
        return out
    }

    func ports(_ node: Node, _ key: String) throws(PolicyError) -> [UInt16] {
        var out: [UInt16] = []
        for text in try strings(node, key) {
            guard let n = Int(text), n > 0, n <= 65535 else { throw error(node, key, "'\(text)' is not a port (1-65535)") }
            out.append(UInt16(n))
        }
        guard out.count <= 8 else { throw error(node, key, "at most 8 ports per entry (the kernel's limit); split the entry") }
        return out
    }
}

extension Node.Scalar {
    /// A plain `~`, `null` or empty scalar (quoted text is never null).
    var isNullValue: Bool {
        switch style {
        case .singleQuoted, .doubleQuoted, .literal, .folded: return false
        default: return ["", "~", "null", "Null", "NULL"].contains(string)
        }
    }
}
