import Atomics
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bounded, lock-free single-producer/single-consumer queue between the ring-buffer poller
/// and the pipeline worker.
///
/// Exists because the poller must never block on the pipeline: when the worker falls behind,
/// `tryPush` refuses the element and counts it as dropped instead of waiting, so the kernel ring
/// buffers keep draining and loss is accounted for in one place (`stats`).
///
/// Threads:
/// - exactly **one producer thread** may call `tryPush` (the poller);
/// - exactly **one consumer thread** may call `pop`, `popBatch` and `waitForElements` (the worker);
/// - any thread may read `stats`, `count`, `isClosed` and call `close()`.
///
/// The producer path is wait-free: two loads, one slot write, one store, and — in the common case
/// where the consumer is awake — one more atomic load to see whether a wakeup is needed. When the
/// queue is empty the consumer spins briefly, then parks on a semaphore; the producer signals it
/// only when it has actually parked.
///
/// Indices grow monotonically (an `Int` does not wrap in practice: 2^63 events), and a slot is
/// `index & (capacity - 1)`. A slot holds an initialised element exactly when its index is in
/// `head ..< tail`.
// SAFETY: SPSC invariant. `tail`, the slot at `tail`, `dropped` and `highWater` are written only
// by the single producer; `head` and the slot at `head` only by the single consumer. A slot is
// handed from producer to consumer by the release store of `tail` (acquire-loaded by the
// consumer) and back by the release store of `head` (acquire-loaded by the producer), so no slot
// is ever accessed by both threads at once. `parked` is claimed with an atomic exchange, so at
// most one waker signals per park. Calling a producer or consumer method from a second thread
// breaks this invariant and is undefined behaviour.
public final class EventQueue<Element: Sendable>: @unchecked Sendable {
    /// Number of slots: the requested capacity rounded up to a power of two (at least 2).
    public let capacity: Int
    @usableFromInline let mask: Int
    @usableFromInline let slots: UnsafeMutablePointer<Element>
    @usableFromInline let counters: QueueCounters
    @usableFromInline let wakeup = DispatchSemaphore(value: 0)

    /// Busy checks before the consumer starts yielding, then yields before it parks.
    @usableFromInline static var spinChecks: Int { 128 }
    @usableFromInline static var yieldChecks: Int { 16 }

    /// Creates an empty queue.
    /// - Parameter capacity: wanted number of slots; rounded up to a power of two, at most 2^30.
    public init(capacity requested: Int) {
        precondition(requested > 0 && requested <= 1 << 30,
                     "EventQueue capacity must be in 1...2^30, got \(requested)")
        var rounded = 2
        while rounded < requested { rounded <<= 1 }
        capacity = rounded
        mask = rounded - 1
        slots = UnsafeMutablePointer<Element>.allocate(capacity: rounded)
        counters = QueueCounters()
    }

    deinit {
        // No other thread can hold a reference any more, so relaxed loads see the final values.
        let head = counters.head.load(ordering: .relaxed)
        let tail = counters.tail.load(ordering: .relaxed)
        var index = head
        while index != tail {
            (slots + (index & mask)).deinitialize(count: 1)
            index &+= 1
        }
        slots.deallocate()
        counters.deallocate()
    }

    // MARK: Producer (one thread)

    /// Appends `element` unless the queue is full. Never blocks.
    ///
    /// Producer thread only. Returns `false` and counts a drop when the queue is full; the caller
    /// keeps no reference to the element either way.
    @inlinable
    @discardableResult
    public func tryPush(_ element: Element) -> Bool {
        tryPush(element, depthLimit: capacity)
    }

    /// Appends `element` unless `depthLimit` or more elements are queued. Never blocks.
    ///
    /// Producer thread only. Lets the producer keep headroom for what matters most: a push with
    /// a limit below `capacity` is refused (and counted as a drop) while the queue still has
    /// room for pushes with a higher limit (`AdmissionTier`). One FIFO keeps the order of
    /// events, which a second queue drained first would not.
    @inlinable
    @discardableResult
    public func tryPush(_ element: Element, depthLimit: Int) -> Bool {
        let tail = counters.tail.load(ordering: .relaxed)
        // Acquire: the consumer has finished moving the element out of any slot it released.
        let head = counters.head.load(ordering: .acquiring)
        let depth = tail &- head
        if depth >= Swift.min(depthLimit, capacity) {
            // Single writer: a plain load + store is enough and avoids a locked RMW.
            counters.dropped.store(counters.dropped.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
            return false
        }
        (slots + (tail & mask)).initialize(to: element)
        // Release publishes the slot. Sequentially consistent so that this store is ordered
        // before the `parked` load below; `waitForElements` stores `parked` then loads `tail`
        // the same way, so at least one side sees the other (no lost wakeup).
        counters.tail.store(tail &+ 1, ordering: .sequentiallyConsistent)
        if depth &+ 1 > counters.highWater.load(ordering: .relaxed) {
            counters.highWater.store(depth &+ 1, ordering: .relaxed)
        }
        if counters.parked.load(ordering: .sequentiallyConsistent) != 0 {
            wakeConsumerIfParked()
        }
        return true
    }

    // MARK: Consumer (one thread)

    /// Removes and returns the oldest element, or `nil` when the queue is empty. Never blocks.
    ///
    /// Consumer thread only.
    @inlinable
    public func pop() -> Element? {
        let head = counters.head.load(ordering: .relaxed)
        let tail = counters.tail.load(ordering: .acquiring)
        guard head != tail else { return nil }
        let element = (slots + (head & mask)).move()
        counters.head.store(head &+ 1, ordering: .releasing)
        return element
    }

    /// Moves up to `max` of the oldest elements, in order, to the end of `buffer`. Never blocks.
    ///
    /// Consumer thread only. One acquire load and one release store for the whole batch, so a
    /// worker that drains in batches touches the shared cache lines once per batch.
    /// - Returns: the number of elements appended (0 when the queue is empty).
    @inlinable
    @discardableResult
    public func popBatch(into buffer: inout [Element], max: Int) -> Int {
        let head = counters.head.load(ordering: .relaxed)
        let tail = counters.tail.load(ordering: .acquiring)
        let count = Swift.min(tail &- head, max)
        guard count > 0 else { return 0 }
        buffer.reserveCapacity(buffer.count + count)
        for offset in 0..<count {
            buffer.append((slots + ((head &+ offset) & mask)).move())
        }
        counters.head.store(head &+ count, ordering: .releasing)
        return count
    }

    /// Waits until the queue has an element, the queue is closed, or `timeout` has passed.
    ///
    /// Consumer thread only. Spins briefly (cheap when events arrive in bursts), yields a few
    /// times, then parks on a semaphore that the producer signals only while the consumer is
    /// parked. Pass a timeout when the worker has periodic housekeeping to do.
    /// - Returns: `true` when at least one element can be popped; `false` on timeout or when the
    ///   queue is closed and empty (check `isClosed` to tell them apart).
    public func waitForElements(timeout: Duration? = nil) -> Bool {
        for check in 0..<(Self.spinChecks + Self.yieldChecks) {
            if hasElementsForConsumer { return true }
            if counters.closed.load(ordering: .acquiring) != 0 { return false }
            if check >= Self.spinChecks { sched_yield() }
        }

        counters.parked.store(1, ordering: .sequentiallyConsistent)
        // Re-check after announcing the park: pairs with the seq_cst tail store in `tryPush`
        // and the closed store in `close()`.
        if counters.tail.load(ordering: .sequentiallyConsistent) != counters.head.load(ordering: .relaxed)
            || counters.closed.load(ordering: .sequentiallyConsistent) != 0 {
            cancelPark()
            return hasElementsForConsumer
        }
        counters.parks.store(counters.parks.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
        if let timeout {
            if wakeup.wait(timeout: .now() + .nanoseconds(Self.nanoseconds(timeout))) == .timedOut {
                cancelPark()
            }
        } else {
            wakeup.wait()
        }
        return hasElementsForConsumer
    }

    /// True when the consumer can pop at least one element.
    @usableFromInline var hasElementsForConsumer: Bool {
        counters.tail.load(ordering: .acquiring) != counters.head.load(ordering: .relaxed)
    }

    /// Withdraws the consumer's park announcement without sleeping on a lost signal.
    private func cancelPark() {
        if counters.parked.exchange(0, ordering: .acquiringAndReleasing) == 0 {
            // A waker claimed this park first and signals (or is about to): absorb that signal
            // so the semaphore count returns to zero and the next park really sleeps.
            wakeup.wait()
        }
    }

    // MARK: Any thread

    /// Signals the consumer if, and only if, it is parked. At most one waker wins per park.
    @usableFromInline func wakeConsumerIfParked() {
        if counters.parked.exchange(0, ordering: .acquiringAndReleasing) != 0 {
            wakeup.signal()
        }
    }

    /// Marks the queue closed and wakes a parked consumer.
    ///
    /// Any thread. Used at shutdown: `waitForElements` then returns `false` once the queue is
    /// empty, so the worker drains what is left and exits. Pushes are still accepted; stop the
    /// producer first if nothing may follow.
    public func close() {
        counters.closed.store(1, ordering: .sequentiallyConsistent)
        if counters.parked.load(ordering: .sequentiallyConsistent) != 0 {
            wakeConsumerIfParked()
        }
    }

    /// Whether `close()` has been called. Any thread.
    public var isClosed: Bool { counters.closed.load(ordering: .acquiring) != 0 }

    /// Elements currently queued. Any thread; a snapshot that may be stale by the time it is used.
    public var count: Int {
        let head = counters.head.load(ordering: .acquiring)
        let tail = counters.tail.load(ordering: .acquiring)
        return Swift.max(0, tail &- head)
    }

    /// Backpressure accounting. Any thread; each counter is read atomically, the set is not a
    /// single atomic snapshot (depth is clamped to `0...capacity`).
    public var stats: QueueStats {
        // Read head before tail: tail only grows, so depth can never come out negative.
        let popped = counters.head.load(ordering: .acquiring)
        let pushed = counters.tail.load(ordering: .acquiring)
        return QueueStats(
            capacity: capacity,
            pushed: UInt64(pushed),
            popped: UInt64(popped),
            dropped: UInt64(counters.dropped.load(ordering: .relaxed)),
            depth: Swift.min(capacity, Swift.max(0, pushed &- popped)),
            highWaterMark: counters.highWater.load(ordering: .relaxed),
            consumerParks: UInt64(counters.parks.load(ordering: .relaxed)))
    }

    static func nanoseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        if seconds >= Int64(Int.max / 1_000_000_000) - 1 { return Int.max }
        return Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
    }
}
