import MamoriEvents

/// The agent's view of every process on the host, maintained from fork/exec/exit records and
/// seeded from /proc, so that every event can be enriched with its process, parent, ancestry
/// and session without asking the kernel again.
///
/// **Keys.** Entries are keyed by `ProcessKey` (pid + start time), never by bare pid: a pid
/// seen with a new start time is a new process, and the old entry is kept (as exited) rather
/// than overwritten.
///
/// **Threading.** Single writer, no locks: the table is owned by the pipeline worker thread,
/// which calls `apply(_:)` for every event and then the lookups. It is deliberately not
/// `Sendable`; build it on the worker (or hand it over once before the worker starts). Other
/// threads receive `ProcessRecord` values, never the table.
///
/// **Lifecycle.** fork: a child entry inheriting the parent's executable, args, cwd and unit
/// (origin `.fork`). exec: replaces executable, args, cwd, ids, tty and session of the entry
/// (creating it if unknown; origin `.exec`). exit: stores the wait status and moves the entry
/// to the exited list, where it stays for `exitedGraceNs` (measured on event timestamps) or
/// until `exitedCapacity` newer exits push it out, so late network/file records of a process
/// that just exited are still enriched. Network and file records refresh an entry's LRU
/// position (and create a minimal `.unknown` entry for a process never seen).
///
/// **Bounded memory.** At most `liveCapacity + exitedCapacity` entries. Eviction order:
/// 1. exited entries, oldest exit first (on grace expiry or when the exited list is full);
/// 2. when the live list is full: up to `evictionProbeLimit` least recently seen live entries
///    are checked against /proc; the dead ones (their exit record was lost) are evicted and
///    the ones still running get a second chance at the recent end;
/// 3. only if all probed entries are alive, the least recently seen live entry is evicted
///    anyway (`forcedLiveEvictions`): the bound wins over completeness.
///
/// **Memory budget.** `MemoryLayout<ProcessRecord>.size` is 202 bytes (224 per slab slot with
/// the list links); the two hash indexes add ~40 bytes per entry at their load factor; the
/// heap strings of a typical exec'd process (entity id 22 B, executable, cwd, 3-4 arguments,
/// each heap string with a 32 B header) add ~450 B. Measured: ~730 B per exec'd entry and
/// ~440 B per forked entry (a fork shares its parent's strings, copy on write). The default
/// 32,768 + 4,096 entries therefore take ~25 MiB. The ceiling per entry follows from the
/// kernel bounds (4 KiB executable, 4 KiB cwd, 4 KiB argv; the /proc seeder applies the same
/// argv bound): ~13 KiB, or ~41 KiB for an argv of 2,048 one-byte arguments (16 B per array
/// element). See docs/process-table.md.
public final class ProcessTable {
    /// Capacities and timings of the table.
    public struct Configuration: Sendable, Equatable {
        /// Maximum number of running processes tracked.
        public var liveCapacity: Int
        /// Maximum number of exited processes kept for late events.
        public var exitedCapacity: Int
        /// How long an exited process stays, in event time (CLOCK_BOOTTIME ns).
        public var exitedGraceNs: UInt64
        /// How many least recently seen live entries are checked in /proc when the live list is full.
        public var evictionProbeLimit: Int

        public init(liveCapacity: Int = 32_768, exitedCapacity: Int = 4_096,
                    exitedGraceNs: UInt64 = 30_000_000_000, evictionProbeLimit: Int = 16) {
            self.liveCapacity = max(1, liveCapacity)
            self.exitedCapacity = max(0, exitedCapacity)
            self.exitedGraceNs = exitedGraceNs
            self.evictionProbeLimit = max(0, evictionProbeLimit)
        }
    }

    /// What the table holds and did (exported as metrics).
    public struct Counters: Sendable, Equatable {
        public var live = 0
        public var exited = 0
        /// Entries created (any origin).
        public var inserted: UInt64 = 0
        /// Exited entries dropped on grace expiry or exited-capacity overflow.
        public var exitedEvictions: UInt64 = 0
        /// Live entries dropped because /proc showed them gone (their exit record was lost).
        public var deadLiveEvictions: UInt64 = 0
        /// Live entries dropped although still running, because the live list was full.
        public var forcedLiveEvictions: UInt64 = 0
        /// A pid reappeared with a new start time while the old one was still live.
        public var pidReuses: UInt64 = 0
        /// Lookups that found nothing.
        public var misses: UInt64 = 0
        /// Entries created from a network/file/exit record of a never-seen process.
        public var unknownProcesses: UInt64 = 0
        /// Never-seen processes filled in from /proc through the fallback reader.
        public var procfsFallbacks: UInt64 = 0
    }

    public let configuration: Configuration
    /// The generator of `ProcessRecord.entityId`; also gives ids of keys not in the table.
    public let entityIds: EntityIdGenerator

    var slab: ProcessSlab
    var stats = Counters()
    /// Changes whenever a record or the set of records changes (not when a record is merely
    /// seen again): a caller may reuse what it derived from the table (e.g. an ancestry) while
    /// the generation stays the same.
    public var generation: UInt64 { slab.generation }
    /// Latest event time seen (CLOCK_BOOTTIME ns): the clock of the exited grace period.
    public private(set) var nowNs: UInt64 = 0
    let cgroups: CgroupResolver?
    let isAlive: (ProcessKey) -> Bool
    let fallback: ((ProcessKey) -> ProcessRecord?)?

    /// - Parameters:
    ///   - cgroups: resolves cgroup ids of kernel records to systemd units (nil: no units).
    ///   - isAlive: whether a process still runs; default checks /proc/<pid>/stat start time.
    ///   - fallback: reads a never-seen process from /proc (e.g. `ProcSeeder.readProcess`);
    ///     called at most once per unknown key, only for records of running processes.
    public init(configuration: Configuration = Configuration(), entityIds: EntityIdGenerator,
                cgroups: CgroupResolver? = nil, isAlive: ((ProcessKey) -> Bool)? = nil,
                fallback: ((ProcessKey) -> ProcessRecord?)? = nil) {
        self.configuration = configuration
        self.entityIds = entityIds
        self.cgroups = cgroups
        self.isAlive = isAlive ?? { ProcFS.isAlive($0) }
        self.fallback = fallback
        self.slab = ProcessSlab(expectedCount: configuration.liveCapacity + configuration.exitedCapacity)
    }

    /// Counters, with the current live and exited counts.
    public var counters: Counters {
        var c = stats
        c.live = slab.live.count
        c.exited = slab.exited.count
        return c
    }

    /// Number of stored entries (live + exited).
    public var count: Int { slab.count }

    // MARK: - Maintenance

    /// Updates the table from one event. Call for every event, in ring order, on the worker.
    public func apply(_ event: SensorEvent) {
        switch event {
        case .fork(let e): applyFork(e)
        case .exec(let e): applyExec(e)
        case .exit(let e): applyExit(e)
        case .network(let e): observe(e.header, e.subject)
        case .file(let e): observe(e.header, e.subject)
        case .action(let e): observe(e.header, e.subject)
        case .tamper(let e): observe(e.header, e.subject)
        case .activity(let e): observe(e.header, e.subject)
        case .dns(let e):
            // tgid 0: an answer whose owner is unknown (no process to observe).
            if e.header.tgid != 0 { observe(e.header, e.subject) } else { advanceClock(e.header.ktimeNs) }
        case .gap(let e): advanceClock(e.header.ktimeNs)
        }
    }

    /// Drops exited entries whose grace period ended by `nowBoottimeNs` (the worker may call it
    /// when idle; `apply` does it on every event).
    public func expire(nowBoottimeNs: UInt64) {
        advanceClock(nowBoottimeNs)
    }

    /// Adds processes found in /proc at start. Keys already present (an event won the race)
    /// are left alone. Records are inserted oldest start first, so the oldest are evicted first.
    /// - Returns: how many were inserted.
    @discardableResult
    public func seed(_ records: [ProcessRecord]) -> Int {
        var inserted = 0
        for record in records.sorted(by: { $0.key.startTicks < $1.key.startTicks }) {
            guard slab.slot(of: record.key) == nil else { continue }
            var r = record
            if r.entityId.isEmpty { r.entityId = entityIds.entityId(for: r.key) }
            if r.unit == nil, r.cgroupId != 0 { r.unit = cgroups?.unit(forCgroupId: r.cgroupId) }
            insertNew(r, stamp: nowNs)
            inserted += 1
        }
        return inserted
    }

    private func applyFork(_ e: ForkEvent) {
        let stamp = e.header.ktimeNs
        let key = e.header.processKey
        if let slot = slab.slot(of: key) {
            // Already known (seeded in the start-up race, or a duplicate): refresh only.
            slab.withRecord(slot) { if $0.parentKey == nil { $0.parentKey = e.parentKey } }
            slab.touch(slot, stamp: stamp)
            advanceClock(stamp)
            return
        }
        var record: ProcessRecord
        if let parentSlot = findOrFetch(e.parentKey) {
            record = slab[parentSlot].record!
            slab.touch(parentSlot, stamp: stamp)
            record.key = key
            record.parentKey = e.parentKey
            record.startBoottimeNs = e.header.startBoottimeNs
            record.exitStatus = nil
            record.endBoottimeNs = nil
            record.uid = e.subject.uid
            record.euid = e.subject.euid
            record.gid = e.subject.gid
            record.comm = e.subject.comm
            if record.cgroupId != e.subject.cgroupId {
                record.cgroupId = e.subject.cgroupId
                record.unit = unit(ofCgroup: e.subject.cgroupId)
            }
        } else {
            record = minimalRecord(key: key, startNs: e.header.startBoottimeNs, subject: e.subject,
                                   parentKey: e.parentKey)
        }
        record.origin = .fork
        record.entityId = entityIds.entityId(for: key)
        insertNew(record, stamp: stamp)
        advanceClock(stamp)
    }

    /// Records which well-known tool the process's executable is a copy of (see
    /// `ProcessRecord.toolIdentity`); no-op for an unknown key.
    public func setToolIdentity(_ name: String?, for key: ProcessKey) {
        guard let slot = slab.slot(of: key) else { return }
        slab.withRecord(slot) { $0.toolIdentity = name }
    }

    /// Records whether only root could have placed the process's executable (see
    /// `ProcessRecord.imageProtected`); no-op for an unknown key.
    public func setImageProtected(_ verdict: Bool?, for key: ProcessKey) {
        guard let slot = slab.slot(of: key) else { return }
        slab.withRecord(slot) { $0.imageProtected = verdict }
    }

    private func applyExec(_ e: ExecEvent) {
        let stamp = e.header.ktimeNs
        let key = e.header.processKey
        if let slot = slab.slot(of: key) {
            let oldCgroup = slab.withRecord(slot) { $0.cgroupId }
            let newUnit = oldCgroup == e.subject.cgroupId ? nil : unit(ofCgroup: e.subject.cgroupId)
            slab.withRecord(slot) { r in
                r.executable = e.executable
                r.args = e.args
                r.cwd = e.cwd
                r.uid = e.subject.uid
                r.euid = e.subject.euid
                r.gid = e.subject.gid
                r.loginUid = e.loginUid
                r.sessionId = e.sessionId
                r.tty = e.tty
                r.comm = e.subject.comm
                if r.cgroupId != e.subject.cgroupId {
                    r.cgroupId = e.subject.cgroupId
                    r.unit = newUnit
                }
                // Keep the original parent: after a reparent the kernel reports init/subreaper.
                if r.parentKey == nil, e.subject.ppid != 0 { r.parentKey = e.parentKey }
                r.origin = .exec
                r.toolIdentity = nil  // a new image
                r.imageProtected = nil
            }
            slab.noteExecutable(e.executable)
            slab.touch(slot, stamp: stamp)
        } else {
            var r = minimalRecord(key: key, startNs: e.header.startBoottimeNs, subject: e.subject,
                                  parentKey: e.subject.ppid == 0 ? nil : e.parentKey)
            r.executable = e.executable
            r.args = e.args
            r.cwd = e.cwd
            r.loginUid = e.loginUid
            r.sessionId = e.sessionId
            r.tty = e.tty
            r.origin = .exec
            insertNew(r, stamp: stamp)
        }
        advanceClock(stamp)
    }

    private func applyExit(_ e: ExitEvent) {
        let stamp = e.header.ktimeNs
        let key = e.header.processKey
        let slot: Int32
        if let known = slab.slot(of: key) {
            slot = known
        } else {
            stats.unknownProcesses &+= 1
            let parent = slab.liveSlot(pid: e.subject.ppid).flatMap { slab[$0].record?.key }
            slot = insertNew(minimalRecord(key: key, startNs: e.header.startBoottimeNs,
                                           subject: e.subject, parentKey: parent), stamp: stamp)
        }
        if !slab[slot].exited {
            slab.withRecord(slot) { r in
                r.exitStatus = e.exitStatus
                r.endBoottimeNs = stamp
            }
            slab.markExited(slot, stamp: stamp)
            trimExited()
        }
        advanceClock(stamp)
    }

    /// Network and file records: refresh the entry, follow uid and cgroup changes.
    private func observe(_ header: EventHeader, _ subject: Subject) {
        let stamp = header.ktimeNs
        let key = header.processKey
        if let slot = slab.slot(of: key) {
            // In place (no record copy): this runs for every network and file event.
            let (changed, movedCgroup) = slab.withRecordUntracked(slot) { r -> (Bool, Bool) in
                var changed = false
                if r.uid != subject.uid { r.uid = subject.uid; changed = true }
                if r.euid != subject.euid { r.euid = subject.euid; changed = true }
                if r.gid != subject.gid { r.gid = subject.gid; changed = true }
                return (changed, r.cgroupId != subject.cgroupId)
            }
            if changed { slab.noteChange() }
            if movedCgroup {
                let newUnit = unit(ofCgroup: subject.cgroupId)
                slab.withRecord(slot) { $0.cgroupId = subject.cgroupId; $0.unit = newUnit }
            }
            slab.touch(slot, stamp: stamp)
        } else if findOrFetch(key) == nil {
            stats.unknownProcesses &+= 1
            let parent = slab.liveSlot(pid: subject.ppid).flatMap { slab[$0].record?.key }
            insertNew(minimalRecord(key: key, startNs: header.startBoottimeNs, subject: subject,
                                    parentKey: parent), stamp: stamp)
        }
        advanceClock(stamp)
    }

    // MARK: - Insertion and eviction

    /// Inserts a record whose key is not stored. A live entry holding the same pid with an
    /// older start time is retired to the exited list (pid reuse: it must have exited); if the
    /// live entry is newer, the incoming record is the stale one and is stored as exited.
    @discardableResult
    func insertNew(_ record: ProcessRecord, stamp: UInt64) -> Int32 {
        stats.inserted &+= 1
        if let other = slab.liveSlot(pid: record.key.pid) {
            let otherKey = slab[other].record!.key
            if otherKey.startTicks <= record.key.startTicks {
                stats.pidReuses &+= 1
                slab.markExited(other, stamp: max(stamp, slab[other].stamp))
            } else {
                let slot = slab.insert(record, exited: true, stamp: stamp)
                trimExited()
                return slot
            }
        }
        if slab.live.count >= configuration.liveCapacity { makeRoomForLive(stamp: stamp) }
        let slot = slab.insert(record, exited: false, stamp: stamp)
        trimExited()
        return slot
    }

    private func makeRoomForLive(stamp: UInt64) {
        var probes = min(configuration.evictionProbeLimit, slab.live.count)
        var freed = false
        while probes > 0, slab.live.head >= 0 {
            probes -= 1
            let slot = slab.live.head
            if isAlive(slab[slot].record!.key) {
                slab.touch(slot, stamp: slab[slot].stamp)  // second chance: to the recent end
            } else {
                slab.remove(slot)
                stats.deadLiveEvictions &+= 1
                freed = true
            }
        }
        if !freed, slab.live.head >= 0 {
            slab.remove(slab.live.head)
            stats.forcedLiveEvictions &+= 1
        }
    }

    private func trimExited() {
        while slab.exited.count > configuration.exitedCapacity, slab.exited.head >= 0 {
            slab.remove(slab.exited.head)
            stats.exitedEvictions &+= 1
        }
    }

    private func advanceClock(_ ns: UInt64) {
        if ns > nowNs { nowNs = ns }
        guard nowNs > configuration.exitedGraceNs else { return }
        let cutoff = nowNs - configuration.exitedGraceNs
        while slab.exited.head >= 0, slab[slab.exited.head].stamp < cutoff {
            slab.remove(slab.exited.head)
            stats.exitedEvictions &+= 1
        }
    }

    /// The slot of `key`, reading it from /proc through the fallback when unknown.
    private func findOrFetch(_ key: ProcessKey) -> Int32? {
        if let slot = slab.slot(of: key) ?? nearSlot(key) { return slot }
        guard key.pid != 0, let fallback, var record = fallback(key), record.key == key else { return nil }
        stats.procfsFallbacks &+= 1
        if record.entityId.isEmpty { record.entityId = entityIds.entityId(for: key) }
        return insertNew(record, stamp: nowNs)
    }

    func unit(ofCgroup id: UInt64) -> String? {
        id == 0 ? nil : cgroups?.unit(forCgroupId: id)
    }

    private func minimalRecord(key: ProcessKey, startNs: UInt64, subject: Subject,
                               parentKey: ProcessKey?) -> ProcessRecord {
        ProcessRecord(key: key, entityId: entityIds.entityId(for: key), parentKey: parentKey,
                      executable: "", args: [], cwd: "", uid: subject.uid, euid: subject.euid,
                      gid: subject.gid, loginUid: nil, sessionId: 0, tty: nil,
                      cgroupId: subject.cgroupId, unit: unit(ofCgroup: subject.cgroupId),
                      startBoottimeNs: startNs, comm: subject.comm, exitStatus: nil, origin: .unknown)
    }
}
