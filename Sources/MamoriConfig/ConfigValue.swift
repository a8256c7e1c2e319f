/// A validated leaf value, already converted to the type its key's schema asks for.
/// Build-time only; any thread.
enum ConfigValue: Equatable {
    case bool(Bool)
    case int(Int)
    case duration(Duration)
    case string(String)
    case strings([String])
    case stringMap([String: String])

    var bool: Bool { if case .bool(let b) = self { return b }; return false }
    var int: Int { if case .int(let i) = self { return i }; return 0 }
    var string: String { if case .string(let s) = self { return s }; return "" }
    var strings: [String] { if case .strings(let s) = self { return s }; return [] }
    var stringMap: [String: String] { if case .stringMap(let m) = self { return m }; return [:] }
    var duration: Duration { if case .duration(let d) = self { return d }; return .zero }
}

/// What a key accepts. Each kind parses a scalar (or list / map) and says exactly what is
/// wrong when it cannot. Build-time only; any thread.
enum ConfigValueKind: Sendable {
    case bool
    case integer(ClosedRange<Int>)
    /// Bytes: `4194304`, `4MiB`, `4M`, `512KiB`, `2GiB`. `powerOfTwo` for ring/queue sizes.
    case size(ClosedRange<Int>, powerOfTwo: Bool)
    /// A plain count that must be a power of two (queue slots).
    case powerOfTwo(ClosedRange<Int>)
    /// `10s`, `500ms`, `5m`, `12h`, `30d`, or a number of seconds; 0 allowed when in range.
    case duration(maxSeconds: Int)
    case string(allowEmpty: Bool)
    case absolutePath
    case choice([String])
    /// An IP address or a DNS host name.
    case host
    /// `host:port` or `[v6]:port`.
    case listenAddress
    /// http:// or https:// URL with a host.
    case httpURL
    case pathList
    /// Unit names or globs (`nginx.service`, `postgresql*.service`), or the single word `all`.
    case unitList
    /// Absolute path prefixes and IP addresses/CIDRs (`baseline.ignore`).
    case pathOrNetworkList
    /// IP addresses and CIDRs only (`detection.local_networks`).
    case networkList
    case stringMap

    /// Human description used in "expected ..." messages.
    var expectation: String {
        switch self {
        case .bool: return "true or false"
        case .integer(let r): return "an integer in \(r.lowerBound)...\(r.upperBound)"
        case .size(let r, let p):
            return "a size in bytes (e.g. 4MiB) in \(ByteSize.format(r.lowerBound))...\(ByteSize.format(r.upperBound))"
                + (p ? ", a power of two" : "")
        case .powerOfTwo(let r): return "a power of two in \(r.lowerBound)...\(r.upperBound)"
        case .duration: return "a duration such as 500ms, 10s, 5m, 12h or 30d"
        case .string: return "a string"
        case .absolutePath: return "an absolute path"
        case .choice(let options): return "one of " + options.joined(separator: ", ")
        case .host: return "an IP address or a host name"
        case .listenAddress: return "host:port (e.g. 127.0.0.1:9464 or [::1]:9464)"
        case .httpURL: return "an http:// or https:// URL"
        case .pathList: return "a list of absolute paths"
        case .unitList: return "all, or a list of unit names (globs * and ? allowed)"
        case .pathOrNetworkList: return "a list of absolute paths and IP addresses or CIDRs"
        case .networkList: return "a list of IP addresses or CIDRs (10.0.0.0/8, fd00::/8)"
        case .stringMap: return "a mapping of names to strings"
        }
    }

    var isList: Bool {
        switch self {
        case .pathList, .unitList, .pathOrNetworkList, .networkList: return true
        default: return false
        }
    }
    var isMap: Bool { if case .stringMap = self { return true }; return false }
}
