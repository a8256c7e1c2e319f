import Glibc
import MamoriSystem

/// Configuration of `SyslogExporter` (config keys `exports.syslog.*`).
/// Value type; any thread may use it.
public struct SyslogConfig: Sendable {
    /// `exports.syslog.transport`: one datagram per alert, or octet-counted TCP frames.
    public enum Transport: String, Sendable { case udp, tcp }

    public var address: String = "127.0.0.1"
    public var port: UInt16 = 514
    public var transport: Transport = .tcp
    public var facility: SyslogFacility = .authpriv
    public var appName: String = "mamori"
    /// Hostname written in the header (default: gethostname).
    public var hostname: String = SyslogFormatter.localHostname()
    /// UDP: longest datagram; longer messages are truncated and marked `truncated="true"`.
    /// TCP frames are not truncated.
    public var maxDatagramBytes: Int = 8192
    /// Alerts waiting for the socket before new ones are dropped (counted).
    public var queueCapacity: Int = 4096
    /// Connect/send timeout, seconds.
    public var timeout: Double = 5

    public init() {}
}

/// Sends alerts to a syslog server as RFC 5424 messages: UDP (one datagram per alert, RFC 5426)
/// or TCP with octet-counting framing (`LEN SP MSG`, RFC 6587 §3.4.1).
///
/// Exists so that a SIEM that only speaks syslog gets every alert field parsed. Reconnects with
/// exponential backoff (0.1 s → 30 s); alerts wait in a bounded queue meanwhile and the overflow
/// is counted as dropped. `submit` never blocks and may be called from any thread (the pipeline
/// worker); the socket is owned by one background thread.
public final class SyslogExporter: Sendable {
    private let worker: ExportWorker<SyslogSink>

    public init(config: SyslogConfig) throws(ExportError) {
        guard config.maxDatagramBytes >= 480 else {
            throw .invalidConfiguration(key: "exports.syslog.max_datagram_bytes", reason: "must be ≥ 480 (RFC 5426)")
        }
        guard config.queueCapacity > 0 else { throw .invalidConfiguration(key: "exports.syslog.queue", reason: "must be positive") }
        guard !config.address.isEmpty else { throw .invalidConfiguration(key: "exports.syslog.address", reason: "is empty") }
        let formatter = SyslogFormatter(facility: config.facility, hostname: config.hostname, appName: config.appName)
        worker = ExportWorker(name: "syslog", sink: SyslogSink(config: config, formatter: formatter),
                              capacity: config.queueCapacity)
    }

    /// Queues one alert; false when dropped because the queue is full. Never blocks.
    @discardableResult
    public func submit(_ alert: ExportAlert) -> Bool { worker.submit(alert) }

    public var stats: ExporterStats { worker.stats }

    /// Sends what is queued for at most `flushTimeout` seconds, then closes the socket.
    @discardableResult
    public func shutdown(flushTimeout: Double) -> Bool { worker.shutdown(flushTimeout: flushTimeout) }
}

/// The socket side of `SyslogExporter`. Used only by its worker thread.
final class SyslogSink: ExportSink {
    let maxBatch = 64
    let linger = 0.0
    let maxAttempts = 0  // keep retrying: the queue bound limits memory; shutdown abandons
    private let config: SyslogConfig
    private let formatter: SyslogFormatter
    private var socket: Socket?

    init(config: SyslogConfig, formatter: SyslogFormatter) {
        self.config = config; self.formatter = formatter
    }

    func deliver(_ batch: [ExportAlert]) -> DeliveryOutcome {
        var sent = 0
        do throws(ExportError) {
            if let open = socket, config.transport == .tcp, open.peerClosed() { disconnect() }
            let socket: Socket
            if let open = self.socket { socket = open } else { socket = try connect() }
            var failed = 0
            var lastError: String?
            for alert in batch {
                if config.transport == .udp {
                    let datagram = formatter.format(alert, maxBytes: config.maxDatagramBytes)
                    do throws(ExportError) {
                        try ExportSockets.sendAll(socket, datagram, operation: "send udp \(config.address):\(config.port)")
                        sent += 1
                    } catch {
                        failed += 1; lastError = error.description  // ICMP refusals etc.: datagrams are fire-and-forget
                    }
                } else {
                    let message = formatter.format(alert)
                    var frame = Array("\(message.count) ".utf8)
                    frame.append(contentsOf: message)
                    try ExportSockets.sendAll(socket, frame, operation: "send tcp \(config.address):\(config.port)")
                    sent += 1
                }
            }
            return .done(sent: sent, failed: failed, error: lastError)
        } catch {
            // A TCP stream error mid-batch: the unsent rest is resent on a new connection; a
            // frame the server got partially dies with the old connection.
            disconnect()
            return .retry(delivered: sent, error: error.description)
        }
    }

    private func connect() throws(ExportError) -> Socket {
        let s = try ExportSockets.connect(host: config.address, port: config.port,
                                          datagram: config.transport == .udp, timeout: config.timeout)
        socket = s
        return s
    }

    private func disconnect() {
        socket?.close()
        socket = nil
    }

    func close() { disconnect() }
}
