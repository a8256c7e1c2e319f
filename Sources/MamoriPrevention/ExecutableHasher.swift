#if canImport(Glibc)
import MamoriSystem
import Glibc
#endif
import MamoriPolicy

/// Hashes executables (SHA-256) and remembers the result per file version, so a hash denylist
/// can be turned into inodes for the kernel's exec map.
///
/// Why: the kernel matches inodes, the operator writes hashes. When an executable is first
/// exec'd the agent hashes it here; a hit on the denylist adds its inode to the next
/// `KernelPolicy` (the first run is caught by the rule path, later ones at exec). The cache is
/// keyed by (dev, ino, mtime, size) so a rewritten file is hashed again, and bounded
/// (first-in-first-out). Not thread-safe: owned by one thread (the agent's prevention worker).
public final class ExecutableHasher {
    /// A file version: same key, same content (short of tampering with mtime *and* size).
    public struct FileVersion: Hashable, Sendable {
        public var inode: KernelPolicy.Inode
        public var mtimeNs: Int64
        public var size: Int64
    }

    public let capacity: Int
    /// Files larger than this are not hashed (nil result).
    public let maxBytes: Int64
    private var cache: [FileVersion: String] = [:]
    private var order: [FileVersion] = []
    private var head = 0
    public private(set) var hashed = 0
    public private(set) var hits = 0

    public init(capacity: Int = 8192, maxBytes: Int64 = 512 << 20) {
        self.capacity = max(1, capacity)
        self.maxBytes = maxBytes
    }

    /// The file version at `path` (following symlinks), or nil.
    public static func version(of path: String) -> FileVersion? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileVersion(inode: .init(dev: KernelDevice.encode(st.st_dev), ino: UInt64(st.st_ino)),
                           mtimeNs: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
                           size: Int64(st.st_size))
    }

    /// SHA-256 of the executable at `path`, from the cache when its version was seen before.
    public func hash(path: String) -> (version: FileVersion, sha256: String)? {
        guard let before = ExecutableHasher.version(of: path) else { return nil }
        if let known = cache[before] {
            hits += 1
            return (before, known)
        }
        guard before.size <= maxBytes, let digest = ExecutableHasher.sha256(path: path) else { return nil }
        // Re-check: a file rewritten while we read it is not cached under the old version.
        guard let after = ExecutableHasher.version(of: path), after == before else { return nil }
        hashed += 1
        insert(before, digest)
        return (before, digest)
    }

    /// Streams a file through SHA-256; nil when it cannot be read.
    public static func sha256(path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var sha = FileDigest()
        do { try FileDescriptor(rawValue: fd).readChunks { sha.update($0); return true } } catch { return nil }
        return sha.finalizeHex()
    }

    private func insert(_ key: FileVersion, _ digest: String) {
        if cache.updateValue(digest, forKey: key) != nil { return }
        if order.count < capacity {
            order.append(key)
            return
        }
        cache.removeValue(forKey: order[head])
        order[head] = key
        head = (head + 1) % capacity
    }
}
