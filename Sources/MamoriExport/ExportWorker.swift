import Foundation
import Synchronization

/// What a sink says about one batch.
enum DeliveryOutcome {
    /// `sent` records reached the destination; `failed` were rejected for good.
    case done(sent: Int, failed: Int, error: String?)
    /// The first `delivered` records got through; the rest are worth trying again after a
    /// backoff (connection refused, HTTP 5xx). The worker gives up after `maxAttempts`.
    case retry(delivered: Int, error: String)
}

/// One destination's blocking I/O. Used only from its `ExportWorker`'s thread.
protocol ExportSink: AnyObject, SendableMetatype {
    associatedtype Item: Sendable
    /// Largest batch handed to `deliver`.
    var maxBatch: Int { get }
    /// How long to wait for a batch to fill once its first item arrived (seconds).
    var linger: Double { get }
    /// Attempts per batch before its records count as failed (0 = retry until shutdown).
    var maxAttempts: Int { get }
    func deliver(_ batch: [Item]) -> DeliveryOutcome
    /// Releases sockets/files; called once, on the worker thread, at the end.
    func close()
}

/// A bounded queue plus one dedicated background thread that drains it into a sink.
///
/// Exists so that every exporter shares the same never-block-the-producer contract, drop
/// counting, retry/backoff and bounded shutdown. `submit` and `stats` may be called from any
/// thread; the sink is touched only by the worker thread.
final class ExportWorker<Sink: ExportSink>: @unchecked Sendable {
    // SAFETY: `sink` is used only by the worker thread after `start`; `abandonAt` is an atomic-free
    // Double written once by `shutdown` before `queue.close()` and read by the worker after it
    // observes the closed queue (NSCondition's lock orders the two).
    let name: String
    let counters = ExporterCounters()
    private let queue: BoundedQueue<Sink.Item>
    private let sink: Sink
    private var abandonAt = Double.infinity
    private let finished = DispatchSemaphore(value: 0)
    private let abandoned = Atomic<Int>(0)
    private var backoff: Backoff

    init(name: String, sink: Sink, capacity: Int, backoff: Backoff = Backoff(initial: 0.1, maximum: 30)) {
        self.name = name
        self.sink = sink
        self.queue = BoundedQueue(capacity: capacity)
        self.backoff = backoff
        let thread = Thread { [self] in run() }
        thread.name = "mamori-export-\(name)"
        thread.start()
    }

    /// Never blocks: queues the item or counts a drop. False when dropped.
    @discardableResult
    func submit(_ item: Sink.Item) -> Bool {
        if queue.offer(item) { return true }
        counters.noteDropped()
        return false
    }

    var stats: ExporterStats { counters.snapshot(name: name, queueDepth: queue.depth) }

    /// Stops accepting, delivers what is queued until `flushTimeout` passes, counts the rest as
    /// failed, and waits for the thread (bounded by the sink's own I/O timeouts). Idempotent.
    /// Returns true when everything queued was delivered (or rejected) before the deadline,
    /// false when records were abandoned.
    @discardableResult
    func shutdown(flushTimeout: Double) -> Bool {
        if !queue.isClosed {
            abandonAt = WallClock.monotonicSeconds() + flushTimeout
            queue.close()
        }
        // Grace beyond the flush deadline for one in-flight I/O to hit its own timeout.
        let waited = finished.wait(timeout: .now() + flushTimeout + 5)
        if waited == .success { finished.signal() }  // keep later shutdown calls non-blocking
        return waited == .success && queue.depth == 0 && abandoned.load(ordering: .relaxed) == 0
    }

    private func run() {
        while true {
            let batch = queue.take(max: sink.maxBatch, linger: queue.isClosed ? 0 : sink.linger)
            if batch.isEmpty { break }  // closed and drained
            deliverWithRetry(batch)
        }
        sink.close()
        finished.signal()
    }

    private func deliverWithRetry(_ items: [Sink.Item]) {
        var batch = items
        var attempts = 0
        while true {
            if queue.isClosed && WallClock.monotonicSeconds() >= abandonAt {
                counters.noteFailed(batch.count, error: "abandoned at shutdown")
                abandoned.add(batch.count, ordering: .relaxed)
                return
            }
            attempts += 1
            switch sink.deliver(batch) {
            case .done(let sent, let failed, let error):
                counters.noteSent(sent)
                counters.noteFailed(failed, error: error)
                if failed == 0 { backoff.reset() }
                return
            case .retry(let delivered, let error):
                counters.noteError(error)
                if delivered > 0 {
                    counters.noteSent(delivered)
                    batch.removeFirst(min(delivered, batch.count))
                    if batch.isEmpty { return }
                }
                if sink.maxAttempts > 0 && attempts >= sink.maxAttempts {
                    counters.noteFailed(batch.count, error: error)
                    return
                }
                let delay = backoff.advance()
                if queue.isClosed {
                    let left = abandonAt - WallClock.monotonicSeconds()
                    if left <= 0 { continue }
                    Thread.sleep(forTimeInterval: min(delay, left))
                } else {
                    queue.sleep(delay)
                }
            }
        }
    }
}
