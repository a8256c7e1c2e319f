import Atomics
import CLibbpf
import Glibc
import MamoriEvents
import MamoriPipeline
import Synchronization

/// Drains both ring buffers on a dedicated thread, decoding each record in place.
///
/// Exists because polling blocks in epoll and must stay off Swift's cooperative pool, and
/// because the ring memory is only valid inside libbpf's callback: the record is decoded right
/// there (no copy of the record; strings materialised once) and the typed event pushed into a
/// bounded lock-free queue. The reader never blocks on the pipeline: a full queue counts a drop.
/// `start()`/`stop()` may be called from any thread; the decode state belongs to the poller.
public final class RingReader: @unchecked Sendable {
    // SAFETY: `ring` and `decoder` are touched only by the poller thread between start() and
    // the join in stop(); everything shared with other threads is atomic.
    private var ring: OpaquePointer?
    private var decoder = RecordDecoder()
    /// Events decoded in the current sweep, handed to the queue in kernel-time order by
    /// `flushSweep()`: the lanes are drained one after the other, so without this a file
    /// record (bulk lane) could reach the pipeline after a later exec (priority lane) of the
    /// same sweep, and a chmod-then-exec sequence would be seen backwards.
    private var sweep: [SensorEvent] = []
    private static let sweepLimit = 4096
    private let queue: EventQueue<SensorEvent>
    private let running = ManagedAtomic<Bool>(false)
    private var thread: pthread_t?
    private let pollTimeoutMs: Int32
    /// Repeat counts of quiet keys (only with `SensorOptions.foldFileRepeats`).
    private var repeats = RepeatFlush()
    private var repeatBuffers = RepeatScanBuffers()
    private let maps: SensorMaps?
    private var lastRepeatFlushNs: UInt64 = 0
    private let repeatUnattributedCount = ManagedAtomic<UInt64>(0)
    /// Queue admission by uid and sensitivity (poller only).
    private var admission: FairAdmission
    private var lastBudgetReportNs: UInt64 = 0
    private var budgetScratch: [UidBudget.Report] = []
    /// Per-uid budget reports not yet taken by the worker (merged by uid, bounded).
    private let pendingBudget = Mutex<[UidBudget.Report]>([])
    /// The kernel's per-uid suppression counts (monotonic) at the previous report.
    private let budgetMaps: SensorMaps
    private var kernelSuppressedSeen: [UInt32: UInt64] = [:]
    private var kernelScratch: [(uid: UInt32, suppressed: UInt64)] = []

    private let decodedCount = ManagedAtomic<UInt64>(0)
    private let decodeErrorCount = ManagedAtomic<UInt64>(0)
    private let queueDropCount = ManagedAtomic<UInt64>(0)
    private let gapLostCount = ManagedAtomic<UInt64>(0)
    /// Last decode error text (for diagnostics); written by the poller only.
    public private(set) var lastDecodeError: String?

    /// - Parameters:
    ///   - pollTimeoutMs: upper bound on how long a record that did not trigger a wakeup may
    ///     wait (the kernel batches wakeups; see `SensorOptions.wakeDelayNs`).
    public init(program: SensorProgram, queue: EventQueue<SensorEvent>, pollTimeoutMs: Int32 = 2) throws(SensorError) {
        self.queue = queue
        self.pollTimeoutMs = pollTimeoutMs
        maps = program.options.foldFileRepeats ? program.maps : nil
        admission = FairAdmission(limits: program.options.uidBudget)
        budgetMaps = program.maps
        sweep.reserveCapacity(256)
        let fds = program.ringFDs
        let ctx = Unmanaged.passUnretained(self).toOpaque()
        guard let rb = ring_buffer__new(fds.priority, RingReader.onRecord, ctx, nil) else {
            throw .ringBuffer(errno: errno)
        }
        if ring_buffer__add(rb, fds.bulk, RingReader.onRecord, ctx) != 0 {
            let e = errno
            ring_buffer__free(rb)
            throw .ringBuffer(errno: e)
        }
        ring = rb
    }

    deinit {
        stop()
        if let rb = ring { ring_buffer__free(rb) }
    }

    /// The libbpf sample callback: non-capturing, recovers the reader from ctx, never throws
    /// into C. `data` points into the mapped ring and is valid only during this call.
    private static let onRecord: ring_buffer_sample_fn = { ctx, data, size in
        guard let ctx, let data else { return 0 }
        let reader = Unmanaged<RingReader>.fromOpaque(ctx).takeUnretainedValue()
        reader.handle(UnsafeRawBufferPointer(start: UnsafeRawPointer(data), count: Int(size)))
        return 0
    }

    @inline(__always)
    private func handle(_ record: UnsafeRawBufferPointer) {
        do {
            let event = try decoder.decode(record)
            decodedCount.wrappingIncrement(ordering: .relaxed)
            if case .gap(let g) = event { gapLostCount.wrappingIncrement(by: g.totalLost, ordering: .relaxed) }
            if maps != nil, case .file(let f) = event { repeats.observe(f) }
            sweep.append(event)
            if sweep.count >= Self.sweepLimit { flushSweep() }
        } catch {
            decodeErrorCount.wrappingIncrement(ordering: .relaxed)
            lastDecodeError = error.description
        }
    }

    /// Queues the sweep's events ordered by kernel timestamp. Each lane is already in order,
    /// so the sort (a run-merging sort in the standard library) is close to linear.
    private func flushSweep() {
        takeQuietRepeats()
        guard !sweep.isEmpty else { return }
        if sweep.count > 1 { sweep.sort { $0.header.ktimeNs < $1.header.ktimeNs } }
        for event in sweep where !admission.offer(event, to: queue) {
            queueDropCount.wrappingIncrement(ordering: .relaxed)
        }
        sweep.removeAll(keepingCapacity: true)
        publishBudgetReports()
    }

    /// Once a second hands the uids that went over budget to the worker (`takeBudgetReports`).
    private func publishBudgetReports(force: Bool = false) {
        var ts = timespec()
        clock_gettime(CLOCK_BOOTTIME, &ts)
        let now = UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
        guard force || now &- lastBudgetReportNs >= 1_000_000_000 else { return }
        lastBudgetReportNs = now
        budgetScratch.removeAll(keepingCapacity: true)
        admission.budget.takeReport(into: &budgetScratch)
        kernelScratch.removeAll(keepingCapacity: true)
        budgetMaps.fileBudgetSuppressed(into: &kernelScratch)
        for (uid, total) in kernelScratch {
            let before = kernelSuppressedSeen[uid] ?? 0
            // An LRU entry evicted and made again restarts at 0: count it from there.
            let delta = total >= before ? total &- before : total
            kernelSuppressedSeen[uid] = total
            guard delta > 0 else { continue }
            if let i = budgetScratch.firstIndex(where: { $0.uid == uid }) {
                budgetScratch[i].kernelSuppressed &+= delta
            } else {
                budgetScratch.append(UidBudget.Report(uid: uid, overBudget: 0, refused: 0, criticalDemoted: 0,
                                                      firstOverNs: now, lastOverNs: now, kernelSuppressed: delta))
            }
        }
        if kernelSuppressedSeen.count > 4096 { kernelSuppressedSeen.removeAll() }
        guard !budgetScratch.isEmpty else { return }
        let fresh = budgetScratch
        pendingBudget.withLock { pending in
            for r in fresh {
                if let i = pending.firstIndex(where: { $0.uid == r.uid }) {
                    pending[i].overBudget &+= r.overBudget
                    pending[i].refused &+= r.refused
                    pending[i].criticalDemoted &+= r.criticalDemoted
                    pending[i].kernelSuppressed &+= r.kernelSuppressed
                    pending[i].lastOverNs = r.lastOverNs
                } else if pending.count < 64 {
                    pending.append(r)
                }
            }
        }
    }

    /// The uids that went over their event budget since the previous call, with counts.
    /// Any thread (the agent's worker takes them about once a second).
    public func takeBudgetReports() -> [UidBudget.Report] {
        pendingBudget.withLock { pending in
            let out = pending
            pending.removeAll(keepingCapacity: true)
            return out
        }
    }

    /// Four times a second, or when forced (drain): the kernel's counts of keys that went
    /// quiet become count-carrying events in this sweep (`RepeatFlush`).
    private func takeQuietRepeats(force: Bool = false) {
        guard let maps else { return }
        var ts = timespec()
        clock_gettime(CLOCK_BOOTTIME, &ts)
        let now = UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
        guard force || now &- lastRepeatFlushNs >= 250_000_000 else { return }
        lastRepeatFlushNs = now
        let taken = maps.takeQuietRepeats(nowNs: now, windowNs: force ? 0 : RepeatFlush.windowNs, limit: 4096,
                                          buffers: &repeatBuffers)
        guard !taken.isEmpty else { return }
        let before = repeats.unattributed
        repeats.events(for: taken, nowNs: now, into: &sweep)
        repeatUnattributedCount.wrappingIncrement(by: repeats.unattributed &- before, ordering: .relaxed)
    }

    /// Start the poller thread. Idempotent.
    public func start() {
        guard running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        let ctx = Unmanaged.passRetained(self).toOpaque()
        var tid = pthread_t()
        pthread_create(&tid, nil, { arg in
            let reader = Unmanaged<RingReader>.fromOpaque(arg!).takeRetainedValue()
            reader.pollLoop()
            return nil
        }, ctx)
        thread = tid
    }

    private func pollLoop() {
        guard let rb = ring else { return }
        while running.load(ordering: .relaxed) {
            let n = ring_buffer__poll(rb, pollTimeoutMs)
            if n >= 0 {
                // Records submitted without a wakeup wait in every lane, including lanes that
                // did not signal this time (a bulk-lane storm must not starve the priority
                // lane): sweep all of them. An empty lane costs two loads.
                ring_buffer__consume(rb)
            } else if n != -EINTR {
                usleep(1000)
            }
            flushSweep()
        }
        ring_buffer__consume(rb) // drain what is left
        takeQuietRepeats(force: true)
        flushSweep()
        publishBudgetReports(force: true)
    }

    /// Stop and join the poller (after a final drain). Idempotent.
    public func stop() {
        guard running.compareExchange(expected: true, desired: false, ordering: .acquiringAndReleasing).exchanged else { return }
        if let t = thread { pthread_join(t, nil) }
        thread = nil
    }

    /// Reader-side counters.
    public var stats: ReaderStats {
        ReaderStats(decoded: decodedCount.load(ordering: .relaxed),
                    decodeErrors: decodeErrorCount.load(ordering: .relaxed),
                    queueDrops: queueDropCount.load(ordering: .relaxed),
                    kernelLostAnnounced: gapLostCount.load(ordering: .relaxed),
                    repeatsUnattributed: repeatUnattributedCount.load(ordering: .relaxed))
    }
}

/// Counters of the ring reader: what it decoded, rejected and could not queue.
public struct ReaderStats: Sendable, Equatable {
    public var decoded: UInt64
    public var decodeErrors: UInt64
    /// Events decoded but dropped because the pipeline queue was full.
    public var queueDrops: UInt64
    /// Records the kernel announced as lost through gap records.
    public var kernelLostAnnounced: UInt64
    /// Kernel-folded repeats whose event had left the reader's cache (`RepeatFlush`).
    public var repeatsUnattributed: UInt64 = 0
}
