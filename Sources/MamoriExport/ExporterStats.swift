import Synchronization

/// A point-in-time view of one exporter's counters, for `mamori status` and metrics.
/// Immutable value; any thread may use it.
public struct ExporterStats: Sendable, Equatable, Codable {
    /// "file", "events-file", "syslog", "otlp".
    public var name: String
    /// Records handed to the destination (written, sent, or accepted by the server).
    public var sent: UInt64
    /// Records refused at the door because the queue was full.
    public var dropped: UInt64
    /// Records that reached the exporter's thread but could not be delivered (I/O error after
    /// retries, rejected by the server, abandoned at shutdown).
    public var failed: UInt64
    /// Records waiting in the queue now.
    public var queueDepth: Int
    /// Last delivery error, if any (human text).
    public var lastError: String?
}

/// The counters one exporter updates from two threads: the producer (drops) and the exporter's
/// own thread (sent, failed).
///
/// Exists so that `stats` can be read from any thread without locks on the hot path.
/// Any thread may use it.
final class ExporterCounters: Sendable {
    let sent = Atomic<UInt64>(0)
    let dropped = Atomic<UInt64>(0)
    let failed = Atomic<UInt64>(0)
    private let lastErrorText = Mutex<String?>(nil)

    func noteSent(_ n: Int) { if n > 0 { sent.add(UInt64(n), ordering: .relaxed) } }
    func noteDropped(_ n: Int = 1) { dropped.add(UInt64(n), ordering: .relaxed) }
    func noteFailed(_ n: Int, error: String?) {
        if n > 0 { failed.add(UInt64(n), ordering: .relaxed) }
        if let error { lastErrorText.withLock { $0 = error } }
    }
    func noteError(_ error: String) { lastErrorText.withLock { $0 = error } }

    func snapshot(name: String, queueDepth: Int) -> ExporterStats {
        ExporterStats(name: name, sent: sent.load(ordering: .relaxed), dropped: dropped.load(ordering: .relaxed),
                      failed: failed.load(ordering: .relaxed), queueDepth: queueDepth,
                      lastError: lastErrorText.withLock { $0 })
    }
}
