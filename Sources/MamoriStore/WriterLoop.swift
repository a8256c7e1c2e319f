/// State shared by the `StoreWriter` API and its thread. Every field is guarded by `lock`.
///
/// SAFETY: `@unchecked Sendable` because all mutable fields are read and written only with
/// `lock` held (the `...Locked` methods assume it is).
final class WriterState: @unchecked Sendable {
    let lock = ConditionLock()
    let capacity: Int
    let capacityBytes: Int
    let batchSize: Int
    var pending: [StoreItem] = []
    /// Items taken by the writer and not yet committed or counted: they still use capacity.
    var inFlight = 0
    /// Approximate bytes of `pending` plus in-flight items.
    var heldBytes = 0
    var acceptedSeq: UInt64 = 0
    var processedSeq: UInt64 = 0
    var flushTarget: UInt64 = 0
    var closing = false
    var joined = false
    var exited = false
    var held = false
    var counters = StoreWriterStats()

    init(configuration: StoreWriter.Configuration) {
        capacity = configuration.capacity
        capacityBytes = configuration.capacityBytes
        batchSize = configuration.batchSize
    }

    func acceptLocked(_ item: StoreItem, bytes: Int) -> Bool {
        guard !closing, pending.count + inFlight < capacity,
              heldBytes + bytes <= capacityBytes || pending.count + inFlight == 0 else {
            counters.dropped += 1
            return false
        }
        pending.append(item)
        heldBytes += bytes
        acceptedSeq += 1
        counters.enqueued += 1
        // Wake the writer for the first item (to start the flush-interval clock), a full
        // batch, or a full buffer; not for every item.
        if pending.count == 1 || pending.count == batchSize || pending.count + inFlight == capacity {
            lock.signal()
        }
        return true
    }

    func stats() -> StoreWriterStats {
        var s = counters
        s.pending = pending.count + inFlight
        s.pendingBytes = heldBytes
        return s
    }
}

/// The body of the writer thread: waits for work, writes batches, runs retention.
///
/// Owns the thread's `EventStore` (created by `StoreWriter.init`, moved here, closed when the
/// loop ends); never touched by another thread.
final class WriterLoop {
    private let store: EventStore
    private let state: WriterState
    private let configuration: StoreWriter.Configuration
    private var lastWriteNs: Int64
    private var nextRetentionNs: Int64
    private var retryAtNs: Int64 = 0
    /// The chunk at the front of the buffer was refused for space once and waits for retention.
    private var chunkAwaitsRetry = false
    private var retentionCanFreeSpace: Bool {
        configuration.retention.maxDatabaseBytes != nil || configuration.retention.maxEventAge != nil
    }

    init(store: EventStore, state: WriterState, configuration: StoreWriter.Configuration) {
        self.store = store
        self.state = state
        self.configuration = configuration
        let now = ConditionLock.monotonicNs()
        lastWriteNs = now
        nextRetentionNs = now + configuration.retention.interval.nanoseconds
    }

    func run() {
        var batch: [StoreItem] = []
        while true {
            let (exiting, retentionDue) = waitForWork(into: &batch)
            if !batch.isEmpty { write(&batch, closing: exiting) }
            if retentionDue && !exiting { runRetention() }
            if exiting { break }
        }
        try? store.connection.execute("PRAGMA optimize")
        try? store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        state.lock.withLock {
            state.exited = true
            state.lock.broadcast()
        }
    }

    /// Sleeps until there is something to do, then moves the buffer into `batch`.
    private func waitForWork(into batch: inout [StoreItem]) -> (closing: Bool, retentionDue: Bool) {
        state.lock.lock()
        defer { state.lock.unlock() }
        let interval = configuration.flushInterval.nanoseconds
        while true {
            let now = ConditionLock.monotonicNs()
            if state.closing { break }
            let flushWanted = state.processedSeq < state.flushTarget
            if state.held && !state.closing {
                state.lock.wait(untilMonotonicNs: nil)
                continue
            }
            if now >= nextRetentionNs { break }
            let backingOff = now < retryAtNs && !flushWanted
            if !backingOff {
                if flushWanted || state.pending.count >= state.batchSize { break }
                if !state.pending.isEmpty && now >= lastWriteNs + interval { break }
            }
            var deadline = nextRetentionNs
            if backingOff { deadline = min(deadline, retryAtNs) }
            else if !state.pending.isEmpty { deadline = min(deadline, lastWriteNs + interval) }
            state.lock.wait(untilMonotonicNs: deadline)
        }
        let now = ConditionLock.monotonicNs()
        let retentionDue = now >= nextRetentionNs
        // During a back-off only a flush or close takes rows; retention may still run.
        if now >= retryAtNs || state.closing || state.processedSeq < state.flushTarget {
            swap(&batch, &state.pending)
            state.inFlight = batch.count
        }
        return (state.closing, retentionDue)
    }

    /// Writes `batch` in transactions of `batchSize`; on disk-full or lock failure, puts the
    /// untried rest back at the front of the buffer and backs off (unless closing). A chunk
    /// refused for space goes back too, once, when retention can free space.
    private func write(_ batch: inout [StoreItem], closing: Bool) {
        var start = 0
        while start < batch.count {
            let end = min(start + state.batchSize, batch.count)
            let chunk = batch[start..<end]
            var failure: StoreError?
            var rejected = 0
            do {
                try store.write(chunk)
            } catch let error as StoreError where !error.isDiskFull && !error.isBusy {
                rejected = writeIsolatingBadRows(chunk)
                failure = rejected > 0 ? error : nil
            } catch let error as StoreError {
                failure = error
                rejected = chunk.count
            } catch {
                failure = .invalidArgument("\(error)")
                rejected = chunk.count
            }
            let diskFull = failure?.isDiskFull ?? false
            let backOff = rejected == chunk.count && (diskFull || failure?.isBusy == true) && !closing
            // A chunk refused for space gets one more try after retention has made room, when
            // retention can make room at all; lost only if that try fails too.
            let retryChunk = backOff && diskFull && retentionCanFreeSpace && !chunkAwaitsRetry
            chunkAwaitsRetry = retryChunk
            if retryChunk { rejected = 0 } else { start = end }
            let stored = retryChunk ? 0 : chunk.count - rejected
            let settled = retryChunk ? 0 : chunk.count
            let chunkBytes = retryChunk ? 0 : chunk.reduce(0) { $0 + $1.estimatedBytes }
            state.lock.withLock {
                state.inFlight -= settled
                state.heldBytes -= chunkBytes
                state.processedSeq += UInt64(settled)
                state.counters.written += UInt64(stored)
                state.counters.unstored += UInt64(rejected)
                if stored > 0 { state.counters.batches += 1; state.counters.isDiskFull = false }
                if let failure {
                    state.counters.failedBatches += 1
                    state.counters.lastError = failure.description
                    if diskFull { state.counters.diskFullCount += 1; state.counters.isDiskFull = true }
                }
                if backOff && start < batch.count {
                    state.pending.insert(contentsOf: batch[start...], at: 0)
                    state.inFlight -= batch.count - start
                }
                state.lock.broadcast()
            }
            if backOff {
                let now = ConditionLock.monotonicNs()
                retryAtNs = now + configuration.retryInterval.nanoseconds
                if diskFull { nextRetentionNs = now }  // make room before the retry
                break
            }
        }
        lastWriteNs = ConditionLock.monotonicNs()
        batch.removeAll(keepingCapacity: true)
    }

    /// Re-writes a chunk that SQLite rejected for a reason other than space or locks, one
    /// savepoint per item, so one bad row does not cost the whole batch. Returns items lost.
    private func writeIsolatingBadRows(_ chunk: ArraySlice<StoreItem>) -> Int {
        var rejected = 0
        do {
            try store.connection.transaction(.immediate) {
                for item in chunk {
                    do { try store.connection.transaction { try store.write(item) } } catch { rejected += 1 }
                }
            }
        } catch {
            return chunk.count
        }
        return rejected
    }

    private func runRetention() {
        let policy = configuration.retention
        var report: RetentionReport?
        var failure: String?
        do {
            report = try store.applyRetention(policy, nowUnixNs: ConditionLock.wallClockNs())
        } catch {
            failure = "\(error)"
        }
        let now = ConditionLock.monotonicNs()
        let soon = min(policy.interval.nanoseconds, 1_000_000_000)
        nextRetentionNs = now + (report?.incomplete == true ? soon : policy.interval.nanoseconds)
        state.lock.withLock {
            state.counters.retentionPasses += 1
            state.counters.retentionDeletedRows += UInt64(report?.rowsDeleted ?? 0)
            if let failure { state.counters.lastError = "retention: " + failure }
        }
    }
}
