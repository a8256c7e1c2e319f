/// How the behavioural baselines learn: on or off, the quiet period after which a learning
/// profile is stable, which units are profiled, what is never learned, and the caps.
///
/// Exists as one value built from `baseline.*` in config.yaml (docs/baseline.md) so the engine,
/// the history learner and the tests share the same knobs. Immutable value; any thread.
public struct BaselineConfiguration: Sendable, Equatable {
    /// `baseline.enabled` (default on).
    public var enabled = true
    /// `baseline.quiet_period`: no new behaviour for this long turns learning into stable.
    public var quietPeriodNs: Int64 = 7 * 86_400 * 1_000_000_000
    /// `baseline.units`: nil = every unit, cgroup and interactive session; else only these
    /// profile names (`*` and `?` globs: `postgresql*.service`).
    public var units: [String]? = nil
    /// `baseline.ignore`, paths: file paths and executables under these prefixes are never learned.
    public var ignorePaths: [String] = []
    /// `baseline.ignore`, networks: destinations inside these are never learned.
    public var ignoreNetworks: [NetworkPrefix] = []
    /// Caps per profile and category (an attacker can make unbounded novelty).
    public var limits = ProfileLimits()
    /// Profiles kept at most; the next new unit is not profiled (and says so).
    public var maxProfiles = 512
    /// Stored events read at first start to learn from history.
    public var historyEvents = 200_000
    /// How often dirty profile headers are written to the store.
    public var persistIntervalNs: Int64 = 2_000_000_000

    public init() {}

    /// Whether `name` is selected by `units`.
    public func selects(_ name: String) -> Bool {
        guard let units else { return true }
        return units.contains { Glob.matches($0, name) }
    }

    /// Whether a path lies under an ignored prefix.
    public func ignores(path: String) -> Bool {
        ignorePaths.contains { path == $0 || (path.hasPrefix($0) && ($0.hasSuffix("/") || path.utf8.dropFirst($0.utf8.count).first == UInt8(ascii: "/"))) }
    }
}

/// Entries kept per profile and category. When a category is full, new entries are not
/// learned: the profile says so (status, a notice) and, once stable, still alerts on them.
/// Immutable value; any thread.
public struct ProfileLimits: Sendable, Equatable {
    public var executables = 256
    public var edges = 512
    public var argvShapes = 1_024
    public var destinations = 256
    public var listeningPorts = 64
    public var filePatterns = 1_024
    public var users = 32

    public init() {}

    public func limit(_ c: ProfileCategory) -> Int {
        switch c {
        case .executable: return executables
        case .edge: return edges
        case .argv: return argvShapes
        case .destination: return destinations
        case .listen: return listeningPorts
        case .file: return filePatterns
        case .user: return users
        }
    }
}

/// Shell-style `*`/`?` matching for unit selectors. Stateless; any thread.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.utf8), t = Array(text.utf8)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == UInt8(ascii: "?") || p[pi] == t[ti]) { pi += 1; ti += 1 }
            else if pi < p.count && p[pi] == UInt8(ascii: "*") { star = pi; mark = ti; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}

extension BaselineConfiguration {
    /// From validated `baseline.*` values: `units` `[all]` selects everything; `ignore` items
    /// starting with `/` are path prefixes, the others networks (validated by the config
    /// schema; an unparsable one is skipped).
    public init(enabled: Bool, quietPeriodSeconds: Double, units: [String], ignore: [String]) {
        self.init()
        self.enabled = enabled
        self.quietPeriodNs = Int64(quietPeriodSeconds * 1e9)
        self.units = units.isEmpty || units.contains("all") ? nil : units
        self.ignorePaths = ignore.filter { $0.hasPrefix("/") }
        self.ignoreNetworks = ignore.filter { !$0.hasPrefix("/") }.compactMap(NetworkPrefix.init(parsing:))
    }
}
