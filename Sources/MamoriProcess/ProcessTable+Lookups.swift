import Glibc
import MamoriEvents

/// Read side of `ProcessTable`: the lookups enrichment runs for every event. Same thread rule
/// as the table (the pipeline worker). Lookups return copies (no allocation: the strings are
/// shared) and never change LRU order; only `apply` does.
extension ProcessTable {
    /// The entry of `key`, live or exited. A key whose start time differs by one tick from the
    /// live entry of the same pid also matches (USER_HZ conversion of /proc seeds).
    public func record(for key: ProcessKey) -> ProcessRecord? {
        if let slot = slab.slot(of: key) ?? nearSlot(key) { return slab[slot].record }
        stats.misses &+= 1
        return nil
    }

    /// The entry of the process with thread-group id `pid` started at `startBoottimeNs`
    /// (CLOCK_BOOTTIME ns, as in the record header).
    public func lookup(pid: UInt32, startBoottimeNs: UInt64) -> ProcessRecord? {
        record(for: ProcessKey(pid: pid, startBoottimeNs: startBoottimeNs))
    }

    /// The running process with thread-group id `pid`, for sources that do not know the start
    /// time. Exited entries are not returned: a bare pid names only the current holder.
    public func lookup(pid: UInt32) -> ProcessRecord? {
        if let slot = slab.liveSlot(pid: pid) { return slab[slot].record }
        stats.misses &+= 1
        return nil
    }

    /// Whether `key` is stored and still considered running.
    public func isLive(_ key: ProcessKey) -> Bool {
        guard let slot = slab.slot(of: key) else { return false }
        return !slab[slot].exited
    }

    /// The ancestors of `key`, parent first, up to pid 1 (inclusive), at most `limit` of them.
    /// Stops early at the first ancestor the table no longer (or never) had.
    public func ancestry(of key: ProcessKey, limit: Int = 64) -> [ProcessRecord] {
        guard limit > 0, let slot = slab.slot(of: key) ?? nearSlot(key) else { return [] }
        var chain: [ProcessRecord] = []
        var next = slab[slot].record!.parentKey
        while let parentKey = next, parentKey.pid != 0, chain.count < limit,
              let parentSlot = slab.slot(of: parentKey) ?? nearSlot(parentKey) {
            let parent = slab[parentSlot].record!
            chain.append(parent)
            if parent.pid == 1 { break }
            next = parent.parentKey
        }
        return chain
    }

    /// The leader of the session of `key` (the process whose pid equals its session id): the
    /// nearest such ancestor, else the running process with that pid if it started no later.
    /// `nil` when the session id is unknown (0) or its leader is not in the table.
    public func sessionLeader(of key: ProcessKey) -> ProcessRecord? {
        guard let slot = slab.slot(of: key) ?? nearSlot(key) else { return nil }
        let record = slab[slot].record!
        let sid = record.sessionId
        guard sid != 0 else { return nil }
        if record.pid == sid { return record }
        var next = record.parentKey
        var steps = 0
        while let parentKey = next, parentKey.pid != 0, steps < 64,
              let parentSlot = slab.slot(of: parentKey) ?? nearSlot(parentKey) {
            let parent = slab[parentSlot].record!
            if parent.pid == sid { return parent }
            next = parent.parentKey
            steps += 1
        }
        if let leaderSlot = slab.liveSlot(pid: sid) {
            let leader = slab[leaderSlot].record!
            if leader.key.startTicks <= record.key.startTicks { return leader }
        }
        return nil
    }

    /// The entity id of any key, stored or not (e.g. `process.parent.entity_id` of an evicted
    /// parent).
    public func entityId(for key: ProcessKey) -> String {
        if let slot = slab.slot(of: key) { return slab[slot].record!.entityId }
        return entityIds.entityId(for: key)
    }

    /// Copies of all entries, live ones least recently seen first, then exited ones oldest exit
    /// first. For diagnostics and the CLI; allocates, so not for the per-event path.
    public func snapshot() -> [ProcessRecord] {
        var out: [ProcessRecord] = []
        out.reserveCapacity(slab.count)
        for list in [slab.live, slab.exited] {
            var slot = list.head
            while slot >= 0 {
                out.append(slab[slot].record!)
                slot = slab[slot].next
            }
        }
        return out
    }

    /// The live entry with `key.pid` whose start tick is within one of `key`'s.
    func nearSlot(_ key: ProcessKey) -> Int32? {
        guard let slot = slab.liveSlot(pid: key.pid) else { return nil }
        let ticks = slab[slot].record!.key.startTicks
        return (ticks &+ 1 >= key.startTicks && key.startTicks &+ 1 >= ticks) ? slot : nil
    }
}

extension ProcessTable {
    /// A live process whose executable is `path` and that the kernel still has (kill(pid, 0)
    /// succeeds), or nil. For unlinks: deleting the file of a running program hides the payload
    /// from disk while it keeps running. The walk over the live list compares lengths first
    /// and touches no string bytes otherwise; the liveness check runs only for a path match
    /// (the exit record of a program deleted right after it ended may still be in flight).
    /// A path no stored record ever ran (every data file a storm deletes) costs one hash
    /// lookup; otherwise O(live processes). No allocation.
    public func liveProcess(runningExecutable path: String) -> ProcessRecord? {
        let length = path.utf8.count
        guard length > 1, slab.executablesSeen.contains(path) else { return nil }
        var slot = slab.live.head
        while slot >= 0 {
            let entry = slab[slot]
            if let r = entry.record, r.executable.utf8.count == length, r.executable == path,
               r.origin != .unknown, kill(pid_t(r.key.pid), 0) == 0 || errno == EPERM {
                return r
            }
            slot = entry.next
        }
        return nil
    }
}
