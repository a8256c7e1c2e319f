/// Configuration of `OTLPLogExporter` (config keys `exports.otlp.*`).
/// Value type; any thread may use it.
public struct OTLPConfig: Sendable {
    /// `http://host:port[/base]`; records are POSTed to `{endpoint}/v1/logs`.
    public var endpoint: String = "http://127.0.0.1:4318"
    /// Extra request headers (e.g. an API key for the collector).
    public var headers: [(String, String)] = []
    /// Connect/send/response timeout, seconds.
    public var timeout: Double = 10
    /// Largest number of log records per request.
    public var maxBatch: Int = 512
    /// How long the first alert of a batch waits for company, seconds.
    public var batchDelay: Double = 1
    /// Attempts per batch on 5xx/429/connection errors before it counts as failed.
    public var maxAttempts: Int = 6
    public var queueCapacity: Int = 4096
    public var hostName: String = SyslogFormatter.localHostname()
    public var serviceVersion: String?

    public init() {}
}

/// Sends alerts as OpenTelemetry logs over OTLP/HTTP with JSON encoding (see `OTLPLogEncoder`
/// for the document), batched by size (`maxBatch`) and time (`batchDelay`).
///
/// Exists for fleets that aggregate through an OpenTelemetry Collector. Plain HTTP/1.1 only:
/// TLS and authentication to a remote backend are the local collector's job. 2xx = sent;
/// 429, 5xx and connection errors are retried with exponential backoff (0.5 s → 30 s) up to
/// `maxAttempts`; other 4xx mean the request is malformed for that server and the batch counts
/// as failed. `submit` never blocks and may be called from any thread; the HTTP I/O runs on one
/// background thread.
public final class OTLPLogExporter: Sendable {
    private let worker: ExportWorker<OTLPSink>
    public let endpoint: HTTPEndpoint

    public init(config: OTLPConfig) throws(ExportError) {
        endpoint = try HTTPEndpoint(parsing: config.endpoint)
        guard config.maxBatch > 0 else { throw .invalidConfiguration(key: "exports.otlp.max_batch", reason: "must be positive") }
        guard config.queueCapacity > 0 else { throw .invalidConfiguration(key: "exports.otlp.queue", reason: "must be positive") }
        guard config.timeout > 0 else { throw .invalidConfiguration(key: "exports.otlp.timeout", reason: "must be positive") }
        for (name, value) in config.headers where name.isEmpty || (name + value).utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) || name.contains(":") {
            throw .invalidConfiguration(key: "exports.otlp.headers", reason: "invalid header \"\(name)\"")
        }
        let sink = OTLPSink(config: config, endpoint: endpoint,
                            encoder: OTLPLogEncoder(hostName: config.hostName, serviceVersion: config.serviceVersion))
        worker = ExportWorker(name: "otlp", sink: sink, capacity: config.queueCapacity,
                              backoff: Backoff(initial: 0.5, maximum: 30))
    }

    /// Queues one alert; false when dropped because the queue is full. Never blocks.
    @discardableResult
    public func submit(_ alert: ExportAlert) -> Bool { worker.submit(alert) }

    public var stats: ExporterStats { worker.stats }

    /// Sends what is queued (no more lingering) for at most `flushTimeout` seconds.
    @discardableResult
    public func shutdown(flushTimeout: Double) -> Bool { worker.shutdown(flushTimeout: flushTimeout) }
}

/// The HTTP side of `OTLPLogExporter`. Used only by its worker thread.
final class OTLPSink: ExportSink {
    let maxBatch: Int
    let linger: Double
    let maxAttempts: Int
    private let config: OTLPConfig
    private let endpoint: HTTPEndpoint
    private let encoder: OTLPLogEncoder

    init(config: OTLPConfig, endpoint: HTTPEndpoint, encoder: OTLPLogEncoder) {
        self.config = config; self.endpoint = endpoint; self.encoder = encoder
        maxBatch = config.maxBatch; linger = config.batchDelay; maxAttempts = config.maxAttempts
    }

    func deliver(_ batch: [ExportAlert]) -> DeliveryOutcome {
        let body = encoder.encode(batch)
        do throws(ExportError) {
            let status = try HTTPPost.send(to: endpoint, path: endpoint.basePath + "/v1/logs", body: body,
                                           contentType: "application/json", headers: config.headers,
                                           timeout: config.timeout)
            switch status {
            case 200..<300: return .done(sent: batch.count, failed: 0, error: nil)
            case 429, 500..<600: return .retry(delivered: 0, error: ExportError.httpStatus(status).description)
            default: return .done(sent: 0, failed: batch.count, error: ExportError.httpStatus(status).description)
            }
        } catch {
            return .retry(delivered: 0, error: error.description)
        }
    }

    func close() {}
}
