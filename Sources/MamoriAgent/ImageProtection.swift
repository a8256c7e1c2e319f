import Glibc
import MamoriEvents
import MamoriPolicy

/// Judges whether only root could have put a process's executable where it is: the file is a
/// regular file owned by root and writable by nobody else, and every directory on its path is
/// owned by root and writable by nobody else (group write only for group root). That holds for
/// package-installed programs (/usr/bin, /usr/sbin, /opt/<vendor> installed by root) and fails
/// for anything a user or a service account could have written or renamed: /tmp, /var/tmp,
/// /dev/shm, home directories, a web root, a copy named `telegraf` in a scratch directory.
///
/// Why: rule exclusions ("known periodic agents", "known scanners") were written as name
/// lists, and an attacker chooses the name (issue 13). An exclusion that also requires
/// `ImageProtected: 'true'` trusts the name only where an unprivileged user could not have put
/// a file of that name. The file is the one the kernel ran (`/proc/<pid>/exe`, or the reported
/// path, checked against the exec's dev/inode); the answer is cached per file version
/// (dev, inode, size, mtime, owner, mode), so a program costs one stat per exec after its first.
/// Unknown (the process is gone and the path no longer holds that inode) is nil, which no
/// exclusion treats as protected. Owned by the pipeline worker.
final class ImageProtection {
    private struct Version: Hashable {
        var dev: UInt32; var ino: UInt64; var size: Int64; var mtimeNs: Int64; var uid: UInt32; var mode: UInt32
    }
    private var cache: [Version: Bool] = [:]
    private let cacheCapacity: Int

    init(cacheCapacity: Int = 8192) { self.cacheCapacity = cacheCapacity }

    /// Whether `e`'s executable is protected (see the type); nil when it cannot be judged.
    func isProtected(_ e: ExecEvent) -> Bool? {
        var st = stat()
        let matches = { (st: stat) in KernelDevice.encode(st.st_dev) == e.exeDevice && UInt64(st.st_ino) == e.exeInode }
        guard (stat("/proc/\(e.header.tgid)/exe", &st) == 0 && matches(st))
                || (stat(e.executable, &st) == 0 && matches(st)) else { return nil }
        let version = Version(dev: e.exeDevice, ino: e.exeInode, size: Int64(st.st_size),
                              mtimeNs: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
                              uid: st.st_uid, mode: st.st_mode)
        if let known = cache[version] { return known }
        let verdict = (st.st_mode & S_IFMT) == S_IFREG && Self.onlyRootWrites(st) && Self.directoriesProtected(e.executable)
        if cache.count >= cacheCapacity { cache.removeAll(keepingCapacity: true) }
        cache[version] = verdict
        return verdict
    }

    /// Owned by root; no write bit for others, and group write only for group root.
    static func onlyRootWrites(_ st: stat) -> Bool {
        st.st_uid == 0 && (st.st_mode & S_IWOTH) == 0 && ((st.st_mode & S_IWGRP) == 0 || st.st_gid == 0)
    }

    /// Every directory from the file's parent up to / is a directory only root can write.
    /// The path is the one the kernel resolved at exec (absolute, no symlinks, no `..`).
    static func directoriesProtected(_ path: String) -> Bool {
        guard path.hasPrefix("/"), !path.hasSuffix(" (deleted)") else { return false }
        var dir = Substring(path)
        while let slash = dir.lastIndex(of: "/") {
            dir = dir[..<slash]
            var st = stat()
            let current = dir.isEmpty ? "/" : String(dir)
            guard lstat(current, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR, onlyRootWrites(st) else { return false }
            if dir.isEmpty { break }
        }
        return true
    }
}
