import Glibc
import MamoriSystem

/// Who is on the other end of a control connection, from the kernel (SO_PEERCRED for uid, gid,
/// pid; SO_PEERGROUPS for supplementary groups, else `Groups:` of /proc/<pid>/status) and
/// `/proc/<pid>/comm`.
///
/// Exists so that authorisation and the audit trail use credentials the kernel vouches for,
/// never anything the client says. Sendable value; any thread.
public struct Peer: Sendable, Equatable, CustomStringConvertible {
    public var uid: UInt32
    public var gid: UInt32
    public var pid: Int32
    /// Supplementary groups (`Groups:` of /proc/<pid>/status); empty if the process is gone.
    public var groups: [UInt32]
    /// `/proc/<pid>/comm`, or "?" if the process is gone.
    public var comm: String

    public init(uid: UInt32, gid: UInt32, pid: Int32, groups: [UInt32] = [], comm: String = "?") {
        self.uid = uid; self.gid = gid; self.pid = pid; self.groups = groups; self.comm = comm
    }

    /// True if the peer's primary or a supplementary group is `gid`.
    public func isMember(of gid: UInt32) -> Bool { self.gid == gid || groups.contains(gid) }

    public var description: String { "uid \(uid) gid \(gid) pid \(pid) (\(comm))" }

    /// The credentials of the process connected to `socket` (a unix stream socket).
    /// - Returns: nil if the kernel does not report them (not a unix socket).
    public static func of(socket: Socket) -> Peer? {
        guard let cred = socket.peerCredentials() else { return nil }
        var peer = Peer(uid: cred.uid, gid: cred.gid, pid: cred.pid)
        if let groups = socket.peerGroups() {
            peer.groups = groups
        } else if let status = readSmallFile("/proc/\(cred.pid)/status"), ownerMatches(status, uid: cred.uid, gid: cred.gid) {
            peer.groups = parseGroups(status)
        }
        if let comm = readSmallFile("/proc/\(cred.pid)/comm") {
            let trimmed = comm.hasSuffix("\n") ? String(comm.dropLast()) : comm
            if !trimmed.isEmpty { peer.comm = trimmed }
        }
        return peer
    }

    /// True if the real uid and gid in a /proc/<pid>/status text are the peer's (fallback path:
    /// guards against the pid having been reused by another user's process).
    static func ownerMatches(_ status: String, uid: UInt32, gid: UInt32) -> Bool {
        func first(_ key: String) -> UInt32? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return nil }
            return line.dropFirst(key.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { UInt32($0) }
        }
        return first("Uid:") == uid && first("Gid:") == gid
    }

    /// The numbers of the `Groups:` line of a /proc/<pid>/status text.
    static func parseGroups(_ status: String) -> [UInt32] {
        for line in status.split(separator: "\n") where line.hasPrefix("Groups:") {
            return line.dropFirst("Groups:".count).split(whereSeparator: { $0 == " " || $0 == "\t" })
                .compactMap { UInt32($0) }
        }
        return []
    }
}

/// Reads a small /proc file (≤ 16 KiB) into a string; nil if it cannot be opened.
func readSmallFile(_ path: String) -> String? {
    FileDescriptor.readSmallFile(path).map { String(decoding: $0, as: UTF8.self) }
}

/// Looks up a group id by name with the reentrant getgrnam_r; nil if there is no such group.
public func groupID(named name: String) -> UInt32? { UserDatabase.groupID(named: name) }
