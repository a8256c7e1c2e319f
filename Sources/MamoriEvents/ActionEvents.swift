/// The kernel enforced a prevention policy, or would have at a higher level (`struct mamori_action`).
///
/// Exists so that every in-kernel block — a killed or refused exec, a refused connect or
/// datagram, a refused write to a protected file — reaches the pipeline, the store and the
/// alert log like any other event, including the "would have" records that let an operator
/// see what the next level would block. A plain value: any thread.
public struct ActionEvent: Sendable, Equatable {
    public var header: EventHeader
    public var subject: Subject
    public var action: PreventionAction
    public var reason: ActionReason
    /// Effective level of the acting task when it happened.
    public var level: UInt8
    /// Lowest level at which the matching entry is enforced.
    public var neededLevel: UInt8
    /// True when the kernel acted; false = "would have" (level too low or enforcement off).
    public var enforced: Bool
    /// The kernel tried and failed (`result` holds the error).
    public var failed: Bool
    /// Userspace id of the matching policy entry (0 = built in).
    public var policyId: UInt32
    /// 0, -errno returned to the caller (EPERM), or the error of a failed signal.
    public var result: Int32
    /// Exec and file actions: the inode and kernel dev_t.
    public var inode: UInt64
    public var device: UInt32
    /// Network actions: destination address, port (host order) and IP protocol.
    public var destination: IPAddress?
    public var destinationPort: UInt16
    public var proto: UInt16
    /// Exec actions: the executable; file_open denials: the file. Empty when not resolved.
    public var path: String

    public init(header: EventHeader, subject: Subject, action: PreventionAction, reason: ActionReason,
                level: UInt8, neededLevel: UInt8, enforced: Bool, failed: Bool, policyId: UInt32,
                result: Int32, inode: UInt64, device: UInt32, destination: IPAddress?,
                destinationPort: UInt16, proto: UInt16, path: String) {
        self.header = header; self.subject = subject; self.action = action; self.reason = reason
        self.level = level; self.neededLevel = neededLevel; self.enforced = enforced
        self.failed = failed; self.policyId = policyId; self.result = result; self.inode = inode
        self.device = device; self.destination = destination
        self.destinationPort = destinationPort; self.proto = proto; self.path = path
    }
}

/// What the kernel did, mirroring `enum mamori_action_kind`.
public enum PreventionAction: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    case killExec = 1
    case denyExec = 2
    case blockConnect = 3
    case blockSend = 4
    case denyFile = 5

    /// The ECS `event.action` value.
    public var description: String {
        switch self {
        case .killExec: return "exec-killed"
        case .denyExec: return "exec-denied"
        case .blockConnect: return "connect-blocked"
        case .blockSend: return "send-blocked"
        case .denyFile: return "file-write-denied"
        }
    }
}

/// Why, mirroring `enum mamori_action_reason`.
public enum ActionReason: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    case execDenylist = 1
    case execDirectory = 2
    case daemonShell = 3
    case egressDeny = 4
    case egressAllowlist = 5
    case isolated = 6
    case protectedFile = 7

    public var description: String {
        switch self {
        case .execDenylist: return "exec-denylist"
        case .execDirectory: return "exec-directory"
        case .daemonShell: return "daemon-shell"
        case .egressDeny: return "egress-deny"
        case .egressAllowlist: return "egress-allowlist"
        case .isolated: return "isolated"
        case .protectedFile: return "protected-file"
        }
    }
}
