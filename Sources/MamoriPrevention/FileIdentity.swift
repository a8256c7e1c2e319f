#if canImport(Glibc)
import Glibc
#endif
import MamoriPolicy

/// Turns paths into the (kernel dev, inode) identities the prevention maps are keyed by.
///
/// Exists as a protocol so `PolicyCompiler` and `Simulator` can be tested with a fixed table
/// instead of the live filesystem. Implementations are used from one thread at a time.
public protocol InodeResolving {
    /// The inode behind `path` (following symlinks), or nil when it does not exist.
    func inode(of path: String) -> KernelPolicy.Inode?
}

/// The live filesystem (`stat`). Stateless; any thread.
public struct FilesystemInodes: InodeResolving, Sendable {
    public init() {}
    public func inode(of path: String) -> KernelPolicy.Inode? { FileIdentity.inode(of: path) }
}

/// `stat` helpers in the kernel's dev_t encoding. Stateless; any thread.
enum FileIdentity {
    static func inode(of path: String) -> KernelPolicy.Inode? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return KernelPolicy.Inode(dev: KernelDevice.encode(st.st_dev), ino: UInt64(st.st_ino))
    }

    /// Inodes of the directories containing `path`, nearest first, up to and including "/".
    static func directoryInodes(of path: String, using resolver: any InodeResolving, limit: Int = 32) -> [KernelPolicy.Inode] {
        var out: [KernelPolicy.Inode] = []
        var current = path
        while out.count < limit, let slash = current.lastIndex(of: "/") {
            current = slash == current.startIndex ? "/" : String(current[..<slash])
            if let ino = resolver.inode(of: current) { out.append(ino) }
            if current == "/" { break }
        }
        return out
    }
}
