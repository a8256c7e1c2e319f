/// Configuration of a JSON-lines file export (`alerts.path` + `alerts.rotate_bytes`/`alerts.keep`,
/// or `exports.events_json`). Value type; any thread may use it.
public struct LineFileConfig: Sendable {
    public var path: String
    public var rotateBytes: Int = 64 << 20
    public var keep: Int = 5
    public var fsync: RotatingLineWriter.FsyncPolicy = .everyBatch
    public var queueCapacity: Int = 16384

    public init(path: String) { self.path = path }
}

/// A `RotatingLineWriter` behind a bounded queue and its own thread.
///
/// Exists so that a slow or full disk never stalls the pipeline worker: lines are queued (or
/// dropped and counted when the queue is full) and written in batches, one fsync per batch.
/// `submit` may be called from any thread; the file is touched only by the background thread.
public final class LineFileExporter: Sendable {
    private let worker: ExportWorker<LineFileSink>

    /// Opens the file now, so a bad path fails at startup with its errno.
    public init(name: String = "file", config: LineFileConfig) throws(ExportError) {
        guard config.queueCapacity > 0 else { throw .invalidConfiguration(key: "alerts.queue", reason: "must be positive") }
        let writer = try RotatingLineWriter(path: config.path, maxBytes: config.rotateBytes, keep: config.keep, fsync: config.fsync)
        worker = ExportWorker(name: name, sink: LineFileSink(writer: writer), capacity: config.queueCapacity)
    }

    /// Queues one line (its trailing newline is kept or added); false when dropped. Never blocks.
    @discardableResult
    public func submit(_ line: [UInt8]) -> Bool { worker.submit(line) }

    public var stats: ExporterStats { worker.stats }

    @discardableResult
    public func shutdown(flushTimeout: Double) -> Bool { worker.shutdown(flushTimeout: flushTimeout) }
}

/// Used only by the `LineFileExporter`'s thread.
final class LineFileSink: ExportSink {
    let maxBatch = 256
    let linger = 0.0
    let maxAttempts = 1  // a line that cannot be written is counted, not retried: the disk is full
    private let writer: RotatingLineWriter

    init(writer: RotatingLineWriter) { self.writer = writer }

    func deliver(_ batch: [[UInt8]]) -> DeliveryOutcome {
        let before = writer.counters.writeFailures
        let written = writer.write(batch)
        let failed = batch.count - written
        let error = writer.counters.writeFailures > before
            ? ExportError.file(path: writer.path, operation: "write", errno: writer.counters.lastErrno).description : nil
        return .done(sent: written, failed: failed, error: error)
    }

    func close() { writer.close() }
}
