import Glibc
import MamoriSystem

/// The parts of an `http://host[:port][/base]` URL the OTLP exporter needs.
/// Value type; any thread may use it.
public struct HTTPEndpoint: Sendable, Equatable {
    public var host: String
    public var port: UInt16
    public var basePath: String

    /// Parses `endpoint` (config key `exports.otlp.endpoint`). `https` is refused with advice:
    /// TLS is the local collector's job.
    public init(parsing endpoint: String) throws(ExportError) {
        let key = "exports.otlp.endpoint"
        guard endpoint.hasPrefix("http://") else {
            if endpoint.hasPrefix("https://") {
                throw .invalidConfiguration(key: key, reason: "https is not supported; send to a local OpenTelemetry Collector over http://127.0.0.1:4318 and let it use TLS")
            }
            throw .invalidConfiguration(key: key, reason: "expected http://host:port, got \"\(endpoint)\"")
        }
        let rest = endpoint.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" }
        var path = String(rest.dropFirst(authority.count))
        while path.hasSuffix("/") { path.removeLast() }
        var host = String(authority), port: UInt16 = 4318
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = UInt16(after.dropFirst()) else { throw .invalidConfiguration(key: key, reason: "bad port in \"\(endpoint)\"") }
                port = p
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let p = UInt16(authority[authority.index(after: colon)...]) else {
                throw .invalidConfiguration(key: key, reason: "bad port in \"\(endpoint)\"")
            }
            port = p
        }
        guard !host.isEmpty else { throw .invalidConfiguration(key: key, reason: "no host in \"\(endpoint)\"") }
        self.host = host; self.port = port; self.basePath = path
    }
}

/// One HTTP/1.1 POST over a fresh TCP connection (`Connection: close`), returning the status.
///
/// Exists because the exporter only needs "send these bytes, what was the status", and pulling
/// an HTTP stack into a root daemon for that is not worth it. Batching makes one connection per
/// request cheap enough. Stateless; called from the OTLP exporter's thread.
enum HTTPPost {
    static func send(to endpoint: HTTPEndpoint, path: String, body: [UInt8], contentType: String,
                     headers: [(String, String)], timeout: Double) throws(ExportError) -> Int {
        let socket = try ExportSockets.connect(host: endpoint.host, port: endpoint.port, datagram: false, timeout: timeout)
        defer { socket.close() }
        let hostHeader = endpoint.host.contains(":") ? "[\(endpoint.host)]:\(endpoint.port)" : "\(endpoint.host):\(endpoint.port)"
        var head = "POST \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: mamori\r\n"
        head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        var request = Array(head.utf8)
        request.append(contentsOf: body)
        try ExportSockets.sendAll(socket, request, operation: "POST \(hostHeader)\(path)")
        return try readStatus(socket, timeout: timeout)
    }

    /// Reads up to the end of the status line (bounded: 8 KiB) and parses `HTTP/1.x NNN`.
    private static func readStatus(_ socket: Socket, timeout: Double) throws(ExportError) -> Int {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        let deadline = Deadline.after(timeout)
        while !received.contains(0x0A) {
            guard received.count < 8192 else { throw .protocolViolation("HTTP status line longer than 8 KiB") }
            do {
                try socket.wait(for: .readable, until: deadline)
            } catch {
                throw ExportError(error, operation: "waiting for the HTTP response")
            }
            let n: Int
            do { n = try socket.receive(into: &chunk, deadline: deadline) } catch {
                throw ExportError(error, operation: "recv HTTP response")
            }
            if n == 0 { break }
            received.append(contentsOf: chunk[0..<n])
        }
        let line = String(decoding: received.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]) else {
            throw .protocolViolation("bad HTTP status line \"\(line.prefix(80))\"")
        }
        return code
    }
}
