import Glibc
import MamoriSystem

/// How the exporters open their connections: resolve, try each address in turn, then a
/// blocking socket whose sends and receives are bounded by the exporter's timeout (and
/// TCP_NODELAY on streams). The socket calls themselves are MamoriSystem's.
///
/// Exists so that syslog and OTLP connect the same way and report failures as `ExportError`
/// naming the operation. Stateless; any thread.
enum ExportSockets {
    static func resolve(host: String, port: UInt16, datagram: Bool, numericOnly: Bool = false) throws(ExportError) -> [SocketAddress] {
        do {
            return try SocketAddress.resolve(host: host, port: port, datagram: datagram, numericOnly: numericOnly)
        } catch {
            throw .unresolvable(host: error.host, reason: error.reason)
        }
    }

    /// A connected socket to the first of `host`'s addresses that accepts within `timeout`.
    static func connect(host: String, port: UInt16, datagram: Bool, timeout: Double) throws(ExportError) -> Socket {
        var lastError = ExportError.unresolvable(host: host, reason: "no address")
        for address in try resolve(host: host, port: port, datagram: datagram) {
            do {
                let socket = try Socket.connected(to: address, datagram ? .datagram : .stream, deadline: .after(timeout))
                socket.setTimeouts(seconds: timeout)
                if !datagram { socket.setNoDelay() }
                return socket
            } catch {
                lastError = ExportError(error, operation: "connect \(address.text)")
            }
        }
        throw lastError
    }

    /// Sends every byte; `deadline` bounds the whole (each send(2) is bounded by SO_SNDTIMEO).
    static func sendAll(_ socket: Socket, _ bytes: [UInt8], operation: String, deadline: Deadline = .never) throws(ExportError) {
        do { try socket.sendAll(bytes, deadline: deadline) } catch { throw ExportError(error, operation: operation) }
    }
}

extension ExportError {
    /// A system-layer failure of `operation`.
    init(_ failure: IOFailure, operation: String) {
        switch failure {
        case .timedOut: self = .timedOut(operation: operation)
        case .system(let e): self = .socket(operation: operation, errno: e.rawValue)
        }
    }
}

/// A NUL-terminated C buffer as a String.
func cString(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
