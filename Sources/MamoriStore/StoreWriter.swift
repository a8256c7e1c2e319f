#if canImport(Glibc)
import Glibc
#endif

/// The batched, non-blocking write path from the pipeline worker to SQLite.
///
/// Exists because the worker must never wait for a disk: `enqueue` only appends to a bounded
/// in-memory buffer under a lock that the writer holds for a pointer swap, never across I/O. A
/// dedicated writer thread (a pthread, off the cooperative pool) owns its own `EventStore`
/// and commits the buffer in IMMEDIATE transactions of at most `batchSize` items, whenever
/// `batchSize` items are waiting or `flushInterval` has passed. It also runs the retention
/// policy every `retention.interval`.
///
/// Back-pressure is a counted drop: when buffer plus in-flight rows reach `capacity` items
/// or `capacityBytes`, `enqueue` returns false and `stats.dropped` grows (memory stays bounded). When the disk is
/// full (SQLITE_FULL: ENOSPC, or the `hardLimitBytes` cap) or the database stays locked, the
/// failed batch is rolled back; the writer keeps running, runs retention at once to make room,
/// and retries after `retryInterval`. A batch refused for space is retried once after retention
/// (when the policy can delete anything) and counted in `stats.unstored` only if that fails too. Every
/// transaction is all-or-nothing, so a crash at any moment leaves whole batches only.
///
/// Thread safety: `enqueue`, `flush`, `stats` and `close` may be called from any thread
/// (`enqueue` is meant for the single pipeline worker).
public final class StoreWriter: Sendable {
    /// Tuning. Sendable value.
    public struct Configuration: Sendable, Equatable {
        public var path: String
        /// Items held in memory (buffered plus being written) before `enqueue` drops.
        public var capacity: Int
        /// Approximate bytes those items may hold (strings included) before `enqueue` drops:
        /// long command lines and ECS documents cannot stretch the memory bound.
        public var capacityBytes: Int
        /// Items per transaction.
        public var batchSize: Int
        /// Longest time an item waits in the buffer before a (partial) batch is written.
        public var flushInterval: Duration
        /// Pause after a disk-full or lock failure before writing again.
        public var retryInterval: Duration
        public var retention: RetentionPolicy
        /// Hard cap on the database file (`PRAGMA max_page_count`); writes beyond it behave
        /// like a full disk. Set it above `retention.maxDatabaseBytes`.
        public var hardLimitBytes: Int64?
        public var busyTimeoutMs: Int32

        public init(path: String, capacity: Int = 16_384, capacityBytes: Int = 16 << 20, batchSize: Int = 4_096,
                    flushInterval: Duration = .milliseconds(250), retryInterval: Duration = .seconds(5),
                    retention: RetentionPolicy = RetentionPolicy(), hardLimitBytes: Int64? = nil,
                    busyTimeoutMs: Int32 = 5_000) {
            self.path = path; self.capacity = capacity; self.capacityBytes = capacityBytes
            self.batchSize = batchSize
            self.flushInterval = flushInterval; self.retryInterval = retryInterval
            self.retention = retention; self.hardLimitBytes = hardLimitBytes; self.busyTimeoutMs = busyTimeoutMs
        }
    }

    public let configuration: Configuration
    let state: WriterState
    private let thread: pthread_t

    /// Opens (creating and migrating) the database on the calling thread, so that a bad path
    /// or a too-new schema fails here, then starts the writer thread.
    public init(configuration: Configuration) throws {
        guard configuration.capacity > 0, configuration.capacityBytes > 0, configuration.batchSize > 0 else {
            throw StoreError.invalidArgument("capacity, capacityBytes and batchSize must be positive")
        }
        self.configuration = configuration
        let store = try EventStore(path: configuration.path, busyTimeoutMs: configuration.busyTimeoutMs)
        if let limit = configuration.hardLimitBytes {
            let pageSize = try store.connection.scalarInt("PRAGMA page_size") ?? 4096
            try store.connection.setMaxPageCount(max(1, limit / pageSize))
        }
        let state = WriterState(configuration: configuration)
        self.state = state
        let loop = WriterLoop(store: store, state: state, configuration: configuration)
        self.thread = startThread { loop.run() }
    }

    deinit { close() }

    /// Queues one item. Never blocks on disk. Returns false (and counts a drop) when the
    /// buffer is full or the writer is closed.
    @discardableResult
    public func enqueue(_ item: StoreItem) -> Bool {
        let bytes = item.estimatedBytes  // outside the lock
        return state.lock.withLock { state.acceptLocked(item, bytes: bytes) }
    }

    /// Queues several items under one lock acquisition; returns how many were accepted (the
    /// first ones; the rest were dropped and counted).
    @discardableResult
    public func enqueue<S: Sequence>(contentsOf items: S) -> Int where S.Element == StoreItem {
        state.lock.withLock {
            var accepted = 0
            for item in items where state.acceptLocked(item, bytes: item.estimatedBytes) { accepted += 1 }
            return accepted
        }
    }

    /// Blocks until every item accepted before the call has been committed or counted as
    /// unstored (a flush does not wait out the disk-full back-off: it tries at once).
    public func flush() {
        state.lock.withLock {
            let target = state.acceptedSeq
            state.flushTarget = max(state.flushTarget, target)
            state.lock.broadcast()
            while state.processedSeq < target && !state.exited {
                state.lock.wait(untilMonotonicNs: nil)
            }
        }
    }

    /// Writes what is buffered, stops the thread and closes the database. Later `enqueue`
    /// calls return false. Idempotent; safe from any thread except the writer's own.
    public func close() {
        let join: Bool = state.lock.withLock {
            state.closing = true
            state.lock.broadcast()
            defer { state.joined = true }
            return !state.joined
        }
        if join { pthread_join(thread, nil) }
    }

    /// Counters and state, consistent with each other (read under the lock).
    public var stats: StoreWriterStats {
        state.lock.withLock { state.stats() }
    }

    /// Test hook: while held, the writer takes nothing from the buffer (to fill it on purpose).
    func hold(_ on: Bool) {
        state.lock.withLock {
            state.held = on
            state.lock.broadcast()
        }
    }
}

/// Counters of a `StoreWriter`. Sendable value; a snapshot.
public struct StoreWriterStats: Sendable, Equatable {
    /// Items accepted by `enqueue`.
    public var enqueued: UInt64 = 0
    /// Items refused by `enqueue` (buffer full or writer closed): never stored.
    public var dropped: UInt64 = 0
    /// Items committed.
    public var written: UInt64 = 0
    /// Items accepted but not stored: their transaction failed (disk full, lock timeout, a
    /// row SQLite rejected) or the writer closed before it could write them.
    public var unstored: UInt64 = 0
    /// Transactions committed / failed.
    public var batches: UInt64 = 0
    public var failedBatches: UInt64 = 0
    /// Times a write hit SQLITE_FULL.
    public var diskFullCount: UInt64 = 0
    /// True from a disk-full failure until the next successful commit.
    public var isDiskFull = false
    /// Items buffered or being written, and their approximate size.
    public var pending = 0
    public var pendingBytes = 0
    public var retentionPasses: UInt64 = 0
    public var retentionDeletedRows: UInt64 = 0
    /// The last write or retention error, for `mamori doctor`.
    public var lastError: String?

    public init() {}
}
