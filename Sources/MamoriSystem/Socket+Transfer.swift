import Glibc

extension Socket {
    /// What to wait for.
    public struct Events: OptionSet, Sendable {
        public let rawValue: Int16
        public init(rawValue: Int16) { self.rawValue = rawValue }
        public static let readable = Events(rawValue: Int16(POLLIN))
        public static let writable = Events(rawValue: Int16(POLLOUT))
        /// The peer shut down its writing half (POLLRDHUP).
        public static let peerHangUp = Events(rawValue: 0x2000)
        public static let hangUp = Events(rawValue: Int16(POLLHUP))
        public static let error = Events(rawValue: Int16(POLLERR))
    }

    /// Waits until the socket is ready for `events`.
    /// - Throws: `.timedOut` when `deadline` passes first.
    public func wait(for events: Events, until deadline: Deadline) throws(IOFailure) {
        guard try Poll.wait([descriptor], for: events, until: deadline) != nil else { throw .timedOut }
    }

    /// Sends every byte before `deadline`, never raising SIGPIPE (MSG_NOSIGNAL): a closed peer
    /// is `.system(.brokenPipe)` (`isPeerGone`). Partial sends continue where they stopped;
    /// EINTR retries; EAGAIN waits for POLLOUT on a non-blocking socket and, on a blocking one
    /// (where it means SO_SNDTIMEO expired), is `.timedOut`.
    public func sendAll(_ bytes: UnsafeRawBufferPointer, deadline: Deadline = .never) throws(IOFailure) {
        var offset = 0
        while offset < bytes.count {
            if deadline.hasPassed { throw .timedOut }
            let n = Glibc.send(rawValue, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if n > 0 { offset += n; continue }
            if n == 0 { throw .system(.brokenPipe) }
            let e = Errno.current
            if e == .interrupted { continue }
            if e == .resourceTemporarilyUnavailable || e == .wouldBlock {
                guard isNonBlocking else { throw .timedOut }
                try wait(for: .writable, until: deadline)
                continue
            }
            throw .system(e)
        }
    }

    public func sendAll(_ bytes: [UInt8], deadline: Deadline = .never) throws(IOFailure) {
        var failure: IOFailure?
        bytes.withUnsafeBytes { raw in
            do throws(IOFailure) { try sendAll(raw, deadline: deadline) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// One datagram (or one send on a stream) without SIGPIPE; returns the bytes accepted.
    public func send(_ bytes: [UInt8]) throws(IOFailure) -> Int {
        while true {
            let n = bytes.withUnsafeBytes { Glibc.send(rawValue, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n >= 0 { return n }
            let e = Errno.current
            if e != .interrupted { throw .system(e) }
        }
    }

    /// One datagram to `address` on an unconnected socket, without SIGPIPE.
    /// - Returns: the bytes the kernel took.
    public func send(_ bytes: [UInt8], to address: SocketAddress) throws(IOFailure) -> Int {
        while true {
            let n = bytes.withUnsafeBytes { raw in
                address.withSockaddr { Glibc.sendto(rawValue, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL), $0, $1) }
            }
            if n >= 0 { return n }
            let e = Errno.current
            if e != .interrupted { throw .system(e) }
        }
    }

    /// Receives up to `buffer.count - offset` bytes into `buffer[offset...]`: the count, 0 at
    /// end of stream (a reset connection is end of stream too). On a non-blocking socket it
    /// waits for data until `deadline`; on a blocking one recv(2) blocks for at most
    /// SO_RCVTIMEO, and EAGAIN (that timeout) is `.timedOut`.
    public func receive(into buffer: inout [UInt8], at offset: Int = 0, deadline: Deadline) throws(IOFailure) -> Int {
        precondition(offset < buffer.count)
        let blocking = !isNonBlocking
        while true {
            let n = buffer.withUnsafeMutableBytes {
                Glibc.recv(rawValue, $0.baseAddress! + offset, $0.count - offset, 0)
            }
            if n >= 0 { return n }
            let e = Errno.current
            if e == .interrupted { continue }
            if e == .connectionReset { return 0 }
            guard e == .resourceTemporarilyUnavailable || e == .wouldBlock else { throw .system(e) }
            if blocking { throw .timedOut }
            try wait(for: .readable, until: deadline)
        }
    }

    /// What is there to receive right now (MSG_DONTWAIT): the count, 0 at end of stream (or
    /// reset), nil when nothing is waiting.
    public func receiveNow(into buffer: inout [UInt8], at offset: Int = 0) throws(IOFailure) -> Int? {
        precondition(offset < buffer.count)
        while true {
            let n = buffer.withUnsafeMutableBytes {
                Glibc.recv(rawValue, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_DONTWAIT))
            }
            if n >= 0 { return n }
            let e = Errno.current
            if e == .interrupted { continue }
            if e == .resourceTemporarilyUnavailable || e == .wouldBlock { return nil }
            if e == .connectionReset { return 0 }
            throw .system(e)
        }
    }

    /// True when a connected stream socket has been closed (or reset) by its peer. Reads and
    /// discards at most 512 bytes of anything the peer sent meanwhile.
    public func peerClosed() -> Bool {
        let ready = (try? Poll.wait([descriptor], for: [.readable, .peerHangUp], until: Deadline(seconds: 0))) ?? nil
        guard let revents = ready?.events else { return false }
        if !revents.intersection([.hangUp, .error, .peerHangUp]).isEmpty { return true }
        var scratch = [UInt8](repeating: 0, count: 512)
        do { return try receiveNow(into: &scratch) == 0 } catch { return true }
    }
}

/// poll(2) over a few descriptors, EINTR retried against the same deadline.
/// Stateless; any thread.
public enum Poll {
    /// Waits until one of `descriptors` is ready for `events`.
    /// - Returns: the first ready descriptor's index and what it reported; nil when
    ///   `deadline` passed first.
    public static func wait(_ descriptors: [FileDescriptor], for events: Socket.Events,
                            until deadline: Deadline) throws(IOFailure) -> (index: Int, events: Socket.Events)? {
        var fds = descriptors.map { pollfd(fd: $0.rawValue, events: events.rawValue, revents: 0) }
        while true {
            let rc = Glibc.poll(&fds, nfds_t(fds.count), deadline.pollMilliseconds)
            if rc > 0 {
                guard let i = fds.firstIndex(where: { $0.revents != 0 }) else { continue }
                return (i, Socket.Events(rawValue: fds[i].revents))
            }
            if rc == 0 {
                if deadline.hasPassed { return nil }
                continue  // poll's millisecond rounding woke us early
            }
            let e = Errno.current
            if e != .interrupted { throw .system(e) }
        }
    }
}
