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
    /// failed call).
    public init?(_ e: FileEvent) {
        guard e.inode != 0, e.result == 0 else { return nil }
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

extension SensorMaps {
    /// Takes (and removes) the repeat counts of keys whose last emitted record is at least
    /// `windowNs` old and that folded at least one event since: at most `limit` per call. Each
    /// entry is removed with one lookup-and-delete, so a count is taken once.
    public func takeQuietRepeats(nowNs: UInt64, windowNs: UInt64 = UInt64(MAMORI_REPEAT_WINDOW_NS),
                                 limit: Int = 4096) -> [(RepeatKey, UInt64)] {
        var keys: [mamori_repeat_key] = []
        var key = mamori_repeat_key(), next = mamori_repeat_key()
        var value = mamori_repeat()
        var havePrev = false
        while keys.count < limit {
            let rc = havePrev ? bpf_map_get_next_key(repeatFD, &key, &next) : bpf_map_get_next_key(repeatFD, nil, &next)
            if rc != 0 { break }
            havePrev = true
            key = next
            guard bpf_map_lookup_elem(repeatFD, &key, &value) == 0 else { continue }
            if value.suppressed > 0, nowNs > value.first_ns, nowNs - value.first_ns >= windowNs { keys.append(key) }
        }
        var out: [(RepeatKey, UInt64)] = []
        for var k in keys where bpf_map_lookup_and_delete_elem(repeatFD, &k, &value) == 0 {
            out.append((RepeatKey(tgid: k.tgid, op: k.op, device: k.dev, inode: k.ino), value.suppressed))
        }
        return out
    }
}
