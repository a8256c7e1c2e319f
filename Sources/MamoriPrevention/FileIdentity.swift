#if canImport(Glibc)
import Glibc
#endif
import MamoriSensor

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
        return KernelPolicy.Inode(dev: kernelDev(st.st_dev), ino: UInt64(st.st_ino))
    }

    /// Userspace dev_t (glibc encoding) to the kernel's internal one (major << 20 | minor),
    /// the same conversion `SensorMaps` uses.
    static func kernelDev(_ dev: UInt) -> UInt32 {
        let d = UInt64(dev)
        let major = ((d >> 8) & 0xfff) | ((d >> 32) & ~UInt64(0xfff))
        let minor = (d & 0xff) | ((d >> 12) & ~UInt64(0xff))
        return UInt32(truncatingIfNeeded: (major << 20) | minor)
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
