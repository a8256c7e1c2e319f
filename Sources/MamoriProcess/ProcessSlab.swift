import MamoriEvents

/// The storage behind `ProcessTable`: records in a slab (an array of reusable slots) threaded
/// onto two intrusive doubly linked lists, plus two hash indexes.
///
/// - `live`: processes not known to have exited, least recently seen first (LRU order);
/// - `exited`: processes that exited, oldest exit first (FIFO order);
/// - `index`: every stored key -> slot; `livePid`: pid -> slot of the live process with it.
///
/// Every operation is O(1) and allocation-free once the arrays and dictionaries have grown to
/// their working size; freed slots are reused through a free list. Internal; owned by one
/// `ProcessTable`, so it lives on that table's (the pipeline worker's) thread.
struct ProcessSlab {
    struct Entry {
        var record: ProcessRecord?
        var prev: Int32 = -1
        var next: Int32 = -1
        var exited = false
        /// Live: CLOCK_BOOTTIME ns of the last event seen. Exited: of the exit.
        var stamp: UInt64 = 0
    }

    struct List {
        var head: Int32 = -1   // oldest
        var tail: Int32 = -1   // newest
        var count = 0
    }

    private(set) var entries: [Entry] = []
    private var free: [Int32] = []
    private(set) var index: [ProcessKey: Int32] = [:]
    private(set) var livePid: [UInt32: Int32] = [:]
    private(set) var live = List()
    private(set) var exited = List()
    /// Bumped by every change to a stored record or to the set of stored keys (not by
    /// `touch`, which only reorders): equal generations mean equal lookup results.
    private(set) var generation: UInt64 = 0
    /// Every executable path a stored record was given since the last rebuild: a superset of the
    /// live records' images, so a path missing here is no live process's image and the
    /// running-image check of an unlink costs one hash lookup instead of a walk of the live list.
    private(set) var executablesSeen = Set<String>()

    init(expectedCount: Int) {
        // Grow on demand, but start large enough to avoid most rehashing of a busy host.
        let initial = min(expectedCount, 4096)
        entries.reserveCapacity(initial)
        index.reserveCapacity(initial)
        livePid.reserveCapacity(initial)
    }

    var count: Int { index.count }

    @inline(__always)
    func slot(of key: ProcessKey) -> Int32? { index[key] }

    @inline(__always)
    func liveSlot(pid: UInt32) -> Int32? { livePid[pid] }

    @inline(__always)
    subscript(slot: Int32) -> Entry {
        _read { yield entries[Int(slot)] }
    }

    /// In-place access to a stored record (the slot must be occupied).
    @inline(__always)
    mutating func withRecord<R>(_ slot: Int32, _ body: (inout ProcessRecord) -> R) -> R {
        generation &+= 1
        return body(&entries[Int(slot)].record!)
    }

    /// In-place access for a caller that calls `noteChange()` itself when it changed anything
    /// (the per-event refresh, which almost never does: the generation must then stay put).
    @inline(__always)
    mutating func withRecordUntracked<R>(_ slot: Int32, _ body: (inout ProcessRecord) -> R) -> R {
        body(&entries[Int(slot)].record!)
    }

    /// Records a change made through `withRecordUntracked`.
    @inline(__always)
    mutating func noteChange() { generation &+= 1 }

    /// Stores a new record (its key must not be stored yet) at the newest end of a list.
    @discardableResult
    mutating func insert(_ record: ProcessRecord, exited isExited: Bool, stamp: UInt64) -> Int32 {
        let slot: Int32
        generation &+= 1
        let entry = Entry(record: record, exited: isExited, stamp: stamp)
        if let reused = free.popLast() {
            slot = reused
            entries[Int(slot)] = entry
        } else {
            slot = Int32(entries.count)
            entries.append(entry)
        }
        index[record.key] = slot
        if !isExited { livePid[record.key.pid] = slot }
        append(slot)
        noteExecutable(record.executable)
        return slot
    }

    /// Records that a stored record now runs `path` (an exec in place). The set only grows
    /// between rebuilds; past 4x the stored count (and 4096) it is rebuilt from the records.
    mutating func noteExecutable(_ path: String) {
        guard !path.isEmpty, !executablesSeen.contains(path) else { return }
        executablesSeen.insert(path)
        guard executablesSeen.count > max(4096, 4 * index.count) else { return }
        executablesSeen.removeAll(keepingCapacity: true)
        for entry in entries { if let e = entry.record?.executable, !e.isEmpty { executablesSeen.insert(e) } }
    }

    /// Marks a live entry as recently seen (moves it to the newest end of the live list).
    @inline(__always)
    mutating func touch(_ slot: Int32, stamp: UInt64) {
        let i = Int(slot)
        // An exited entry keeps its exit time: the grace period runs from the exit.
        guard !entries[i].exited else { return }
        if entries[i].stamp < stamp { entries[i].stamp = stamp }
        guard live.tail != slot else { return }
        unlink(slot)
        append(slot)
    }

    /// Moves a live entry to the exited list.
    mutating func markExited(_ slot: Int32, stamp: UInt64) {
        let i = Int(slot)
        guard !entries[i].exited else { return }
        generation &+= 1
        unlink(slot)
        let pid = entries[i].record!.key.pid
        if livePid[pid] == slot { livePid.removeValue(forKey: pid) }
        entries[i].exited = true
        entries[i].stamp = stamp
        append(slot)
    }

    /// Forgets an entry entirely and releases its strings.
    mutating func remove(_ slot: Int32) {
        let i = Int(slot)
        generation &+= 1
        unlink(slot)
        let key = entries[i].record!.key
        index.removeValue(forKey: key)
        if livePid[key.pid] == slot { livePid.removeValue(forKey: key.pid) }
        entries[i] = Entry()
        free.append(slot)
    }

    // MARK: - List plumbing

    private mutating func append(_ slot: Int32) {
        let i = Int(slot)
        let isExited = entries[i].exited
        var list = isExited ? exited : live
        entries[i].prev = list.tail
        entries[i].next = -1
        if list.tail >= 0 { entries[Int(list.tail)].next = slot } else { list.head = slot }
        list.tail = slot
        list.count += 1
        if isExited { exited = list } else { live = list }
    }

    private mutating func unlink(_ slot: Int32) {
        let i = Int(slot)
        let isExited = entries[i].exited
        var list = isExited ? exited : live
        let prev = entries[i].prev, next = entries[i].next
        if prev >= 0 { entries[Int(prev)].next = next } else { list.head = next }
        if next >= 0 { entries[Int(next)].prev = prev } else { list.tail = prev }
        entries[i].prev = -1
        entries[i].next = -1
        list.count -= 1
        if isExited { exited = list } else { live = list }
    }
}
