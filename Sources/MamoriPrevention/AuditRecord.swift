import MamoriStore

/// Who asked for a change: the peer credentials of the control-socket client, or the agent.
///
/// Exists so every audit entry names a person or process, never "somebody". Immutable; any thread.
public struct Actor: Sendable, Equatable, Codable, CustomStringConvertible {
    public var uid: UInt32?
    public var pid: Int32?
    public var comm: String

    public init(uid: UInt32?, pid: Int32?, comm: String) { self.uid = uid; self.pid = pid; self.comm = comm }

    /// Changes the agent makes on its own (expiry, canary rollback, circuit breaker).
    public static let agent = Actor(uid: 0, pid: nil, comm: "mamori-agent")

    public var description: String {
        "\(comm)[uid=\(uid.map(String.init) ?? "?") pid=\(pid.map(String.init) ?? "?")]"
    }
}

/// One change of prevention state: level, scope, isolation, rollback, breaker.
///
/// Exists so the agent can write the same facts to the store's `audit` table and to the
/// alert log (it is `Codable` for the latter). Immutable; any thread.
public struct AuditRecord: Sendable, Equatable, Codable, CustomStringConvertible {
    /// What changed; the raw value is written to the audit table.
    public enum Action: String, Sendable, Codable {
        case levelSet = "level.set", levelRevert = "level.revert", scopeSet = "scope.set",
             scopeClear = "scope.clear", scopeRevert = "scope.revert", isolate = "isolate",
             canaryRollback = "level.canary-rollback", breaker = "guardrail.breaker",
             stateReset = "state.reset"
    }
    public var action: Action
    public var actor: Actor
    public var unixSeconds: Double
    /// "host" or the scope (`unit nginx.service`, `cgroup /x`).
    public var scope: String
    public var from: String
    public var to: String
    public var reason: String?

    public init(action: Action, actor: Actor, unixSeconds: Double, scope: String, from: String,
                to: String, reason: String?) {
        self.action = action; self.actor = actor; self.unixSeconds = unixSeconds; self.scope = scope
        self.from = from; self.to = to; self.reason = reason
    }

    /// The row for the store's `audit` table (the actor's comm and the scope go into `action`).
    public var auditRow: AuditRow {
        AuditRow(tsUnixNs: Int64(unixSeconds * 1e9), actorUid: actor.uid, actorPid: actor.pid,
                 action: "\(action.rawValue) \(scope) by \(actor.comm)", fromValue: from, toValue: to,
                 reason: reason)
    }

    public var description: String {
        "\(action.rawValue) \(scope): \(from) -> \(to) by \(actor)\(reason.map { " (\($0))" } ?? "")"
    }
}
