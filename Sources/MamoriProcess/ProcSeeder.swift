import MamoriEvents

/// Reads the processes that already run when the agent starts from /proc, so that processes
/// older than the agent (sshd, the login shell, cron, ...) have identity and ancestry.
///
/// For each /proc/<pid>: `stat` (comm, ppid, session, tty, start time), `exe` (" (deleted)"
/// stripped), `cmdline`, `cwd`, `status` (real and effective uid/gid), `loginuid` and `cgroup`
/// (the v2 "0::" path, giving the cgroup id through the resolver and the systemd unit; the v1
/// "name=systemd" path when the v2 path has no unit). Every file may vanish or be refused
/// mid-read: a process that disappears is skipped, and a file we may not read (another
/// user's `exe`/`cwd` when unprivileged, or /proc hardened with hidepid) just leaves that
/// field empty. Kernel threads (pid 2 and children of kthreadd) have no executable; they are
/// kept with `comm` as their name.
///
/// Start times: /proc gives clock ticks (USER_HZ, from `sysconf(_SC_CLK_TCK)`); keys use
/// 1/100 s ticks of CLOCK_BOOTTIME, and `startBoottimeNs` is exact only to one tick.
///
/// Threading: it shares the worker's `CgroupResolver`, so use it on the pipeline worker thread
/// (to seed before the first event, and as the table's fallback reader).
public struct ProcSeeder {
    /// Root of procfs (tests may point it elsewhere).
    public var procRoot: String
    public var entityIds: EntityIdGenerator
    /// Maps cgroup paths to ids; `nil` leaves `cgroupId` 0 (units still come from the path).
    public var cgroups: CgroupResolver?
    /// USER_HZ.
    public var clockTicksPerSecond: UInt64
    /// Bytes of /proc/<pid>/cmdline read, as MAMORI_ARGS_MAX bounds the kernel's argv copy.
    static let argsLimit = 4096

    public init(procRoot: String = "/proc", entityIds: EntityIdGenerator, cgroups: CgroupResolver? = nil,
                clockTicksPerSecond: UInt64? = nil) {
        self.procRoot = procRoot
        self.entityIds = entityIds
        self.cgroups = cgroups
        self.clockTicksPerSecond = clockTicksPerSecond ?? ProcFS.clockTicksPerSecond
    }

    /// What a scan saw.
    public struct Result {
        public var records: [ProcessRecord]
        /// Pids listed but gone (or unreadable) by the time their stat was read.
        public var vanished: Int
    }

    /// Reads every process in /proc. Throws only when /proc itself cannot be listed.
    public func scan() throws(ProcessTableError) -> Result {
        guard let pids = ProcFS.listPids(procRoot: procRoot) else {
            throw .procfsUnreadable(path: procRoot)
        }
        var records: [ProcessRecord] = []
        records.reserveCapacity(pids.count)
        var starts: [UInt32: UInt64] = [:]
        starts.reserveCapacity(pids.count)
        var parents: [UInt32] = []
        var vanished = 0
        for pid in pids {
            guard let (record, ppid) = read(pid: pid) else { vanished += 1; continue }
            starts[pid] = record.key.startTicks
            records.append(record)
            parents.append(ppid)
        }
        // Parent keys come from the parent's own stat; a parent that vanished meanwhile is
        // read once more (it may be a process we listed before it forked the child).
        for i in records.indices where parents[i] != 0 {
            let ppid = parents[i]
            if let ticks = starts[ppid] ?? readStat(pid: ppid).map({ keyTicks($0.startTime) }) {
                records[i].parentKey = ProcessKey(pid: ppid, startTicks: ticks)
            }
        }
        return Result(records: records, vanished: vanished)
    }

    /// Scans /proc and inserts the result into `table`. Returns the number inserted.
    @discardableResult
    public func seed(into table: ProcessTable) throws(ProcessTableError) -> Int {
        table.seed(try scan().records)
    }

    /// One process, with its parent key resolved; `nil` when it does not exist (any more).
    /// Suitable as the `ProcessTable` fallback: `ProcessTable(..., fallback: seeder.readProcess)`.
    public func readProcess(_ key: ProcessKey) -> ProcessRecord? {
        guard let (record, ppid) = read(pid: key.pid) else { return nil }
        var r = record
        if ppid != 0, let parent = readStat(pid: ppid) {
            r.parentKey = ProcessKey(pid: ppid, startTicks: keyTicks(parent.startTime))
        }
        return r
    }

    /// Reads one /proc/<pid>; the parent key is left `nil` (callers resolve it).
    func read(pid: UInt32) -> (ProcessRecord, ppid: UInt32)? {
        let base = "\(procRoot)/\(pid)"
        guard let stat = readStat(pid: pid) else { return nil }
        let key = ProcessKey(pid: pid, startTicks: keyTicks(stat.startTime))
        let isKernelThread = pid == 2 || stat.ppid == 2
        var executable = "", cwd = "", args: [String] = []
        if !isKernelThread {
            executable = ProcFS.readLink(base + "/exe").map(ProcParsers.executablePath(fromLink:)) ?? ""
            cwd = ProcFS.readLink(base + "/cwd") ?? ""
            // Same bound as the kernel's argv copy (MAMORI_ARGS_MAX), so seeded entries cost no more.
            args = ProcFS.readBytes(base + "/cmdline", limit: Self.argsLimit).map(ProcParsers.arguments(fromCmdline:)) ?? []
        }
        let creds = ProcFS.readText(base + "/status").flatMap(ProcParsers.credentials(fromStatus:))
        let loginUid = ProcFS.readText(base + "/loginuid").flatMap(ProcParsers.loginUid(fromText:))
        var cgroupId: UInt64 = 0
        var unit: String?
        if let text = ProcFS.readText(base + "/cgroup") {
            let paths = ProcParsers.cgroupPaths(fromCgroupFile: text)
            if let unified = paths.unified {
                cgroupId = cgroups?.cgroupId(forPath: unified) ?? 0
                unit = CgroupPaths.systemdUnit(fromCgroupPath: unified)
            }
            if unit == nil, let systemd = paths.systemd {
                unit = CgroupPaths.systemdUnit(fromCgroupPath: systemd)
            }
        }
        let record = ProcessRecord(
            key: key, entityId: entityIds.entityId(for: key), parentKey: nil,
            executable: executable, args: args, cwd: cwd,
            uid: creds?.uid ?? 0, euid: creds?.euid ?? 0, gid: creds?.gid ?? 0,
            loginUid: loginUid, sessionId: stat.sessionId, tty: ProcParsers.ttyName(ttyNr: stat.ttyNr),
            cgroupId: cgroupId, unit: unit,
            startBoottimeNs: ProcFS.boottimeNs(fromClockTicks: stat.startTime, ticksPerSecond: clockTicksPerSecond),
            comm: stat.comm, exitStatus: nil, origin: .procfs)
        return (record, stat.ppid)
    }

    func readStat(pid: UInt32) -> ProcStat? {
        ProcFS.readBytes("\(procRoot)/\(pid)/stat", limit: 4096).flatMap(ProcStat.init(parsing:))
    }

    func keyTicks(_ clockTicks: UInt64) -> UInt64 {
        ProcFS.keyTicks(fromClockTicks: clockTicks, ticksPerSecond: clockTicksPerSecond)
    }
}
