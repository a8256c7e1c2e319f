#if canImport(Glibc)
import MamoriSystem
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Maps cgroup v2 ids, as kernel records carry them, to cgroup paths and systemd units.
///
/// Exists because the kernel reports only a 64-bit cgroup id (the kernfs inode number of the
/// cgroup directory, which `stat` returns as `st_ino` on cgroup v2), while people and rules
/// want "ssh.service". The mount point is discovered from the mount table, never assumed.
///
/// Cost model: a hit is one dictionary lookup. A miss triggers a walk of the cgroup tree
/// (bounded by `maxScanDirectories` and `maxDepth`), at most once per `minRescanIntervalNs`;
/// misses in between return `nil` at once. Cache size is bounded by `cacheCapacity`
/// (first-in-first-out eviction; cgroup ids are never reused within a boot, so a stale entry
/// is merely wasted space).
///
/// Threading: a non-`Sendable` class with mutable state. Owned by the pipeline worker thread
/// together with the `ProcessTable` (the /proc seeder may use it before the worker starts).
public final class CgroupResolver {
    /// Limits of the resolver.
    public struct Configuration: Sendable, Equatable {
        public var cacheCapacity: Int
        /// Minimum time between two tree walks triggered by misses.
        public var minRescanIntervalNs: UInt64
        public var maxScanDirectories: Int
        public var maxDepth: Int

        public init(cacheCapacity: Int = 4096, minRescanIntervalNs: UInt64 = 2_000_000_000,
                    maxScanDirectories: Int = 65_536, maxDepth: Int = 64) {
            self.cacheCapacity = max(1, cacheCapacity)
            self.minRescanIntervalNs = minRescanIntervalNs
            self.maxScanDirectories = maxScanDirectories
            self.maxDepth = maxDepth
        }
    }

    /// What the resolver did so far (exported as metrics).
    public struct Counters: Sendable, Equatable {
        public var hits: UInt64 = 0
        public var misses: UInt64 = 0
        public var rescans: UInt64 = 0
        /// Misses answered with `nil` without a walk because the last walk was too recent.
        public var rateLimited: UInt64 = 0
        public var evictions: UInt64 = 0
    }

    /// A resolved cgroup.
    public struct Entry: Sendable, Equatable {
        /// Path relative to the cgroup v2 mount, starting with "/" ("/" is the root cgroup).
        public var path: String
        /// systemd unit owning the cgroup, if any.
        public var unit: String?
    }

    /// Absolute cgroup v2 mount point, `nil` when the host has no cgroup v2 hierarchy.
    public let mountPoint: String?
    public let configuration: Configuration
    public private(set) var counters = Counters()

    private var cache: [UInt64: Entry] = [:]
    private var order: [UInt64] = []   // FIFO ring of cached ids
    private var orderHead = 0
    private var lastScanNs: UInt64?
    private let clock: () -> UInt64

    /// - Parameters:
    ///   - mountPoint: the cgroup v2 mount (see `CgroupPaths.cgroup2MountPoint(fromMounts:)`).
    ///   - clock: monotonic nanoseconds, injectable for tests (default CLOCK_MONOTONIC).
    public init(mountPoint: String?, configuration: Configuration = Configuration(),
                clock: (() -> UInt64)? = nil) {
        if let m = mountPoint, m.count > 1, m.hasSuffix("/") {
            self.mountPoint = String(m.dropLast())
        } else {
            self.mountPoint = mountPoint
        }
        self.configuration = configuration
        self.clock = clock ?? { ProcFS.monotonicNs() }
    }

    /// A resolver for the cgroup v2 hierarchy listed in `<procRoot>/self/mounts`.
    public static func discover(procRoot: String = "/proc",
                                configuration: Configuration = Configuration()) -> CgroupResolver {
        let mounts = ProcFS.readText(procRoot + "/self/mounts") ?? ProcFS.readText(procRoot + "/mounts") ?? ""
        return CgroupResolver(mountPoint: CgroupPaths.cgroup2MountPoint(fromMounts: mounts),
                              configuration: configuration)
    }

    /// The systemd unit of a cgroup path; see `CgroupPaths.systemdUnit(fromCgroupPath:)`.
    public static func systemdUnit(fromCgroupPath path: String) -> String? {
        CgroupPaths.systemdUnit(fromCgroupPath: path)
    }

    /// Number of cached ids.
    public var cachedCount: Int { cache.count }

    /// The cgroup with kernel id `cgroupId`, walking the tree on a miss (rate-limited).
    public func resolve(cgroupId: UInt64) -> Entry? {
        if let hit = cache[cgroupId] {
            counters.hits &+= 1
            return hit
        }
        counters.misses &+= 1
        guard mountPoint != nil, cgroupId != 0 else { return nil }
        let now = clock()
        if let last = lastScanNs, now &- last < configuration.minRescanIntervalNs {
            counters.rateLimited &+= 1
            return nil
        }
        lastScanNs = now
        rescan(looking: cgroupId)
        return cache[cgroupId]
    }

    /// Path of `cgroupId` relative to the mount ("/system.slice/ssh.service").
    public func path(forCgroupId cgroupId: UInt64) -> String? { resolve(cgroupId: cgroupId)?.path }

    /// systemd unit of `cgroupId` ("ssh.service").
    public func unit(forCgroupId cgroupId: UInt64) -> String? { resolve(cgroupId: cgroupId)?.unit }

    /// The id of the cgroup at `path` (relative to the mount), remembering the mapping so a
    /// later kernel record with that id is a hit. Used by the /proc seeder.
    @discardableResult
    public func cgroupId(forPath path: String) -> UInt64? {
        guard let mountPoint else { return nil }
        let relative = path.hasPrefix("/") ? path : "/" + path
        let absolute = relative == "/" ? mountPoint : mountPoint + relative
        guard let ino = ProcFS.inode(of: absolute) else { return nil }
        if cache[ino] == nil {
            insert(ino, Entry(path: relative, unit: CgroupPaths.systemdUnit(fromCgroupPath: relative)))
        }
        return ino
    }

    // MARK: - Cache and tree walk

    private func insert(_ id: UInt64, _ entry: Entry) {
        if cache.updateValue(entry, forKey: id) != nil { return }
        if order.count < configuration.cacheCapacity {
            order.append(id)
            return
        }
        // Full: replace the oldest id in the ring.
        let victim = order[orderHead]
        cache.removeValue(forKey: victim)
        counters.evictions &+= 1
        order[orderHead] = id
        orderHead = (orderHead + 1) % order.count
    }

    /// Walks the hierarchy, caching what it meets; the sought id is inserted last so a tree
    /// larger than the cache cannot push it out again.
    private func rescan(looking target: UInt64) {
        guard let mountPoint else { return }
        counters.rescans &+= 1
        var budget = configuration.maxScanDirectories
        var found: Entry?
        if let rootIno = ProcFS.inode(of: mountPoint) {
            let root = Entry(path: "/", unit: nil)
            if rootIno == target { found = root } else { insert(rootIno, root) }
        }
        walk(directory: mountPoint, relative: "", depth: 0, budget: &budget, target: target, found: &found)
        if let found { insert(target, found) }
    }

    private func walk(directory: String, relative: String, depth: Int, budget: inout Int,
                      target: UInt64, found: inout Entry?) {
        guard depth < configuration.maxDepth, budget > 0 else { return }
        // Read this level and close it before descending: at most one directory open at a time.
        let children = subdirectories(of: directory, relative: relative, budget: &budget,
                                      target: target, found: &found)
        for (absolute, rel) in children {
            walk(directory: absolute, relative: rel, depth: depth + 1, budget: &budget, target: target, found: &found)
        }
    }

    private func subdirectories(of directory: String, relative: String, budget: inout Int,
                                target: UInt64, found: inout Entry?) -> [(String, String)] {
        guard let entries = try? DirectoryListing.entries(at: directory) else { return [] }
        var children: [(String, String)] = []
        for dirent in entries where budget > 0 && dirent.mayBeDirectory {
            let name = dirent.name
            var st = stat()
            guard fstatat(AT_FDCWD, directory + "/" + name, &st, AT_SYMLINK_NOFOLLOW) == 0,
                  (st.st_mode & S_IFMT) == S_IFDIR else { continue }
            budget -= 1
            let childRelative = relative + "/" + name
            let entry = Entry(path: childRelative, unit: CgroupPaths.systemdUnit(fromCgroupPath: childRelative))
            let ino = UInt64(st.st_ino)
            if ino == target { found = entry } else { insert(ino, entry) }
            children.append((directory + "/" + name, childRelative))
        }
        return children
    }
}
