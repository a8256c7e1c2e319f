/// The prevention state an operator controls: host level, scope overrides, temporary raises,
/// isolation, and why each is what it is.
///
/// Exists as the single value the control socket changes, `LevelStore` persists and
/// `PolicyCompiler` turns into kernel maps. Every mutation returns the `AuditRecord`s it
/// caused. A value type: mutate on one thread (the agent's control handler) and hand copies on.
public struct LevelState: Sendable, Equatable, Codable {
    public var hostLevel: PreventionLevel = .monitor
    /// Set while a `--for` raise is active: where the host level goes back to, and when.
    public var hostRevert: Revert?
    public var scopes: [ScopeOverride] = []
    public var isolated = false
    public var reason: String?
    public var changedBy: Actor?
    public var changedAtUnix: Double?

    public init(hostLevel: PreventionLevel = .monitor) { self.hostLevel = hostLevel }

    /// A pending automatic revert.
    public struct Revert: Sendable, Equatable, Codable {
        public var level: PreventionLevel?
        public var atUnix: Double
        public init(level: PreventionLevel?, atUnix: Double) { self.level = level; self.atUnix = atUnix }
    }

    /// A level for a unit or cgroup subtree, overriding the policy's `scopes:` for it.
    public struct ScopeOverride: Sendable, Equatable, Codable {
        public var target: PreventionPolicy.ScopeTarget
        public var level: PreventionLevel
        /// When set, the override is removed (or restored to `revert.level`) at `revert.atUnix`.
        public var revert: Revert?
        public var reason: String?
        public init(target: PreventionPolicy.ScopeTarget, level: PreventionLevel, revert: Revert? = nil,
                    reason: String? = nil) {
            self.target = target; self.level = level; self.revert = revert; self.reason = reason
        }
    }

    /// Sets the host level; with `duration` it reverts to the current level on its own.
    public mutating func setHostLevel(_ level: PreventionLevel, for duration: Double? = nil, by actor: Actor,
                                      reason: String?, now: Double) -> AuditRecord {
        let from = hostLevel
        // A timed raise on top of a timed raise still goes back to the original level.
        let base = hostRevert?.level ?? from
        hostRevert = duration.map { Revert(level: base, atUnix: now + $0) }
        hostLevel = level
        stamp(actor, reason, now)
        var to = level.description
        if let duration { to += " for \(Int(duration))s" }
        return AuditRecord(action: .levelSet, actor: actor, unixSeconds: now, scope: "host",
                           from: from.description, to: to, reason: reason)
    }

    /// Sets (level non-nil) or removes (nil) a scope override.
    public mutating func setScope(_ target: PreventionPolicy.ScopeTarget, level: PreventionLevel?,
                                  for duration: Double? = nil, by actor: Actor, reason: String?,
                                  now: Double) -> AuditRecord {
        let index = scopes.firstIndex { $0.target == target }
        let old = index.map { scopes[$0] }
        let from = old.map { $0.level.description } ?? "inherit"
        if let level {
            let base = old?.revert != nil ? old?.revert?.level : old?.level
            let entry = ScopeOverride(target: target, level: level,
                                      revert: duration.map { Revert(level: base, atUnix: now + $0) },
                                      reason: reason)
            if let index { scopes[index] = entry } else { scopes.append(entry) }
        } else if let index {
            scopes.remove(at: index)
        }
        stamp(actor, reason, now)
        return AuditRecord(action: level == nil ? .scopeClear : .scopeSet, actor: actor, unixSeconds: now,
                           scope: target.description, from: from,
                           to: (level?.description ?? "inherit") + (duration.map { " for \(Int($0))s" } ?? ""),
                           reason: reason)
    }

    /// Turns host isolation on or off.
    public mutating func setIsolation(_ on: Bool, by actor: Actor, reason: String?, now: Double) -> AuditRecord {
        let from = isolated
        isolated = on
        stamp(actor, reason, now)
        return AuditRecord(action: .isolate, actor: actor, unixSeconds: now, scope: "host",
                           from: from ? "isolated" : "open", to: on ? "isolated" : "open", reason: reason)
    }

    /// Applies every revert due at `now` and returns what changed (empty: nothing due).
    public mutating func tick(now: Double) -> [AuditRecord] {
        var records: [AuditRecord] = []
        if let revert = hostRevert, revert.atUnix <= now {
            let from = hostLevel
            hostLevel = revert.level ?? .monitor
            hostRevert = nil
            stamp(.agent, "timed level expired", now)
            records.append(AuditRecord(action: .levelRevert, actor: .agent, unixSeconds: now, scope: "host",
                                       from: from.description, to: hostLevel.description,
                                       reason: "timed level expired"))
        }
        var kept: [ScopeOverride] = []
        for var scope in scopes {
            guard let revert = scope.revert, revert.atUnix <= now else {
                kept.append(scope)
                continue
            }
            let from = scope.level.description
            if let back = revert.level {
                scope.level = back
                scope.revert = nil
                kept.append(scope)
            }
            records.append(AuditRecord(action: .scopeRevert, actor: .agent, unixSeconds: now,
                                       scope: scope.target.description, from: from,
                                       to: revert.level?.description ?? "inherit", reason: "timed level expired"))
        }
        scopes = kept
        return records
    }

    /// The earliest pending revert, so the agent can sleep until then.
    public var nextRevertUnix: Double? {
        ([hostRevert?.atUnix] + scopes.map { $0.revert?.atUnix }).compactMap { $0 }.min()
    }

    private mutating func stamp(_ actor: Actor, _ reason: String?, _ now: Double) {
        changedBy = actor; self.reason = reason; changedAtUnix = now
    }
}
