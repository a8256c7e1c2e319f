import Glibc

/// The few unix-socket operations the server and the client share: address building, connect
/// with a timeout, reads and writes bounded by a deadline.
///
/// Exists so that every blocking call in the control channel has a bound: a stuck peer costs a
/// timeout, never a hung thread. Stateless; any thread.
enum SocketIO {
    /// Why an I/O step stopped.
    enum Failure: Error, Equatable {
        case timedOut
        case closed
        case errno(Int32)
    }

    /// Monotonic now, in seconds.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Calls `body` with a `sockaddr_un` for `path`.
    /// - Returns: nil if the path does not fit in `sun_path` (108 bytes with the NUL).
    static func withAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T? {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity else { return nil }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let len = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + 1)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, len) }
        }
    }

    /// A new non-blocking, close-on-exec unix stream socket.
    static func streamSocket() throws(Failure) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw .errno(errno) }
        return fd
    }

    /// Sets O_NONBLOCK and FD_CLOEXEC (glibc's accept4/pipe2 are not visible to Swift).
    static func makeNonBlockingCloseOnExec(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
    }

    /// Connects `fd` (non-blocking) to `path` within `timeout` seconds.
    static func connect(_ fd: Int32, to path: String, timeout: Double) throws(Failure) {
        guard let rc = withAddress(path, { Glibc.connect(fd, $0, $1) }) else { throw .errno(ENAMETOOLONG) }
        if rc == 0 { return }
        let code = errno
        guard code == EINPROGRESS || code == EAGAIN else { throw .errno(code) }
        try wait(fd, for: Int16(POLLOUT), until: now() + timeout)
        var soError: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len)
        if soError != 0 { throw .errno(soError) }
    }

    /// Waits until `fd` is ready for `events` or `deadline` (monotonic) passes.
    static func wait(_ fd: Int32, for events: Int16, until deadline: Double) throws(Failure) {
        while true {
            let left = deadline - now()
            if left <= 0 { throw .timedOut }
            var p = pollfd(fd: fd, events: events, revents: 0)
            let rc = poll(&p, 1, Int32(min(left * 1000, 1_000_000)) + 1)
            if rc < 0 { if errno == EINTR { continue }; throw .errno(errno) }
            if rc > 0 { return }
        }
    }

    /// Writes all of `bytes` plus a newline before `deadline`; never raises SIGPIPE.
    static func writeLine(_ fd: Int32, _ bytes: [UInt8], until deadline: Double) throws(Failure) {
        var line = bytes
        line.append(UInt8(ascii: "\n"))
        var off = 0
        while off < line.count {
            let n = line.withUnsafeBytes { send(fd, $0.baseAddress! + off, $0.count - off, Int32(MSG_NOSIGNAL)) }
            if n > 0 { off += n; continue }
            let code = errno
            if n < 0 && code == EINTR { continue }
            if n < 0 && (code == EAGAIN || code == EWOULDBLOCK) {
                try wait(fd, for: Int16(POLLOUT), until: deadline)
                continue
            }
            if code == EPIPE || code == ECONNRESET { throw .closed }
            throw .errno(code)
        }
    }
}

/// Splits what arrives on a non-blocking socket into lines, with a maximum line length.
///
/// Exists so that a client cannot make the agent buffer without bound: a line longer than
/// `maxLineBytes` is reported as `.tooLong` and the connection dropped. Owned by one thread.
struct LineReader {
    enum Outcome: Equatable {
        case line([UInt8])
        case endOfStream
        case tooLong
    }

    let fd: Int32
    let maxLineBytes: Int
    private var buffer: [UInt8] = []
    private var scanned = 0
    private var chunk = [UInt8](repeating: 0, count: 4096)

    init(fd: Int32, maxLineBytes: Int) {
        self.fd = fd
        self.maxLineBytes = maxLineBytes
        buffer.reserveCapacity(min(maxLineBytes, 4096) + 1)
    }

    /// The next line (without its newline) received before `deadline`.
    mutating func next(until deadline: Double) throws(SocketIO.Failure) -> Outcome {
        while true {
            if let nl = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<nl])
                buffer.removeSubrange(...nl)
                scanned = 0
                if line.count > maxLineBytes { return .tooLong }
                return .line(line)
            }
            scanned = buffer.count
            if buffer.count > maxLineBytes { return .tooLong }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { buffer.append(contentsOf: chunk[..<n]); continue }
            if n == 0 {
                if buffer.isEmpty { return .endOfStream }
                let last = buffer; buffer.removeAll(); scanned = 0
                return .line(last)
            }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK {
                try SocketIO.wait(fd, for: Int16(POLLIN), until: deadline)
                continue
            }
            if code == ECONNRESET { return .endOfStream }
            throw .errno(code)
        }
    }
}
