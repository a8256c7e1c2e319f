import Synchronization
import Foundation

/// Fans alerts out to the connections that follow them (`alerts.follow`).
///
/// Exists so that the agent's pipeline hands an alert over without ever waiting on a slow
/// follower: each follower has a bounded queue; when it is full the oldest alert is dropped and
/// counted, and the count is sent with the next alert. `publish` may be called from any thread
/// (it takes a lock for a few appends); `Subscription.next` is called by one connection thread.
public final class AlertBroadcaster: Sendable {
    private struct Followers {
        var subscribers: [ObjectIdentifier: Subscription] = [:]
        var closed = false
    }
    private let followers = Mutex(Followers())
    private let capacity: Int

    /// - Parameter capacity: alerts buffered per follower before the oldest are dropped.
    public init(capacity: Int = 256) {
        self.capacity = max(1, capacity)
    }

    /// Number of connections following now.
    public var followerCount: Int {
        followers.withLock { $0.subscribers.count }
    }

    /// Queues `alert` for every follower; never blocks on one.
    public func publish(_ alert: AlertNotice) {
        let targets = followers.withLock { Array($0.subscribers.values) }
        for s in targets { s.offer(alert) }
    }

    /// Wakes every follower and refuses new ones (server shutdown).
    func close() {
        let targets = followers.withLock { f in
            f.closed = true
            defer { f.subscribers.removeAll() }
            return Array(f.subscribers.values)
        }
        for s in targets { s.finish() }
    }

    /// A new follower queue, or nil after `close()`.
    func subscribe() -> Subscription? {
        let capacity = self.capacity
        return followers.withLock { f -> Subscription? in
            if f.closed { return nil }
            let s = Subscription(capacity: capacity)
            f.subscribers[ObjectIdentifier(s)] = s
            return s
        }
    }

    func unsubscribe(_ s: Subscription) {
        _ = followers.withLock { $0.subscribers.removeValue(forKey: ObjectIdentifier(s)) }
        s.finish()
    }

    /// One follower's bounded queue: a ring that overwrites its oldest entry when full.
    final class Subscription: @unchecked Sendable {
        // SAFETY: every stored var is only touched with `condition` locked.
        private let condition = NSCondition()
        private var ring: [AlertNotice?]
        private var head = 0
        private var count = 0
        private var missed = 0
        private var finished = false

        init(capacity: Int) {
            ring = Array(repeating: nil, count: capacity)
        }

        func offer(_ alert: AlertNotice) {
            condition.lock()
            if count == ring.count {
                ring[head] = alert           // overwrite the oldest
                head = (head + 1) % ring.count
                missed += 1
            } else {
                ring[(head + count) % ring.count] = alert
                count += 1
            }
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
            if count == 0 && !finished {
                _ = condition.wait(until: Date(timeIntervalSinceNow: timeout))
            }
            if count > 0 {
                var batch: [AlertNotice] = []
                batch.reserveCapacity(count)
                for i in 0..<count {
                    let slot = (head + i) % ring.count
                    if let alert = ring[slot] { batch.append(alert) }
                    ring[slot] = nil
                }
                head = 0
                count = 0
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
