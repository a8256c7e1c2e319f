/// Arguments of `isolate`: cut all egress but loopback and management networks, or undo it.
/// Sendable value.
public struct IsolateRequest: Codable, Sendable, Equatable {
    public var on: Bool
    public var reason: String?
    public init(on: Bool, reason: String? = nil) { self.on = on; self.reason = reason }
}

/// Reply to `isolate`. Sendable value.
public struct IsolationState: Codable, Sendable, Equatable {
    public var isolated: Bool
    /// Networks still reachable while isolated (CIDRs), loopback included.
    public var allowedNetworks: [String]
    public init(isolated: Bool, allowedNetworks: [String] = []) {
        self.isolated = isolated; self.allowedNetworks = allowedNetworks
    }
}

/// One quarantined file. Sendable value.
public struct QuarantineItem: Codable, Sendable, Equatable {
    public var id: String
    public var originalPath: String
    public var quarantinedAtUnix: Int64
    public var sha256: String
    public var sizeBytes: Int64
    /// Why / by whom: a rule id, an incident, or "manual by uid 0".
    public var origin: String?

    public init(id: String, originalPath: String, quarantinedAtUnix: Int64, sha256: String, sizeBytes: Int64,
                origin: String? = nil) {
        self.id = id; self.originalPath = originalPath; self.quarantinedAtUnix = quarantinedAtUnix
        self.sha256 = sha256; self.sizeBytes = sizeBytes; self.origin = origin
    }
}

/// Arguments of `quarantine.add`. Sendable value.
public struct QuarantineAddRequest: Codable, Sendable, Equatable {
    public var path: String
    public var reason: String?
    public init(path: String, reason: String? = nil) { self.path = path; self.reason = reason }
}

/// Arguments of `quarantine.restore`; `force` overwrites a file now at the original path.
/// Sendable value.
public struct QuarantineRestoreRequest: Codable, Sendable, Equatable {
    public var id: String
    public var force: Bool
    public init(id: String, force: Bool = false) { self.id = id; self.force = force }
}

/// Reply to `quarantine.restore`. Sendable value.
public struct QuarantineRestored: Codable, Sendable, Equatable {
    public var item: QuarantineItem
    public var restoredTo: String
    public init(item: QuarantineItem, restoredTo: String) { self.item = item; self.restoredTo = restoredTo }
}

/// What `response.*` acts on: an incident's lineage or one process. Wire form
/// `{"incident":"uuid"}` or `{"pid":123}`. Sendable value.
public enum ResponseTarget: Sendable, Equatable, Codable, CustomStringConvertible {
    case incident(String)
    case pid(Int32)

    private enum Keys: String, CodingKey { case incident, pid }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        if let id = try c.decodeIfPresent(String.self, forKey: .incident) { self = .incident(id); return }
        if let pid = try c.decodeIfPresent(Int32.self, forKey: .pid) { self = .pid(pid); return }
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                debugDescription: "needs \"incident\" or \"pid\""))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .incident(let id): try c.encode(id, forKey: .incident)
        case .pid(let pid): try c.encode(pid, forKey: .pid)
        }
    }

    public var description: String {
        switch self {
        case .incident(let id): return "incident \(id)"
        case .pid(let pid): return "pid \(pid)"
        }
    }
}

/// What the operator asks the responder to do by hand.
public enum ResponseVerb: String, Codable, Sendable, CaseIterable {
    case kill, freeze, thaw

    /// The protocol operation carrying this verb.
    public var operation: ControlOperation {
        switch self {
        case .kill: return .responseKill
        case .freeze: return .responseFreeze
        case .thaw: return .responseThaw
        }
    }
}

/// Arguments of `response.kill|freeze|thaw`. Sendable value.
public struct ResponseRequest: Codable, Sendable, Equatable {
    public var target: ResponseTarget
    public var reason: String?
    public init(target: ResponseTarget, reason: String? = nil) { self.target = target; self.reason = reason }
}

/// Reply to `response.*`: which processes were acted on. Sendable value.
public struct ResponseOutcome: Codable, Sendable, Equatable {
    public var verb: ResponseVerb
    public var target: ResponseTarget
    public var affectedPids: [Int32]
    /// For freeze/thaw: the cgroup frozen or thawed.
    public var cgroup: String?
    public var message: String?

    public init(verb: ResponseVerb, target: ResponseTarget, affectedPids: [Int32], cgroup: String? = nil,
                message: String? = nil) {
        self.verb = verb; self.target = target; self.affectedPids = affectedPids
        self.cgroup = cgroup; self.message = message
    }
}
