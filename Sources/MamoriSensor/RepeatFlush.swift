import CLibbpf
import CMamoriABI
import Glibc
import MamoriEvents

/// One process doing one file operation on one inode: the key the kernel folds repeats by
/// (`struct mamori_repeat_key`).
public struct RepeatKey: Hashable, Sendable {
    public var tgid: UInt32
    public var op: UInt16
    public var device: UInt32
    public var inode: UInt64

    public init(tgid: UInt32, op: UInt16, device: UInt32, inode: UInt64) {
        self.tgid = tgid; self.op = op; self.device = device; self.inode = inode
    }

    /// The key of a decoded file event, or nil when the kernel never folds it (unknown inode,
    /// failed call, a creation, a rename or an unlink): those are not remembered.
    public init?(_ e: FileEvent) {
        guard e.inode != 0, e.result == 0 else { return nil }
        switch e.op {
        case .create, .rename, .unlink: return nil
        default: break
        }
        self.init(tgid: e.header.tgid, op: e.op.rawValue, device: e.device, inode: e.inode)
    }
}

/// Turns the repeat counts of keys that went quiet into events, so that the repeats the
/// kernel folded are counted even when no later record of the key comes to carry them.
///
/// Exists because the kernel (file.bpf.c `repeat_gate`) emits the first event of a key and
/// only counts identical ones for a second; if the process stops, that count sits in
/// `mamori_file_repeat`. The reader thread shows every decoded file event to `observe` (the
/// last one per key is kept, bounded) and calls `flush` a few times a second: each quiet key's
/// count becomes a copy of its last event with `count` = the repeats, stamped `nowNs`. A count
/// whose event was evicted from the bounded cache is added to `unattributed` (counted, never
/// silently lost). Poller thread only.
public struct RepeatFlush {
    public static let capacity = 4096
    /// The kernel's folding window (`MAMORI_REPEAT_WINDOW_NS`).
    public static let windowNs = UInt64(MAMORI_REPEAT_WINDOW_NS)
    private var last: [RepeatKey: FileEvent] = [:]
    /// Repeats taken from the kernel whose event was no longer cached.
    public private(set) var unattributed: UInt64 = 0

    public init() { last.reserveCapacity(Self.capacity) }

    /// Remember `e` as the latest event of its key (no allocation once the cache is warm:
    /// the table is cleared, keeping its storage, when it fills up).
    public mutating func observe(_ e: FileEvent) {
        guard let key = RepeatKey(e) else { return }
        if last.count >= Self.capacity, last[key] == nil { last.removeAll(keepingCapacity: true) }
        last[key] = e
    }

    /// Events for the `taken` (key, repeats) pairs, appended to `out`.
    public mutating func events(for taken: [(RepeatKey, UInt64)], nowNs: UInt64, into out: inout [SensorEvent]) {
        for (key, n) in taken where n > 0 {
            guard var e = last[key] else { unattributed &+= n; continue }
            e.count = UInt32(truncatingIfNeeded: min(n, UInt64(UInt32.max)))
            e.header.ktimeNs = nowNs
            out.append(.file(e))
        }
    }
}

/// Reusable buffers for `SensorMaps.takeQuietRepeats`: one batch of keys and values read
/// from the kernel per syscall. Owned by the poller thread (inside `RingReader`).
public struct RepeatScanBuffers {
    static let batch = 1024
    var keys = [mamori_repeat_key](repeating: mamori_repeat_key(), count: RepeatScanBuffers.batch)
    var values = [mamori_repeat](repeating: mamori_repeat(), count: RepeatScanBuffers.batch)
    /// False once the kernel refused a batched lookup (kernels before 5.6): entry by entry.
    var batched = true
    public init() {}
}

extension SensorMaps {
    /// Takes (and removes) the repeat counts of keys whose last emitted record is at least
    /// `windowNs` old and that folded at least one event since: at most `limit` per call. Each
    /// entry is removed with one lookup-and-delete, so a count is taken once.
    ///
    /// The scan reads the map in batches (`BPF_MAP_LOOKUP_BATCH`, 1,024 entries per syscall):
    /// the map is full (8,192 entries) on any host that writes files, and reading it entry by
    /// entry cost two syscalls per entry four times a second — measured as half of the agent's
    /// CPU under a file storm (docs/benchmarks.md, "Cost per event").
    public func takeQuietRepeats(nowNs: UInt64, windowNs: UInt64 = UInt64(MAMORI_REPEAT_WINDOW_NS),
                                 limit: Int = 4096) -> [(RepeatKey, UInt64)] {
        var buffers = RepeatScanBuffers()
        return takeQuietRepeats(nowNs: nowNs, windowNs: windowNs, limit: limit, buffers: &buffers)
    }

    /// As above, with the caller's reusable buffers.
    public func takeQuietRepeats(nowNs: UInt64, windowNs: UInt64, limit: Int,
                                 buffers: inout RepeatScanBuffers) -> [(RepeatKey, UInt64)] {
        var keys: [mamori_repeat_key] = []
        func consider(_ key: mamori_repeat_key, _ value: mamori_repeat) {
            if value.suppressed > 0, nowNs > value.first_ns, nowNs - value.first_ns >= windowNs { keys.append(key) }
        }
        if buffers.batched && !scanBatched(&buffers, limit: limit, consider) { buffers.batched = false }
        if !buffers.batched { scanEntryByEntry(limit: limit, consider) }
        var out: [(RepeatKey, UInt64)] = []
        var value = mamori_repeat()
        for var k in keys.prefix(limit) where bpf_map_lookup_and_delete_elem(repeatFD, &k, &value) == 0 {
            out.append((RepeatKey(tgid: k.tgid, op: k.op, device: k.dev, inode: k.ino), value.suppressed))
        }
        return out
    }

    /// Every entry through `BPF_MAP_LOOKUP_BATCH`; false when the kernel does not support it
    /// for this map (nothing was considered then).
    private func scanBatched(_ b: inout RepeatScanBuffers, limit: Int,
                             _ consider: (mamori_repeat_key, mamori_repeat) -> Void) -> Bool {
        var cursor: UInt32 = 0, next: UInt32 = 0
        var first = true
        var seen = 0
        // Locals for the duration of the scan (swapped, not copied: no allocation).
        var keys: [mamori_repeat_key] = [], values: [mamori_repeat] = []
        swap(&keys, &b.keys)
        swap(&values, &b.values)
        defer { swap(&keys, &b.keys); swap(&values, &b.values) }
        let fd = repeatFD
        while seen < 1 << 20 {
            var count = UInt32(keys.count)
            let rc = keys.withUnsafeMutableBytes { k in
                values.withUnsafeMutableBytes { v in
                    first ? bpf_map_lookup_batch(fd, nil, &next, k.baseAddress, v.baseAddress, &count, nil)
                          : bpf_map_lookup_batch(fd, &cursor, &next, k.baseAddress, v.baseAddress, &count, nil)
                }
            }
            let e = errno
            if rc != 0 && e != ENOENT {
                return !first   // refused at once: unsupported; later: keep what was read
            }
            for i in 0..<Int(min(count, UInt32(keys.count))) { consider(keys[i], values[i]) }
            seen += Int(count)
            if rc != 0 { break }   // ENOENT: the last batch
            first = false
            cursor = next
        }
        return true
    }

    private func scanEntryByEntry(limit: Int, _ consider: (mamori_repeat_key, mamori_repeat) -> Void) {
        var key = mamori_repeat_key(), next = mamori_repeat_key()
        var value = mamori_repeat()
        var havePrev = false
        var seen = 0
        while seen < 1 << 20 {
            let rc = havePrev ? bpf_map_get_next_key(repeatFD, &key, &next) : bpf_map_get_next_key(repeatFD, nil, &next)
            if rc != 0 { break }
            havePrev = true
            key = next
            seen += 1
            guard bpf_map_lookup_elem(repeatFD, &key, &value) == 0 else { continue }
            consider(key, value)
        }
    }
}
