/// A prevention level as the operator names it: a number on the ladder or its name.
///
/// The agent resolves it against its (configurable) ladder; the wire form is a JSON number or
/// string. Sendable value; any thread.
public enum LevelSelector: Sendable, Equatable, Codable, CustomStringConvertible {
    case number(Int)
    case name(String)

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self) { self = .number(n); return }
        self = .name(try c.decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let n): try c.encode(n)
        case .name(let s): try c.encode(s)
        }
    }

    public var description: String {
        switch self {
        case .number(let n): return String(n)
        case .name(let s): return s
        }
    }
}

/// Where a level applies: the whole host, one systemd unit, or one cgroup (path below the
/// cgroup v2 mount, e.g. `/system.slice/nginx.service`). Wire form: absent, `{"unit":...}` or
/// `{"cgroup":...}`. Sendable value.
public enum ControlScope: Sendable, Equatable, Codable, CustomStringConvertible {
    case host
    case unit(String)
    case cgroup(String)

    private enum Keys: String, CodingKey { case unit, cgroup }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        if let unit = try c.decodeIfPresent(String.self, forKey: .unit) { self = .unit(unit) }
        else if let path = try c.decodeIfPresent(String.self, forKey: .cgroup) { self = .cgroup(path) }
        else { self = .host }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .host: break
        case .unit(let u): try c.encode(u, forKey: .unit)
        case .cgroup(let p): try c.encode(p, forKey: .cgroup)
        }
    }

    public var description: String {
        switch self {
        case .host: return "host"
        case .unit(let u): return "unit \(u)"
        case .cgroup(let p): return "cgroup \(p)"
        }
    }
}

/// One rung of the ladder and what it turns on (for `mamori level`). Sendable value.
public struct LevelStep: Codable, Sendable, Equatable {
    public var number: Int
    public var name: String
    /// Human-readable list of what this level enforces, e.g. "critical rules kill".
    public var enables: [String]

    public init(number: Int, name: String, enables: [String]) {
        self.number = number; self.name = name; self.enables = enables
    }
}

/// A level in force somewhere other than the whole host, or a temporary raise. Sendable value.
public struct ScopeOverride: Codable, Sendable, Equatable {
    public var scope: ControlScope
    public var level: Int
    public var levelName: String
    /// Unix seconds when it reverts on its own (`--for`), nil if permanent.
    public var expiresAt: Int64?
    public var reason: String?

    public init(scope: ControlScope, level: Int, levelName: String, expiresAt: Int64? = nil, reason: String? = nil) {
        self.scope = scope; self.level = level; self.levelName = levelName
        self.expiresAt = expiresAt; self.reason = reason
    }
}

/// A host-wide level raised `--for` a while: what it reverts to and when. Sendable value.
public struct TemporaryRaise: Codable, Sendable, Equatable {
    public var expiresAt: Int64
    public var revertTo: Int
    public var revertToName: String

    public init(expiresAt: Int64, revertTo: Int, revertToName: String) {
        self.expiresAt = expiresAt; self.revertTo = revertTo; self.revertToName = revertToName
    }
}

/// Reply to `level.get` (and part of `status`): the level in force, overrides, the ladder.
/// Sendable value.
public struct LevelState: Codable, Sendable, Equatable {
    public var level: Int
    public var levelName: String
    public var overrides: [ScopeOverride]
    public var temporary: TemporaryRaise?
    public var ladder: [LevelStep]

    public init(level: Int, levelName: String, overrides: [ScopeOverride] = [], temporary: TemporaryRaise? = nil,
                ladder: [LevelStep] = []) {
        self.level = level; self.levelName = levelName; self.overrides = overrides
        self.temporary = temporary; self.ladder = ladder
    }
}

/// Arguments of `level.set`. Sendable value.
public struct LevelSetRequest: Codable, Sendable, Equatable {
    public var level: LevelSelector
    /// nil or `.host`: the whole host.
    public var scope: ControlScope?
    public var reason: String?
    /// Revert on its own after this many seconds.
    public var forSeconds: Int64?

    public init(level: LevelSelector, scope: ControlScope? = nil, reason: String? = nil, forSeconds: Int64? = nil) {
        self.level = level; self.scope = scope; self.reason = reason; self.forSeconds = forSeconds
    }
}

/// Reply to `level.set`: from, to, where, until when. Sendable value.
public struct LevelChange: Codable, Sendable, Equatable {
    public var scope: ControlScope
    public var previous: Int
    public var previousName: String
    public var level: Int
    public var levelName: String
    public var expiresAt: Int64?

    public init(scope: ControlScope, previous: Int, previousName: String, level: Int, levelName: String,
                expiresAt: Int64? = nil) {
        self.scope = scope; self.previous = previous; self.previousName = previousName
        self.level = level; self.levelName = levelName; self.expiresAt = expiresAt
    }
}

/// Arguments of `level.simulate`: replay stored history since a time at a level. Sendable value.
public struct SimulateRequest: Codable, Sendable, Equatable {
    public var level: LevelSelector
    /// Unix nanoseconds; history from then to now is replayed.
    public var sinceUnixNs: Int64
    public var scope: ControlScope?

    public init(level: LevelSelector, sinceUnixNs: Int64, scope: ControlScope? = nil) {
        self.level = level; self.sinceUnixNs = sinceUnixNs; self.scope = scope
    }
}

/// One line of a simulation report: what a level would have done to one rule, executable or
/// destination. Sendable value.
public struct SimulationEntry: Codable, Sendable, Equatable {
    /// The rule id, executable path or destination (`ip:port`), depending on the list it is in.
    public var key: String
    public var count: Int
    /// kill, kill-tree, freeze, deny-exec, block-egress, ...
    public var action: String
    /// One example process chain, root first (`systemd > sshd > bash > curl`).
    public var exampleLineage: [String]

    public init(key: String, count: Int, action: String, exampleLineage: [String] = []) {
        self.key = key; self.count = count; self.action = action; self.exampleLineage = exampleLineage
    }
}

/// Reply to `level.simulate`. Sendable value.
public struct SimulationReport: Codable, Sendable, Equatable {
    public var level: Int
    public var levelName: String
    public var sinceUnixNs: Int64
    public var untilUnixNs: Int64
    public var eventsReplayed: Int
    public var byRule: [SimulationEntry]
    public var byExecutable: [SimulationEntry]
    public var byDestination: [SimulationEntry]

    public init(level: Int, levelName: String, sinceUnixNs: Int64, untilUnixNs: Int64, eventsReplayed: Int,
                byRule: [SimulationEntry] = [], byExecutable: [SimulationEntry] = [],
                byDestination: [SimulationEntry] = []) {
        self.level = level; self.levelName = levelName; self.sinceUnixNs = sinceUnixNs
        self.untilUnixNs = untilUnixNs; self.eventsReplayed = eventsReplayed
        self.byRule = byRule; self.byExecutable = byExecutable; self.byDestination = byDestination
    }
}
