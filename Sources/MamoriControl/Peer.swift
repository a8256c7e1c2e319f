import Glibc

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

    /// The credentials of the process connected to `fd` (a unix stream socket).
    /// - Returns: nil if the kernel does not report them (not a unix socket).
    public static func of(socket fd: Int32) -> Peer? {
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; } (Linux, socket(7)).
        var cred: (Int32, UInt32, UInt32) = (0, 0, 0)
        var len = socklen_t(MemoryLayout<(Int32, UInt32, UInt32)>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0, len >= 12 else { return nil }
        var peer = Peer(uid: cred.1, gid: cred.2, pid: cred.0)
        if let groups = kernelGroups(socket: fd) {
            peer.groups = groups
        } else if let status = readSmallFile("/proc/\(cred.0)/status"), ownerMatches(status, uid: cred.1, gid: cred.2) {
            peer.groups = parseGroups(status)
        }
        if let comm = readSmallFile("/proc/\(cred.0)/comm") {
            let trimmed = comm.hasSuffix("\n") ? String(comm.dropLast()) : comm
            if !trimmed.isEmpty { peer.comm = trimmed }
        }
        return peer
    }

    /// Supplementary groups the kernel recorded at connect time (SO_PEERGROUPS, Linux 4.13+):
    /// immune to the peer exiting and its pid being reused. nil where unsupported.
    static func kernelGroups(socket fd: Int32) -> [UInt32]? {
        let soPeerGroups: Int32 = 59  // SO_PEERGROUPS, asm-generic/socket.h
        var groups = [UInt32](repeating: 0, count: 64)
        for _ in 0..<2 {
            var len = socklen_t(groups.count * MemoryLayout<UInt32>.size)
            let rc = groups.withUnsafeMutableBytes { getsockopt(fd, SOL_SOCKET, soPeerGroups, $0.baseAddress, &len) }
            if rc == 0 { return Array(groups.prefix(Int(len) / MemoryLayout<UInt32>.size)) }
            guard errno == ERANGE else { return nil }
            groups = [UInt32](repeating: 0, count: Int(len) / MemoryLayout<UInt32>.size + 1)
        }
        return nil
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
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: 16_384)
    var used = 0
    while used < bytes.count {
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + used, $0.count - used) }
        if n < 0 { if errno == EINTR { continue }; return nil }
        if n == 0 { break }
        used += n
    }
    return String(decoding: bytes[..<used], as: UTF8.self)
}

/// Looks up a group id by name with the reentrant getgrnam_r; nil if there is no such group.
public func groupID(named name: String) -> UInt32? {
    var group = Glibc.group()
    var result: UnsafeMutablePointer<Glibc.group>?
    var buffer = [CChar](repeating: 0, count: 16_384)
    let rc = getgrnam_r(name, &group, &buffer, buffer.count, &result)
    guard rc == 0, result != nil else { return nil }
    return group.gr_gid
}
