import Glibc

/// The host's (initial) namespaces, so a `setns` into one of them from elsewhere can be told
/// from a join of some other namespace (`NamespaceTarget: initial`).
///
/// The kernel gives the initial user, uts, ipc, pid, cgroup and time namespaces fixed inode
/// numbers (PROC_*_INIT_INO); the initial mount and network namespaces get ordinary ones, so
/// those are taken from the agent's own namespaces (the agent runs in the host's), read once.
/// Immutable after first use; any thread.
enum HostNamespaces {
    /// CLONE_NEW* kind → fixed inode of the initial namespace.
    static let fixed: [UInt32: UInt64] = [
        0x1000_0000: 0xEFFF_FFFD, // user
        0x0400_0000: 0xEFFF_FFFE, // uts
        0x0800_0000: 0xEFFF_FFFF, // ipc
        0x2000_0000: 0xEFFF_FFFC, // pid
        0x0200_0000: 0xEFFF_FFFB, // cgroup
        0x0000_0080: 0xEFFF_FFFA, // time
    ]

    /// The agent's own mount and network namespace inodes (0 when unreadable).
    static let own: (mnt: UInt64, net: UInt64) = (inode("/proc/self/ns/mnt"), inode("/proc/self/ns/net"))

    static func isInitial(inode: UInt64, kind: UInt32) -> Bool {
        if let initial = fixed[kind] { return inode == initial }
        switch kind {
        case 0x0002_0000: return own.mnt != 0 && inode == own.mnt
        case 0x4000_0000: return own.net != 0 && inode == own.net
        default: return false
        }
    }

    private static func inode(_ path: String) -> UInt64 {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_ino) : 0
    }
}
