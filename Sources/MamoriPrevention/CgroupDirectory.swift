#if canImport(Glibc)
import MamoriSystem
import Glibc
#endif
import MamoriProcess

/// Finds cgroup v2 ids (the inode number of a cgroup directory) for systemd units and cgroup
/// paths, as the kernel's `mamori_scope` map is keyed by them.
///
/// A protocol so the compiler and simulator can be tested with a synthetic hierarchy.
/// Implementations are used from one thread at a time.
public protocol CgroupLocating {
    /// Id of the cgroup at `path` relative to the mount ("/system.slice/nginx.service"; "/" is the root).
    func cgroupId(path: String) -> UInt64?
    /// Every cgroup path whose last component is a systemd unit, by unit name.
    func unitPaths() -> [String: [String]]
}

extension CgroupLocating {
    /// Ids of the cgroup at `path` and its ancestors, deepest first, as the kernel walks them.
    public func chain(path: String) -> [UInt64] {
        var ids: [UInt64] = []
        var current = path.isEmpty ? "/" : path
        while true {
            if let id = cgroupId(path: current) { ids.append(id) }
            if current == "/" { break }
            guard let slash = current.lastIndex(of: "/") else { break }
            current = slash == current.startIndex ? "/" : String(current[..<slash])
        }
        return ids
    }
}

/// The live cgroup v2 hierarchy, found from /proc/mounts (never a hard-coded path).
///
/// Walks the tree once at init (bounded by `maxDirectories`, `maxDepth`); build a new one per
/// policy compile so new units are seen. Immutable after init; any thread.
public struct CgroupDirectory: CgroupLocating, Sendable {
    public let mountPoint: String?
    private let ids: [String: UInt64]
    private let units: [String: [String]]

    public init(mountPoint: String? = CgroupDirectory.discoverMount(), maxDirectories: Int = 20_000, maxDepth: Int = 12) {
        self.mountPoint = mountPoint
        var ids: [String: UInt64] = [:]
        var units: [String: [String]] = [:]
        if let mountPoint, let rootIno = FileIdentity.inode(of: mountPoint)?.ino {
            ids["/"] = rootIno
            var budget = maxDirectories
            var queue: [(String, String, Int)] = [(mountPoint, "", 0)]
            while let (absolute, relative, depth) = queue.popLast(), budget > 0 {
                guard depth < maxDepth, let names = try? DirectoryListing.names(at: absolute) else { continue }
                for name in names where budget > 0 {
                    var st = stat()
                    let child = absolute + "/" + name
                    guard lstat(child, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { continue }
                    budget -= 1
                    let rel = relative + "/" + name
                    ids[rel] = UInt64(st.st_ino)
                    if CgroupPaths.systemdUnit(fromCgroupPath: rel) == name { units[name, default: []].append(rel) }
                    queue.append((child, rel, depth + 1))
                }
            }
        }
        self.ids = ids
        self.units = units
    }

    public static func discoverMount() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return nil }
        return CgroupPaths.cgroup2MountPoint(fromMounts: text)
    }

    public func cgroupId(path: String) -> UInt64? {
        if let known = ids[path] { return known }
        guard let mountPoint else { return nil }
        return FileIdentity.inode(of: path == "/" ? mountPoint : mountPoint + path)?.ino
    }

    public func unitPaths() -> [String: [String]] { units }
}

import Foundation
