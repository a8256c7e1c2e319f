import Foundation

/// A bounded FIFO between one producer that must never block (the pipeline worker) and one
/// consumer thread that may wait (an exporter).
///
/// Exists because exporters do blocking I/O: `offer` either stores the item in O(1) or
/// returns false (the caller counts a drop); `take` waits for a batch. Storage is a fixed ring
/// allocated once. Any thread may call `offer`/`close`; only the exporter's thread calls `take`.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    // SAFETY: every access to `ring`, `head`, `count` and `closed` happens with `condition` locked.
    private let condition = NSCondition()
    private var ring: [Element?]
    private var head = 0
    private var count = 0
    private var closed = false
    /// The batch size a lingering consumer waits for (0 when it is not lingering).
    private var lingerTarget = 0

    let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0, "queue capacity must be positive")
        self.capacity = capacity
        ring = Array(repeating: nil, count: capacity)
    }

    /// Enqueues without blocking; false when full or closed.
    func offer(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed, count < capacity else { return false }
        ring[(head + count) % capacity] = element
        count += 1
        if count == 1 || count == lingerTarget { condition.signal() }
        return true
    }

    /// Items waiting now.
    var depth: Int {
        condition.lock(); defer { condition.unlock() }
        return count
    }

    var isClosed: Bool {
        condition.lock(); defer { condition.unlock() }
        return closed
    }

    /// Stops accepting items and wakes the consumer; items already queued stay takeable.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until at least one item is queued (or the queue is closed), then lingers up to
    /// `linger` seconds for the batch to fill to `max`. Returns [] only when closed and empty.
    func take(max: Int, linger: Double) -> [Element] {
        condition.lock()
        defer { condition.unlock() }
        while count == 0 && !closed { condition.wait() }
        if count < max && !closed && linger > 0 {
            let until = Date(timeIntervalSinceNow: linger)
            lingerTarget = max
            while count < max && !closed { if !condition.wait(until: until) { break } }
            lingerTarget = 0
        }
        let n = min(max, count)
        var batch: [Element] = []
        batch.reserveCapacity(n)
        for _ in 0..<n {
            batch.append(ring[head]!)
            ring[head] = nil
            head = (head + 1) % capacity
        }
        count -= n
        return batch
    }

    /// Sleeps up to `seconds` unless the queue is closed meanwhile (for retry backoff).
    func sleep(_ seconds: Double) {
        condition.lock()
        defer { condition.unlock() }
        let until = Date(timeIntervalSinceNow: seconds)
        while !closed { if !condition.wait(until: until) { break } }
    }
}
