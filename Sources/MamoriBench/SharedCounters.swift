import Glibc

/// Counters and the latency histogram that the agent child publishes to the benchmark parent
/// through a shared file mapping.
///
/// Exists so the parent can read the child's progress (events decided, drops, latency) at any
/// moment without a protocol or an allocation on the child's hot path. Layout: `UInt64` slots
/// (see `Slot`), then `LatencyHistogram.bucketCount` buckets. The child is the only writer;
/// the parent only reads.
public final class SharedCounters: @unchecked Sendable {
    // SAFETY: one writer (the child's worker thread) and readers in another process; slots are
    // naturally aligned 8-byte words, so a reader sees either the old or the new value, and
    // every reader tolerates a value one batch stale.
    public enum Slot: Int, CaseIterable {
        case ready = 0, events, queueDrops, kernelDrops, storeDrops, alerts, decodeErrors, failed
    }
    static let headerSlots = 16
    static var byteCount: Int { (headerSlots + LatencyHistogram.bucketCount) * 8 }

    private let base: UnsafeMutablePointer<UInt64>

    /// Map (creating if needed) the counters file at `path`.
    public init(path: String, create: Bool) throws(BenchError) {
        let fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_TRUNC : 0), 0o600)
        guard fd >= 0 else { throw .system("open \(path)", errno) }
        defer { close(fd) }
        if create && ftruncate(fd, off_t(Self.byteCount)) != 0 { throw .system("ftruncate \(path)", errno) }
        let p = mmap(nil, Self.byteCount, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        guard let p, p != MAP_FAILED else { throw .system("mmap \(path)", errno) }
        base = p.bindMemory(to: UInt64.self, capacity: Self.byteCount / 8)
    }

    deinit { munmap(base, Self.byteCount) }

    public subscript(slot: Slot) -> UInt64 {
        get { base[slot.rawValue] }
        set { base[slot.rawValue] = newValue }
    }

    /// Record one latency sample (child side; no allocation).
    @inline(__always)
    public func recordLatency(_ ns: UInt64) {
        base[Self.headerSlots + LatencyHistogram.index(ns)] &+= 1
    }

    /// A copy of the histogram (parent side).
    public func histogram() -> LatencyHistogram {
        LatencyHistogram(buckets: (0..<LatencyHistogram.bucketCount).map { base[Self.headerSlots + $0] })
    }
}

/// What can fail in a benchmark run; every case says what and where.
public enum BenchError: Error, CustomStringConvertible {
    case system(String, Int32)
    case setup(String)

    public var description: String {
        switch self {
        case .system(let what, let e): return "\(what): \(String(cString: strerror(e)))"
        case .setup(let s): return s
        }
    }
}
