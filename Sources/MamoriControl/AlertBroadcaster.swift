import Foundation

/// Fans alerts out to the connections that follow them (`alerts.follow`).
///
/// Exists so that the agent's pipeline hands an alert over without ever waiting on a slow
/// follower: each follower has a bounded queue; when it is full the oldest alert is dropped and
/// counted, and the count is sent with the next alert. `publish` may be called from any thread
/// (it takes a lock for a few appends); `Subscription.next` is called by one connection thread.
public final class AlertBroadcaster: @unchecked Sendable {
    // SAFETY: `subscribers` and `closed` are only touched with `lock` held.
    private let lock = NSLock()
    private var subscribers: [ObjectIdentifier: Subscription] = [:]
    private var closed = false
    private let capacity: Int

    /// - Parameter capacity: alerts buffered per follower before the oldest are dropped.
    public init(capacity: Int = 256) {
        self.capacity = max(1, capacity)
    }

    /// Number of connections following now.
    public var followerCount: Int {
        lock.lock(); defer { lock.unlock() }
        return subscribers.count
    }

    /// Queues `alert` for every follower; never blocks on one.
    public func publish(_ alert: AlertNotice) {
        lock.lock()
        let targets = Array(subscribers.values)
        lock.unlock()
        for s in targets { s.offer(alert) }
    }

    /// Wakes every follower and refuses new ones (server shutdown).
    func close() {
        lock.lock()
        closed = true
        let targets = Array(subscribers.values)
        subscribers.removeAll()
        lock.unlock()
        for s in targets { s.finish() }
    }

    /// A new follower queue, or nil after `close()`.
    func subscribe() -> Subscription? {
        lock.lock(); defer { lock.unlock() }
        if closed { return nil }
        let s = Subscription(capacity: capacity)
        subscribers[ObjectIdentifier(s)] = s
        return s
    }

    func unsubscribe(_ s: Subscription) {
        lock.lock()
        subscribers[ObjectIdentifier(s)] = nil
        lock.unlock()
        s.finish()
    }

    /// One follower's bounded queue.
    final class Subscription: @unchecked Sendable {
        // SAFETY: every stored var is only touched with `condition` locked.
        private let condition = NSCondition()
        private var queue: [AlertNotice] = []
        private var missed = 0
        private var finished = false
        private let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            queue.reserveCapacity(capacity)
        }

        func offer(_ alert: AlertNotice) {
            condition.lock()
            if queue.count >= capacity {
                queue.removeFirst()
                missed += 1
            }
            queue.append(alert)
            condition.signal()
            condition.unlock()
        }

        func finish() {
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }

        enum Next {
            case alerts([AlertNotice])
            case idle
            case finished
        }

        /// Everything queued, waiting at most `timeout` seconds for something to arrive.
        func next(timeout: Double) -> Next {
            condition.lock()
            defer { condition.unlock() }
            if queue.isEmpty && !finished {
                _ = condition.wait(until: Date(timeIntervalSinceNow: timeout))
            }
            if !queue.isEmpty {
                var batch = queue
                queue.removeAll(keepingCapacity: true)
                if missed > 0 {
                    batch[0].missedBefore = missed
                    missed = 0
                }
                return .alerts(batch)
            }
            return finished ? .finished : .idle
        }
    }
}
