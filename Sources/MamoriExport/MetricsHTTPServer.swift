import Foundation
import Glibc
import Synchronization

/// Serves `GET /metrics` (Prometheus text exposition 0.0.4) on a loopback address.
///
/// Exists so that the operator's Prometheus can scrape the agent without exposing anything
/// beyond the host: a non-loopback listen address is refused unless `allowNonLoopback`.
/// One background thread accepts and answers one connection at a time; every client gets a
/// hard deadline (`clientTimeout`, default 2 s) and a request-size limit (8 KiB), so a slow
/// or hostile client delays other scrapes by at most that deadline and cannot grow memory.
/// Any method other than GET gets 405, any other path 404; the connection is always closed.
/// `init`, `port`, `stop` may be called from any thread.
public final class MetricsHTTPServer: Sendable {
    public static let maxRequestBytes = 8192
    /// The port actually bound (useful with port 0).
    public let port: UInt16
    public let address: String
    private let wakeWrite: Int32
    private let done = DispatchSemaphore(value: 0)
    private let stopped = Mutex(false)

    /// `listen` is "127.0.0.1:9464", "[::1]:9464" (config key `exports.prometheus.listen`).
    /// `beforeScrape` runs on the server thread before each exposition (to refresh gauges).
    public init(listen: String, metrics: MamoriMetrics, allowNonLoopback: Bool = false,
                clientTimeout: Double = 2, beforeScrape: (@Sendable () -> Void)? = nil) throws(ExportError) {
        let key = "exports.prometheus.listen"
        guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
            throw .invalidConfiguration(key: key, reason: "expected address:port, got \"\(listen)\"")
        }
        let host = String(listen[..<colon])
        let resolved: [SocketIO.Address]
        do throws(ExportError) { resolved = try SocketIO.resolve(host: host, port: port, datagram: false, numericOnly: true) } catch {
            throw .invalidConfiguration(key: key, reason: "\"\(host)\" is not an IP address")
        }
        guard let address = resolved.first else { throw .invalidConfiguration(key: key, reason: "no address for \"\(host)\"") }
        guard allowNonLoopback || address.isLoopback else {
            throw .invalidConfiguration(key: key, reason: "\(address.text) is not a loopback address; metrics are served on 127.0.0.0/8 or ::1 only unless explicitly allowed")
        }
        let (fd, boundAddress) = try SocketIO.listen(on: address)
        let portText = boundAddress.text.split(separator: ":").last.map(String.init) ?? "0"
        var pipeFds: [Int32] = [-1, -1]
        guard pipe(&pipeFds) == 0 else { let e = errno; close(fd); throw .socket(operation: "pipe", errno: e) }

        for p in pipeFds { _ = fcntl(p, F_SETFD, FD_CLOEXEC) }
        self.port = UInt16(portText) ?? port
        self.address = boundAddress.text
        self.wakeWrite = pipeFds[1]
        let wakeRead = pipeFds[0]
        let done = self.done
        let thread = Thread {
            MetricsConnectionLoop(listenFd: fd, wakeFd: wakeRead, metrics: metrics,
                                  clientTimeout: clientTimeout, beforeScrape: beforeScrape).run()
            close(wakeRead)
            close(fd)
            done.signal()
        }
        thread.name = "mamori-metrics-http"
        thread.start()
    }

    deinit { stop() }

    /// Stops accepting, waits for the thread (at most the client timeout), closes the socket.
    public func stop() {
        let first = stopped.withLock { s -> Bool in defer { s = true }; return !s }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        done.wait()
        close(wakeWrite)
    }
}

/// The server thread's loop: accept, read one bounded request, answer, close.
/// Used only by the `MetricsHTTPServer` thread.
struct MetricsConnectionLoop {
    let listenFd: Int32
    let wakeFd: Int32
    let metrics: MamoriMetrics
    let clientTimeout: Double
    let beforeScrape: (@Sendable () -> Void)?

    func run() {
        var body: [UInt8] = []
        while true {
            var fds = [pollfd(fd: listenFd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wakeFd, events: Int16(POLLIN), revents: 0)]
            let rc = poll(&fds, 2, -1)
            if rc < 0 { if errno == EINTR { continue }; return }
            if fds[1].revents != 0 { return }
            guard fds[0].revents & Int16(POLLIN) != 0 else { continue }
            let client = accept(listenFd, nil, nil)
            guard client >= 0 else { continue }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            serve(client, body: &body)
            close(client)
        }
    }

    private func serve(_ client: Int32, body: inout [UInt8]) {
        SocketIO.setTimeouts(client, seconds: clientTimeout)
        let deadline = WallClock.monotonicSeconds() + clientTimeout
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2048)
        while MetricsRequest.parse(request) == .incomplete {
            guard request.count <= MetricsHTTPServer.maxRequestBytes else {
                return respond(client, status: "431 Request Header Fields Too Large", body: Array("request too large\n".utf8), deadline: deadline)
            }
            let left = deadline - WallClock.monotonicSeconds()
            guard left > 0, (try? SocketIO.wait(client, events: Int16(POLLIN), timeout: left)) == true else { return }
            let n = recv(client, &chunk, chunk.count, 0)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            request.append(contentsOf: chunk[0..<n])
        }
        switch MetricsRequest.parse(request) {
        case .incomplete, .badRequest:
            return respond(client, status: "400 Bad Request", body: Array("bad request\n".utf8), deadline: deadline)
        case .methodNotAllowed:
            return respond(client, status: "405 Method Not Allowed", body: Array("only GET\n".utf8), deadline: deadline)
        case .notFound:
            return respond(client, status: "404 Not Found", body: Array("try /metrics\n".utf8), deadline: deadline)
        case .metrics(let head):
            beforeScrape?()
            body.removeAll(keepingCapacity: true)
            metrics.exposition(into: &body)
            respond(client, status: "200 OK", body: head ? [] : body, deadline: deadline,
                    contentType: "text/plain; version=0.0.4; charset=utf-8", contentLength: body.count)
        }
    }

    private func respond(_ client: Int32, status: String, body: [UInt8], deadline: Double,
                         contentType: String = "text/plain; charset=utf-8", contentLength: Int? = nil) {
        let head = "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(contentLength ?? body.count)\r\nConnection: close\r\n\r\n"
        var out = Array(head.utf8)
        out.append(contentsOf: body)
        try? SocketIO.sendAll(client, out, operation: "metrics response", deadline: deadline)
    }
}
