import Glibc

/// The few socket operations the exporters and the metrics server need, each retrying EINTR
/// and turning errno into `ExportError`.
///
/// Exists to keep raw POSIX calls in one file. Stateless; any thread may use it, but a given
/// descriptor belongs to one thread at a time.
enum SocketIO {
    /// One resolved socket address.
    struct Address: @unchecked Sendable {
        // SAFETY: a plain C value copied around; never shared by reference.
        var storage = sockaddr_storage()
        var length: socklen_t = 0
        var family: Int32 { Int32(storage.ss_family) }

        /// "127.0.0.1:514" / "[::1]:514".
        var text: String {
            var copy = storage
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            var serv = [CChar](repeating: 0, count: Int(NI_MAXSERV))
            let rc = withUnsafePointer(to: &copy) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    getnameinfo($0, length, &host, socklen_t(host.count), &serv, socklen_t(serv.count),
                                NI_NUMERICHOST | NI_NUMERICSERV)
                }
            }
            guard rc == 0 else { return "?" }
            let h = cString(host), s = cString(serv)
            return family == AF_INET6 ? "[\(h)]:\(s)" : "\(h):\(s)"
        }

        /// True for 127.0.0.0/8 and ::1 (and ::ffff:127.x).
        var isLoopback: Bool {
            var copy = storage
            return withUnsafeBytes(of: &copy) { raw -> Bool in
                if family == AF_INET {
                    let sin = raw.load(as: sockaddr_in.self)
                    return UInt32(bigEndian: sin.sin_addr.s_addr) >> 24 == 127
                }
                if family == AF_INET6 {
                    let sin6 = raw.load(as: sockaddr_in6.self)
                    let b = withUnsafeBytes(of: sin6.sin6_addr) { Array($0) }
                    if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return true }
                    if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff { return b[12] == 127 }
                }
                return false
            }
        }
    }

    /// Resolves `host` (name or literal) and `port` for a stream or datagram socket.
    static func resolve(host: String, port: UInt16, datagram: Bool, numericOnly: Bool = false) throws(ExportError) -> [Address] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(datagram ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        if numericOnly { hints.ai_flags = AI_NUMERICHOST }
        var result: UnsafeMutablePointer<addrinfo>?
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let rc = getaddrinfo(bare, String(port), &hints, &result)
        guard rc == 0, let first = result else {
            throw .unresolvable(host: host, reason: String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(first) }
        var out: [Address] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let ai = cursor {
            var a = Address()
            a.length = ai.pointee.ai_addrlen
            withUnsafeMutableBytes(of: &a.storage) { dst in
                dst.copyMemory(from: UnsafeRawBufferPointer(start: ai.pointee.ai_addr, count: Int(ai.pointee.ai_addrlen)))
            }
            out.append(a)
            cursor = ai.pointee.ai_next
        }
        return out
    }

    /// Opens a socket and connects it within `timeout` seconds; the returned descriptor is
    /// blocking with send/receive timeouts of `timeout`.
    static func connect(to address: Address, datagram: Bool, timeout: Double) throws(ExportError) -> Int32 {
        let type = Int32(datagram ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd = socket(address.family, type, 0)
        guard fd >= 0 else { throw .socket(operation: "socket", errno: errno) }
        var ok = false
        defer { if !ok { close(fd) } }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        var storage = address.storage
        let rc = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, address.length) }
        }
        if rc != 0 {
            guard errno == EINPROGRESS else { throw .socket(operation: "connect \(address.text)", errno: errno) }
            guard try wait(fd, events: Int16(POLLOUT), timeout: timeout) else {
                throw .timedOut(operation: "connect \(address.text)")
            }
            var soError: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len)
            if soError != 0 { throw .socket(operation: "connect \(address.text)", errno: soError) }
        }
        _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
        setTimeouts(fd, seconds: timeout)
        if !datagram {
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        ok = true
        return fd
    }

    /// A listening stream socket (SO_REUSEADDR, backlog 16) and the address actually bound
    /// (port 0 becomes the chosen port).
    static func listen(on address: Address) throws(ExportError) -> (fd: Int32, bound: Address) {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .socket(operation: "socket", errno: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var storage = address.storage
        let bound = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, address.length) } }
        guard bound == 0, Glibc.listen(fd, 16) == 0 else {
            let e = errno
            close(fd)
            throw .socket(operation: "listen on \(address.text)", errno: e)
        }
        var actual = Address()
        actual.length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &actual.storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actual.length) } }
        return (fd, actual)
    }

    static func setTimeouts(_ fd: Int32, seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Polls one descriptor; false on timeout.
    static func wait(_ fd: Int32, events: Int16, timeout: Double) throws(ExportError) -> Bool {
        var pfd = pollfd(fd: fd, events: events, revents: 0)
        while true {
            let rc = poll(&pfd, 1, Int32(max(0, timeout * 1000)))
            if rc > 0 { return true }
            if rc == 0 { return false }
            if errno != EINTR { throw .socket(operation: "poll", errno: errno) }
        }
    }

    /// Sends every byte (MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE). Each send(2)
    /// is bounded by the socket's SO_SNDTIMEO; `deadline` (monotonic seconds) bounds the whole,
    /// so a peer that reads a byte at a time cannot hold the caller forever.
    static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, operation: String,
                        deadline: Double = .infinity) throws(ExportError) {
        var offset = 0
        while offset < bytes.count {
            if WallClock.monotonicSeconds() > deadline { throw .timedOut(operation: operation) }
            let n = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if n > 0 { offset += n; continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw .timedOut(operation: operation) }
            throw .socket(operation: operation, errno: n < 0 ? errno : EPIPE)
        }
    }

    static func sendAll(_ fd: Int32, _ bytes: [UInt8], operation: String, deadline: Double = .infinity) throws(ExportError) {
        var failure: ExportError?
        bytes.withUnsafeBytes { raw in
            do throws(ExportError) { try sendAll(fd, raw, operation: operation, deadline: deadline) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// True when a connected stream socket has been closed (or reset) by its peer; consumes
    /// nothing it should not (syslog and OTLP servers never send unsolicited data we need).
    static func peerClosed(_ fd: Int32) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN) | Int16(0x2000) /* POLLRDHUP */, revents: 0)
        guard poll(&pfd, 1, 0) > 0 else { return false }
        if pfd.revents & (Int16(POLLHUP) | Int16(POLLERR) | Int16(0x2000) /* POLLRDHUP */) != 0 { return true }
        var scratch = [UInt8](repeating: 0, count: 512)
        let n = recv(fd, &scratch, scratch.count, Int32(MSG_DONTWAIT))
        return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }
}

/// A NUL-terminated C buffer as a String.
func cString(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
