#if canImport(Glibc)
import Glibc
#endif
import MamoriEvents

/// Freezes a process lineage for analysis: moves it into `<cgroup2>/<parent>/<incident-id>`
/// and writes `cgroup.freeze = 1`; later `thaw`, `killFrozen` (via `cgroup.kill`, or SIGKILL
/// to each member where the kernel lacks it) and `remove`.
///
/// Why a cgroup: a frozen cgroup stops every member at once, including children forked during
/// the move (they are born in the parent's new cgroup), and keeps memory and files intact for
/// an analyst. The same identity and protection checks as `Responder` apply to every member.
///
/// Threading: value type; any thread, but calls on one incident must not overlap.
public struct CgroupFreezer: Sendable {
    /// cgroup v2 mount point (discovered, never hard-coded).
    public let mountPoint: String
    /// Directory under the mount holding one cgroup per frozen incident.
    public var parentName = "mamori.quarantine"
    public var responder: Responder

    public init?(responder: Responder, mountPoint: String? = CgroupDirectory.discoverMount()) {
        guard let mountPoint else { return nil }
        self.mountPoint = mountPoint
        self.responder = responder
    }

    /// A frozen lineage: where it is and where each member came from (to move it back).
    public struct FrozenGroup: Sendable, Equatable, Codable {
        public var incidentId: String
        public var cgroupDirectory: String
        /// pid → original cgroup path (relative to the mount).
        public var origins: [UInt32: String]
        public var results: [ActionResult]
    }

    public func directory(for incidentId: String) -> String { "\(mountPoint)/\(parentName)/\(incidentId)" }

    /// A freeze operation that could not be carried out, with the cgroup file and errno.
    public enum FreezeError: Error, Equatable, CustomStringConvertible {
        case badIncidentId(String)
        case cgroup(path: String, errno: Int32)
        public var description: String {
            switch self {
            case .badIncidentId(let id): return "incident id '\(id)' must be letters, digits, '-' or '_'"
            case .cgroup(let path, let e): return "\(path): \(String(cString: strerror(e)))"
            }
        }
    }

    /// Moves `root` and its descendants into the incident's cgroup and freezes it.
    public func freeze(_ root: ProcessKey, incidentId: String) throws(FreezeError) -> FrozenGroup {
        try Self.validate(incidentId)
        let parent = "\(mountPoint)/\(parentName)"
        let dir = directory(for: incidentId)
        for path in [parent, dir] where mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw .cgroup(path: path, errno: errno)
        }
        var group = FrozenGroup(incidentId: incidentId, cgroupDirectory: dir, origins: [:], results: [])
        var seen: Set<UInt32> = []
        var shielded: Set<UInt32> = []
        func move(_ key: ProcessKey) {
            seen.insert(key.pid)
            var h = responder.open(key, action: .freeze)
            defer { h.close() }
            guard case .open = h.state else {
                group.results.append(h.result(nil))
                return
            }
            if responder.dryRun {
                group.results.append(ActionResult(action: .freeze, pid: key.pid, outcome: .simulated))
                return
            }
            let origin = ProcInspector.live(key.pid)?.cgroupPath
            let rc = CgroupFreezer.write("\(key.pid)\n", to: "\(dir)/cgroup.procs")
            if rc == 0, let origin { group.origins[key.pid] = origin }
            group.results.append(ActionResult(action: .freeze, pid: key.pid,
                                              outcome: rc == 0 ? .done : .failed(errno: rc)))
        }
        move(root)
        if group.results.first?.isDone == true || responder.dryRun {
            // Parents before children; repeat until a sweep moves nobody new.
            for _ in 0..<responder.maxSweeps {
                let fresh = ProcInspector.lineage(of: root.pid).filter { !seen.contains($0.pid) }
                if fresh.isEmpty { break }
                for (pid, ppid, _, start) in fresh {
                    // Below a refused (protected) member nothing is moved.
                    if shielded.contains(ppid) { seen.insert(pid); shielded.insert(pid); continue }
                    move(ProcessKey(pid: pid, startTicks: start))
                    if case .refused = group.results.last?.outcome { shielded.insert(pid) }
                }
            }
        }
        if !responder.dryRun && group.origins.isEmpty {
            // Nobody moved (refused or gone): leave no empty cgroup behind.
            _ = rmdir(dir)
            _ = rmdir(parent)
            return group
        }
        if !responder.dryRun {
            let rc = CgroupFreezer.write("1\n", to: "\(dir)/cgroup.freeze")
            if rc != 0 { throw .cgroup(path: "\(dir)/cgroup.freeze", errno: rc) }
            waitFor(frozen: true, in: dir)
        }
        return group
    }

    /// An incident id names one directory under the freezer's parent and nothing else: ASCII
    /// letters, digits, '-' or '_', at most 128 bytes. (`../system.slice` would otherwise freeze
    /// or kill every service.) Every entry point that takes an id checks it.
    public static func validate(_ incidentId: String) throws(FreezeError) {
        guard !incidentId.isEmpty, incidentId.utf8.count <= 128,
              incidentId.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 95 })
        else { throw .badIncidentId(incidentId) }
    }

    /// Lets the frozen lineage run again (it stays in the incident's cgroup until `remove`).
    public func thaw(incidentId: String) throws(FreezeError) {
        try Self.validate(incidentId)
        let dir = directory(for: incidentId)
        let rc = CgroupFreezer.write("0\n", to: "\(dir)/cgroup.freeze")
        if rc != 0 { throw .cgroup(path: "\(dir)/cgroup.freeze", errno: rc) }
        waitFor(frozen: false, in: dir)
    }

    /// Kills every member of the frozen group (`cgroup.kill`, else SIGKILL each pid).
    public func killFrozen(incidentId: String) throws(FreezeError) -> ActionResult {
        try Self.validate(incidentId)
        let dir = directory(for: incidentId)
        var rc = CgroupFreezer.write("1\n", to: "\(dir)/cgroup.kill")
        if rc == ENOENT {
            rc = 0
            for pid in members(dir) where Glibc.kill(pid_t(pid), SIGKILL) != 0 && errno != ESRCH { rc = errno }
        }
        if rc == ENOENT && access(dir, F_OK) != 0 { throw .cgroup(path: dir, errno: ENOENT) }
        return ActionResult(action: .killFrozen, pid: 0, outcome: rc == 0 ? .done : .failed(errno: rc), detail: dir)
    }

    /// Moves surviving members back to their original cgroups (when `group` is given), then
    /// removes the incident's cgroup once empty. Waits up to ~2 s for killed members to go.
    public func remove(incidentId: String, restoring group: FrozenGroup? = nil) throws(FreezeError) {
        try Self.validate(incidentId)
        let dir = directory(for: incidentId)
        if let group {
            _ = CgroupFreezer.write("0\n", to: "\(dir)/cgroup.freeze")
            for pid in members(dir) {
                let origin = group.origins[pid] ?? "/"
                _ = CgroupFreezer.write("\(pid)\n", to: "\(mountPoint)\(origin == "/" ? "" : origin)/cgroup.procs")
            }
        }
        for _ in 0..<200 where !members(dir).isEmpty { usleep(10_000) }
        if rmdir(dir) != 0, errno != ENOENT { throw .cgroup(path: dir, errno: errno) }
        // The parent goes too when no other incident is frozen.
        _ = rmdir("\(mountPoint)/\(parentName)")
    }

    /// Pids in the incident's cgroup.
    public func members(incidentId: String) -> [UInt32] {
        (try? Self.validate(incidentId)) == nil ? [] : members(directory(for: incidentId))
    }

    /// Whether the kernel reports the incident's cgroup as frozen (`cgroup.events`).
    public func isFrozen(incidentId: String) -> Bool {
        ProcInspector.readSmall("\(directory(for: incidentId))/cgroup.events")?.contains("frozen 1") ?? false
    }

    private func members(_ dir: String) -> [UInt32] {
        (ProcInspector.readSmall("\(dir)/cgroup.procs") ?? "").split(separator: "\n").compactMap { UInt32($0) }
    }

    private func waitFor(frozen: Bool, in dir: String) {
        let want = frozen ? "frozen 1" : "frozen 0"
        for _ in 0..<200 {
            if ProcInspector.readSmall("\(dir)/cgroup.events")?.contains(want) ?? true { return }
            usleep(5_000)
        }
    }

    /// Writes `text` to a cgroup control file; 0 or the errno.
    static func write(_ text: String, to path: String) -> Int32 {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        let n = text.withCString { Glibc.write(fd, $0, strlen($0)) }
        return n < 0 ? errno : 0
    }
}
