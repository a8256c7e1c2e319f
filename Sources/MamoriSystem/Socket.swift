import Glibc

/// A unix or inet socket: open, connect with a deadline, bind/listen/accept, options, close.
/// Transfers (poll, send-all, receive) are in Socket+Transfer.swift.
///
/// Exists so that the control channel, the exporters, the metrics server, systemd notification
/// and the selftest share one implementation of the calls that are easy to get subtly wrong
/// (EINPROGRESS + SO_ERROR, close-on-exec, SIGPIPE, EINTR). A handle, not an owner: copies name
/// the same descriptor and whoever opened it calls `close()` once. Sendable; a given socket
/// belongs to one thread at a time, except `shutdown`, which any thread may call to wake it.
public struct Socket: Sendable, Hashable {
    public let descriptor: FileDescriptor

    public init(_ descriptor: FileDescriptor) { self.descriptor = descriptor }
    public init(rawValue: Int32) { self.descriptor = FileDescriptor(rawValue: rawValue) }

    public var rawValue: Int32 { descriptor.rawValue }

    /// Stream or datagram.
    public enum Kind: Sendable { case stream, datagram }

    /// A new close-on-exec socket of `family` (AF_UNIX, AF_INET, AF_INET6).
    public static func open(family: Int32, _ kind: Kind, nonBlocking: Bool = false) throws(IOFailure) -> Socket {
        var type = Int32(kind == .stream ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        if nonBlocking { type |= Int32(SOCK_NONBLOCK.rawValue) }
        let fd = Glibc.socket(family, type, 0)
        guard fd >= 0 else { throw .system(.current) }
        return Socket(rawValue: fd)
    }

    /// Two connected unix stream sockets (socketpair(2)), close-on-exec.
    public static func pair(nonBlocking: Bool = false) throws(IOFailure) -> (Socket, Socket) {
        var fds: [Int32] = [-1, -1]
        var type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        if nonBlocking { type |= Int32(SOCK_NONBLOCK.rawValue) }
        guard socketpair(AF_UNIX, type, 0, &fds) == 0 else { throw .system(.current) }
        return (Socket(rawValue: fds[0]), Socket(rawValue: fds[1]))
    }

    /// A connected socket to `address`, or the reason there is none by `deadline`.
    /// The socket keeps the blocking mode asked for; `kind` must match how `address` was resolved.
    public static func connected(to address: SocketAddress, _ kind: Kind = .stream, nonBlocking: Bool = false,
                                 deadline: Deadline) throws(IOFailure) -> Socket {
        let s = try open(family: address.family, kind, nonBlocking: true)
        do {
            try s.connect(to: address, deadline: deadline)
            if !nonBlocking { try s.setNonBlocking(false) }
            return s
        } catch {
            s.close()
            throw error
        }
    }

    /// Connects a non-blocking socket within `deadline` (EINPROGRESS, then poll for POLLOUT and
    /// read SO_ERROR). A blocking socket connects as the kernel decides (no deadline).
    public func connect(to address: SocketAddress, deadline: Deadline) throws(IOFailure) {
        while true {
            if address.withSockaddr({ Glibc.connect(rawValue, $0, $1) }) == 0 { return }
            let e = Errno.current
            if e == .interrupted { break }  // the connect continues in the kernel: wait for it
            guard e == .nowInProgress || e == .resourceTemporarilyUnavailable else { throw .system(e) }
            break
        }
        try wait(for: .writable, until: deadline)
        let soError = try intOption(SOL_SOCKET, SO_ERROR)
        if soError != 0 { throw .system(Errno(rawValue: soError)) }
    }

    /// Binds to `address`.
    public func bind(to address: SocketAddress) throws(IOFailure) {
        guard address.withSockaddr({ Glibc.bind(rawValue, $0, $1) }) == 0 else { throw .system(.current) }
    }

    public func listen(backlog: Int32) throws(IOFailure) {
        guard Glibc.listen(rawValue, backlog) == 0 else { throw .system(.current) }
    }

    /// The address the socket is bound to (port 0 becomes the port the kernel chose).
    public func localAddress() throws(IOFailure) -> SocketAddress {
        var a = SocketAddress()
        a.length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutableBytes(of: &a.storage) { raw in
            getsockname(rawValue, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &a.length)
        }
        guard rc == 0 else { throw .system(.current) }
        return a
    }

    /// The next pending connection, non-blocking and close-on-exec; nil when none is pending
    /// (EAGAIN) or it was aborted before we took it (ECONNABORTED).
    public func accept() throws(IOFailure) -> Socket? {
        while true {
            let fd = Glibc.accept(rawValue, nil, nil)
            if fd >= 0 {
                let s = Socket(rawValue: fd)
                try? s.setNonBlocking(true)
                try? s.setCloseOnExec()
                return s
            }
            let e = Errno.current
            if e == .interrupted { continue }
            if e == .resourceTemporarilyUnavailable || e == .wouldBlock || e == .connectionAbort { return nil }
            throw .system(e)
        }
    }

    /// Closes the descriptor; errors (EINTR included: Linux has closed it anyway) are ignored.
    public func close() { _ = Glibc.close(rawValue) }

    /// shutdown(2) both directions: wakes a thread blocked on this socket.
    public func shutdown() { _ = Glibc.shutdown(rawValue, Int32(SHUT_RDWR)) }

    // MARK: options

    public func setNonBlocking(_ on: Bool) throws(IOFailure) {
        let flags = fcntl(rawValue, F_GETFL)
        guard flags >= 0 else { throw .system(.current) }
        guard fcntl(rawValue, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK) == 0 else { throw .system(.current) }
    }

    public var isNonBlocking: Bool { fcntl(rawValue, F_GETFL) & O_NONBLOCK != 0 }

    public func setCloseOnExec() throws(IOFailure) {
        let flags = fcntl(rawValue, F_GETFD)
        guard flags >= 0, fcntl(rawValue, F_SETFD, flags | FD_CLOEXEC) == 0 else { throw .system(.current) }
    }

    /// SO_SNDTIMEO and SO_RCVTIMEO: the longest a blocking send or receive waits.
    public func setTimeouts(seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        setsockopt(rawValue, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(rawValue, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    public func setIntOption(_ level: Int32, _ name: Int32, _ value: Int32) throws(IOFailure) {
        var v = value
        guard setsockopt(rawValue, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) == 0 else { throw .system(.current) }
    }

    public func intOption(_ level: Int32, _ name: Int32) throws(IOFailure) -> Int32 {
        var v: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(rawValue, level, name, &v, &len) == 0 else { throw .system(.current) }
        return v
    }

    /// TCP_NODELAY on a TCP socket.
    public func setNoDelay() { try? setIntOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1) }

    /// SO_REUSEADDR, before bind.
    public func setReuseAddress() { try? setIntOption(SOL_SOCKET, SO_REUSEADDR, 1) }

    /// The connected unix peer's pid, uid and gid as the kernel recorded them (SO_PEERCRED);
    /// nil on a socket that has none.
    public func peerCredentials() -> (pid: Int32, uid: UInt32, gid: UInt32)? {
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; } (Linux, socket(7)).
        var cred: (Int32, UInt32, UInt32) = (0, 0, 0)
        var len = socklen_t(MemoryLayout<(Int32, UInt32, UInt32)>.size)
        guard getsockopt(rawValue, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0, len >= 12 else { return nil }
        return (cred.0, cred.1, cred.2)
    }

    /// The unix peer's supplementary groups recorded at connect time (SO_PEERGROUPS, Linux
    /// 4.13+); nil where unsupported.
    public func peerGroups() -> [UInt32]? {
        let soPeerGroups: Int32 = 59  // SO_PEERGROUPS, asm-generic/socket.h
        var groups = [UInt32](repeating: 0, count: 64)
        for _ in 0..<2 {
            var len = socklen_t(groups.count * MemoryLayout<UInt32>.size)
            let rc = groups.withUnsafeMutableBytes { getsockopt(rawValue, SOL_SOCKET, soPeerGroups, $0.baseAddress, &len) }
            if rc == 0 { return Array(groups.prefix(Int(len) / MemoryLayout<UInt32>.size)) }
            guard errno == ERANGE else { return nil }
            groups = [UInt32](repeating: 0, count: Int(len) / MemoryLayout<UInt32>.size + 1)
        }
        return nil
    }
}
