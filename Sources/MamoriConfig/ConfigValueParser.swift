import Glibc
import MamoriText

/// Turns a merged YAML node into a typed `ConfigValue` for one schema kind, or a message
/// saying what was expected and what was found. Build-time only; any thread.
enum ConfigValueParser {
    struct Failure: Error {
        var location: ConfigLocation
        var message: String
    }

    static func parse(_ node: ConfigNode, as kind: ConfigValueKind) -> Result<ConfigValue, Failure> {
        switch kind {
        case .pathList, .pathOrNetworkList, .networkList:
            return list(node, kind: kind)
        case .unitList:
            if case .scalar(let s) = node, !s.isNull, s.text == "all" { return .success(.strings(["all"])) }
            return list(node, kind: kind)
        case .stringMap:
            return map(node, kind: kind)
        default:
            guard case .scalar(let s) = node else {
                return .failure(Failure(location: node.location,
                                        message: "expected \(kind.expectation), found a \(shape(node))"))
            }
            if s.isNull {
                return .failure(Failure(location: s.location, message: "needs a value: \(kind.expectation)"))
            }
            switch scalar(s.text, quoted: s.isQuoted, as: kind) {
            case .success(let v): return .success(v)
            case .failure(let message): return .failure(Failure(location: s.location, message: message.text))
            }
        }
    }

    /// One scalar's text as `kind`; the error is the message alone.
    static func scalar(_ text: String, quoted: Bool, as kind: ConfigValueKind) -> Result<ConfigValue, Message> {
        let found = "expected \(kind.expectation), found '\(text)'"
        switch kind {
        case .bool:
            switch text {
            case "true", "True", "TRUE", "yes", "on": return .success(.bool(true))
            case "false", "False", "FALSE", "no", "off": return .success(.bool(false))
            default: return .failure(Message(found))
            }
        case .integer(let range):
            guard let n = Int(text) else { return .failure(Message(found)) }
            return range.contains(n) ? .success(.int(n)) : .failure(Message("\(n) is out of range: \(kind.expectation)"))
        case .powerOfTwo(let range):
            guard let n = Int(text) else { return .failure(Message(found)) }
            guard range.contains(n), n > 0, n & (n - 1) == 0 else {
                return .failure(Message("\(n) is out of range: \(kind.expectation)"))
            }
            return .success(.int(n))
        case .size(let range, let powerOfTwo):
            guard let n = ByteSize.parse(text) else { return .failure(Message(found)) }
            guard range.contains(n), !powerOfTwo || (n > 0 && n & (n - 1) == 0) else {
                return .failure(Message("\(text) is out of range: \(kind.expectation)"))
            }
            return .success(.int(n))
        case .duration(let maxSeconds):
            let d: Duration
            switch ConfigDuration.parse(text) {
            case .success(let v): d = v
            case .failure(let f): return .failure(Message("\(found): \(f)"))
            }
            guard d >= .zero, d <= .seconds(maxSeconds) else {
                return .failure(Message("\(text) is out of range: at most \(ConfigDuration.format(.seconds(maxSeconds)))"))
            }
            return .success(.duration(d))
        case .string(let allowEmpty):
            return allowEmpty || !text.isEmpty ? .success(.string(text)) : .failure(Message("must not be empty"))
        case .absolutePath:
            return text.hasPrefix("/") && !text.contains("\0") ? .success(.string(text))
                : .failure(Message("expected an absolute path, found '\(text)'"))
        case .choice(let options):
            if options.contains(text) { return .success(.string(text)) }
            let hint = Suggestion.closest(to: text, among: options).map { " (did you mean '\($0)'?)" } ?? ""
            return .failure(Message("expected \(kind.expectation), found '\(text)'\(hint)"))
        case .host:
            return NetworkAddress.isValidHost(text) ? .success(.string(text))
                : .failure(Message("'\(text)' is not an IP address or a valid host name"))
        case .listenAddress:
            if let error = NetworkAddress.listenAddressProblem(text) { return .failure(Message(error)) }
            return .success(.string(text))
        case .httpURL:
            if let error = NetworkAddress.urlProblem(text) { return .failure(Message(error)) }
            return .success(.string(text))
        case .pathList, .stringMap, .unitList, .pathOrNetworkList, .networkList:
            return .failure(Message(found))
        }
    }

    /// A message string usable as a `Result` failure.
    struct Message: Error, Equatable {
        var text: String
        init(_ text: String) { self.text = text }
    }

    private static func list(_ node: ConfigNode, kind: ConfigValueKind) -> Result<ConfigValue, Failure> {
        if node.isNull { return .success(.strings([])) }
        guard case .sequence(let items, _) = node else {
            return .failure(Failure(location: node.location, message: "expected \(kind.expectation), found a \(shape(node))"))
        }
        var out: [String] = []
        for item in items {
            guard case .scalar(let s) = item, !s.isNull else {
                return .failure(Failure(location: item.location, message: "each item must be \(itemExpectation(kind))"))
            }
            if let problem = listItemProblem(s.text, kind: kind) {
                return .failure(Failure(location: s.location, message: problem))
            }
            out.append(s.text)
        }
        return .success(.strings(out))
    }

    static func itemExpectation(_ kind: ConfigValueKind) -> String {
        switch kind {
        case .unitList: return "a unit name"
        case .pathOrNetworkList: return "an absolute path or an IP address/CIDR"
        case .networkList: return "an IP address or CIDR"
        default: return "an absolute path"
        }
    }

    /// What is wrong with one list item, nil when it is fine.
    static func listItemProblem(_ text: String, kind: ConfigValueKind) -> String? {
        switch kind {
        case .unitList:
            if text.isEmpty || text.contains(where: { $0 == " " || $0 == "/" || $0 == "\t" }) {
                return "expected a unit name such as nginx.service (no spaces or slashes), found '\(text)'"
            }
            return nil
        case .pathOrNetworkList, .networkList:
            let pathsAllowed: Bool
            if case .pathOrNetworkList = kind { pathsAllowed = true } else { pathsAllowed = false }
            if pathsAllowed && text.hasPrefix("/") { return nil }
            // MamoriText's CIDR grammar, the one detection and prevention parse with.
            switch CIDR.parse(text) {
            case .success: return nil
            case .failure(.badLength(_, let maximum)):
                return "'\(text)': prefix length must be 0-\(maximum)"
            case .failure:
                if !pathsAllowed {
                    return "expected an IP address or CIDR (10.0.0.0/8, 2001:db8::/32), found '\(text)'"
                }
                return "expected an absolute path or an IP address/CIDR (10.0.0.0/8, 2001:db8::/32), found '\(text)'"
            }
        default:
            return text.hasPrefix("/") ? nil : "expected an absolute path, found '\(text)'"
        }
    }

    private static func map(_ node: ConfigNode, kind: ConfigValueKind) -> Result<ConfigValue, Failure> {
        if node.isNull { return .success(.stringMap([:])) }
        guard case .mapping(let entries, _) = node else {
            return .failure(Failure(location: node.location, message: "expected \(kind.expectation), found a \(shape(node))"))
        }
        var out: [String: String] = [:]
        for entry in entries {
            guard case .scalar(let s) = entry.value, !s.isNull else {
                return .failure(Failure(location: entry.value.location,
                                        message: "'\(entry.key)' must be a string value"))
            }
            out[entry.key] = s.text
        }
        return .success(.stringMap(out))
    }

    static func shape(_ node: ConfigNode) -> String {
        switch node {
        case .mapping: return "mapping"
        case .sequence: return "list"
        case .scalar: return "single value"
        }
    }
}

/// Byte sizes with binary suffixes (`4MiB`, `4M` and `4MB` all mean 4 * 2^20 here: sizes
/// in this file are memory and disk budgets, where binary units are what people mean).
enum ByteSize {
    static func parse(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = Int(digits) else { return nil }
        let suffix = text.dropFirst(digits.count).trimmingSpaces.lowercased()
        let shift: Int
        switch suffix {
        case "", "b": shift = 0
        case "k", "kb", "kib": shift = 10
        case "m", "mb", "mib": shift = 20
        case "g", "gb", "gib": shift = 30
        case "t", "tb", "tib": shift = 40
        default: return nil
        }
        let (value, overflow) = n.multipliedReportingOverflow(by: 1 << shift)
        return overflow ? nil : value
    }

    static func format(_ n: Int) -> String {
        for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] where n != 0 && n % (1 << shift) == 0 {
            return "\(n >> shift)\(unit)"
        }
        return "\(n)"
    }
}

/// Durations as people write them: `500ms`, `10s`, `5m`, `12h`, `30d`, or bare seconds.
/// `DurationText` of MamoriText as `Duration` values for the configuration (bare numbers are
/// seconds, as YAML users expect).
enum ConfigDuration {
    static func parse(_ text: String) -> Result<Duration, DurationText.Failure> {
        DurationText.nanoseconds(text, bareSeconds: true).map { .nanoseconds($0) }
    }

    static func format(_ d: Duration) -> String {
        DurationText.format(milliseconds: d.components.seconds * 1_000 + d.components.attoseconds / 1_000_000_000_000_000)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
