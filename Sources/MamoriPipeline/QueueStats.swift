/// A snapshot of one `EventQueue`'s backpressure counters.
///
/// Exists so that loss between the poller and the worker is visible (metrics, `mamori status`)
/// without exposing the queue's atomics. A plain value: take it on any thread, pass it anywhere.
/// Counters are read one by one, so under load the fields may be a few events apart.
public struct QueueStats: Sendable, Equatable, CustomStringConvertible {
    /// Number of slots.
    public var capacity: Int
    /// Elements accepted by `tryPush` since creation.
    public var pushed: UInt64
    /// Elements handed to the consumer since creation.
    public var popped: UInt64
    /// Elements refused by `tryPush` because the queue was full.
    public var dropped: UInt64
    /// Elements queued when the snapshot was taken.
    public var depth: Int
    /// Deepest the queue has been, as observed by the producer after a push.
    public var highWaterMark: Int
    /// Times the consumer went to sleep on an empty queue (a measure of idle wakeups).
    public var consumerParks: UInt64

    public init(capacity: Int, pushed: UInt64, popped: UInt64, dropped: UInt64, depth: Int,
                highWaterMark: Int, consumerParks: UInt64) {
        self.capacity = capacity; self.pushed = pushed; self.popped = popped
        self.dropped = dropped; self.depth = depth; self.highWaterMark = highWaterMark
        self.consumerParks = consumerParks
    }

    /// Elements the producer tried to enqueue: accepted plus dropped.
    public var offered: UInt64 { pushed &+ dropped }

    /// Fraction of offered elements that were dropped, 0 when nothing was offered.
    public var dropRatio: Double { offered == 0 ? 0 : Double(dropped) / Double(offered) }

    public var description: String {
        "queue depth=\(depth)/\(capacity) high=\(highWaterMark) pushed=\(pushed) popped=\(popped) "
            + "dropped=\(dropped) parks=\(consumerParks)"
    }
}
