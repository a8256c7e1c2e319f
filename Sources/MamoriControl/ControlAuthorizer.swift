/// Decides whether a peer may send a request: root may do anything, members of the read group
/// only read-only requests, anyone else nothing.
///
/// Exists as its own value so the rule is testable without sockets and stated in one place.
/// The group is looked up on every decision, so a group created after the agent started counts.
/// Sendable value; any thread.
public struct ControlAuthorizer: Sendable {
    /// Group allowed read-only requests; nil: root only.
    public var readGroup: String?
    /// Named in refusals so the operator knows which socket was meant.
    public var socketPath: String

    public init(readGroup: String?, socketPath: String) {
        self.readGroup = readGroup
        self.socketPath = socketPath
    }

    /// nil if `peer` may send `operation`; otherwise the `denied` error to send back.
    public func check(_ operation: ControlOperation, peer: Peer) -> ControlError? {
        check(operation, peer: peer, readGroupID: readGroup.flatMap(groupID(named:)))
    }

    /// The decision with the group id already resolved (nil: the group does not exist).
    public func check(_ operation: ControlOperation, peer: Peer, readGroupID: UInt32?) -> ControlError? {
        if peer.uid == 0 { return nil }
        let member = readGroupID.map(peer.isMember(of:)) ?? false
        if member && operation.isReadOnly { return nil }
        if member {
            return ControlError(.denied, "'\(operation.rawValue)' on \(socketPath) changes the agent and needs root "
                + "(uid \(peer.uid) is in group '\(readGroup ?? "")', which may only read): run it with sudo")
        }
        let groupHint: String
        if let readGroup {
            groupHint = readGroupID == nil
                ? "needs root (group '\(readGroup)' for read-only access does not exist: create it with `groupadd \(readGroup)`)"
                : "needs root, or membership of group '\(readGroup)' for read-only requests"
        } else {
            groupHint = "needs root"
        }
        return ControlError(.denied, "permission denied: \(socketPath) \(groupHint); uid \(peer.uid) is neither")
    }
}
