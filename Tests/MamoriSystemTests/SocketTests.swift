import Foundation
import Glibc
import MamoriSystem
import Testing

/// The system layer's promises, on real sockets over loopback and unix socket pairs: connect
/// gives up at its deadline, partial writes are completed, EINTR is retried, and a closed peer
/// is an EPIPE error, never SIGPIPE.
@Suite struct SocketTests {
    /// A listener whose accept queue is full drops further SYNs, so the next connect can only
    /// end by its deadline (loopback only; nothing leaves the host).
    @Test func connectGivesUpAtItsDeadlineWhenTheSynIsDropped() throws {
        let any = try SocketAddress.resolve(host: "127.0.0.1", port: 0, datagram: false, numericOnly: true)[0]
        let listener = try Socket.open(family: AF_INET, .stream)
        defer { listener.close() }
        try listener.bind(to: any)
        try listener.listen(backlog: 0)
        let address = try listener.localAddress()
        var queued: [Socket] = []
        defer { queued.forEach { $0.close() } }
        // Fill the accept queue (never accepted); stop at the first connect that hangs.
        var timedOut = false
        for _ in 0..<8 {
            let start = MonotonicClock.seconds()
            do {
                queued.append(try Socket.connected(to: address, deadline: .after(0.3)))
            } catch .timedOut {
                let waited = MonotonicClock.seconds() - start
                #expect(waited >= 0.29, "gave up after \(waited) s, before its deadline")
                #expect(waited < 2.5, "deadline 0.3 s, waited \(waited) s")
                timedOut = true
                break
            }
        }
        #expect(timedOut, "every connect succeeded: the kernel never dropped a SYN")
    }

    @Test func connectToAPortNobodyListensOnIsRefusedNotTimedOut() throws {
        let probe = try Socket.open(family: AF_INET, .stream)
        try probe.bind(to: try SocketAddress.resolve(host: "127.0.0.1", port: 0, datagram: false, numericOnly: true)[0])
        let address = try probe.localAddress()  // bound, never listening: nothing accepts here
        defer { probe.close() }
        #expect(throws: IOFailure.system(.connectionRefused)) {
            _ = try Socket.connected(to: address, deadline: .after(5))
        }
    }

    @Test func connectToAMissingUnixPathNamesTheErrno() throws {
        let address = try #require(SocketAddress.unix("/nonexistent-mamori-dir/x.sock"))
        #expect(throws: IOFailure.system(.noSuchFileOrDirectory)) {
            _ = try Socket.connected(to: address, nonBlocking: true, deadline: .after(1))
        }
        #expect(SocketAddress.unix(String(repeating: "a", count: 200)) == nil, "a path longer than sun_path")
    }

    /// 4 MiB through a socket whose send buffer is a few KiB: the kernel takes it in many
    /// partial sends; every byte arrives, in order.
    @Test func sendAllCompletesPartialWrites() throws {
        let (a, b) = try Socket.pair(nonBlocking: true)
        defer { a.close(); b.close() }
        try a.setIntOption(SOL_SOCKET, SO_SNDBUF, 4096)
        let payload = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        let received = LockedBytes()
        let reader = Thread {
            var chunk = [UInt8](repeating: 0, count: 3000)
            while let n = try? b.receive(into: &chunk, deadline: .after(10)), n > 0 {
                received.append(chunk[..<n])
            }
        }
        reader.start()
        try a.sendAll(payload, deadline: .after(30))
        a.shutdown()
        let deadline = Date().addingTimeInterval(30)
        while received.count < payload.count && Date() < deadline { usleep(2_000) }
        #expect(received.count == payload.count)
        #expect(received.snapshot() == payload)
    }

    @Test func sendAllToAReaderThatNeverReadsEndsAtTheDeadline() throws {
        let (a, b) = try Socket.pair(nonBlocking: true)
        defer { a.close(); b.close() }
        let start = MonotonicClock.seconds()
        #expect(throws: IOFailure.timedOut) {
            try a.sendAll([UInt8](repeating: 7, count: 16 << 20), deadline: .after(0.2))
        }
        #expect(MonotonicClock.seconds() - start < 3)
    }

    /// With SIGPIPE at its default action (terminate), a send to a closed peer must come back
    /// as EPIPE: if MSG_NOSIGNAL were missing this test process would die here.
    @Test func sendToAClosedPeerIsEPIPENotSIGPIPE() throws {
        let previous = signal(SIGPIPE, SIG_DFL)
        defer { signal(SIGPIPE, previous) }
        let (a, b) = try Socket.pair()
        defer { a.close() }
        b.close()
        do {
            try a.sendAll(Array("hello".utf8), deadline: .after(1))
            Issue.record("a send to a closed peer succeeded")
        } catch {
            #expect(error == .system(.brokenPipe))
            #expect(error.isPeerGone)
        }
        #expect(a.peerClosed())
    }

    /// A signal handler installed without SA_RESTART makes blocking read(2) and poll(2) fail
    /// with EINTR; readExact and Poll.wait retry and still deliver what was asked.
    @Test func eintrIsRetried() throws {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        action.sa_flags = 0  // no SA_RESTART: interrupted calls return EINTR
        sigemptyset(&action.sa_mask)
        var old = sigaction()
        sigaction(SIGUSR1, &action, &old)
        defer { sigaction(SIGUSR1, &old, nil) }

        let pipe = try FileDescriptor.pipe()
        defer { try? pipe.readEnd.close(); try? pipe.writeEnd.close() }
        let (a, b) = try Socket.pair()
        defer { a.close(); b.close() }
        let result = LockedBytes()
        let polled = LockedBytes()
        let target = ThreadID()
        let worker = Thread {
            target.set(pthread_self())
            if let ready = try? Poll.wait([b.descriptor], for: .readable, until: .after(20)), ready.index == 0 {
                polled.append([1])
            }
            if let bytes = try? pipe.readEnd.readExact(10) { result.append(bytes[...]) }
        }
        worker.start()
        while target.get() == nil { usleep(1_000) }
        // Interrupt the blocked poll, then the blocked read, many times each.
        for _ in 0..<20 { pthread_kill(target.get()!, SIGUSR1); usleep(5_000) }
        try a.sendAll([9])
        for _ in 0..<20 { pthread_kill(target.get()!, SIGUSR1); usleep(5_000) }
        try pipe.writeEnd.writeAll(Array("01234".utf8))
        for _ in 0..<20 { pthread_kill(target.get()!, SIGUSR1); usleep(5_000) }
        try pipe.writeEnd.writeAll(Array("56789".utf8))
        let deadline = Date().addingTimeInterval(10)
        while result.count < 10 && Date() < deadline { usleep(2_000) }
        #expect(polled.count == 1, "Poll.wait gave up on EINTR")
        #expect(String(decoding: result.snapshot(), as: UTF8.self) == "0123456789")
    }

    @Test func readExactStopsShortOnlyAtEndOfFile() throws {
        let pipe = try FileDescriptor.pipe()
        try pipe.writeEnd.writeAll(Array("abc".utf8))
        try pipe.writeEnd.close()
        defer { try? pipe.readEnd.close() }
        #expect(try pipe.readEnd.readExact(10) == Array("abc".utf8))
        #expect(try pipe.readEnd.readExact(10) == [])
    }

    @Test func addressesPrintAndClassify() throws {
        let v4 = try SocketAddress.resolve(host: "127.0.0.1", port: 514, datagram: true, numericOnly: true)[0]
        #expect(v4.text == "127.0.0.1:514" && v4.isLoopback && v4.port == 514)
        let v6 = try SocketAddress.resolve(host: "[::1]", port: 9464, datagram: false, numericOnly: true)[0]
        #expect(v6.text == "[::1]:9464" && v6.isLoopback)
        let other = try SocketAddress.resolve(host: "192.0.2.1", port: 1, datagram: false, numericOnly: true)[0]
        #expect(!other.isLoopback)
        #expect(throws: SocketAddress.ResolveError.self) {
            _ = try SocketAddress.resolve(host: "not an address", port: 1, datagram: false, numericOnly: true)
        }
        #expect(SocketAddress.unix("/run/mamori/control.sock")?.text == "/run/mamori/control.sock")
    }
}

/// Bytes appended by one thread and read by another. Sendable via its lock.
final class LockedBytes: @unchecked Sendable {
    // SAFETY: every access holds `lock`.
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    func append(_ more: ArraySlice<UInt8>) { lock.lock(); bytes.append(contentsOf: more); lock.unlock() }
    func append(_ more: [UInt8]) { append(more[...]) }
    var count: Int { lock.lock(); defer { lock.unlock() }; return bytes.count }
    func snapshot() -> [UInt8] { lock.lock(); defer { lock.unlock() }; return bytes }
}

/// A pthread id published by a worker thread. Sendable via its lock.
final class ThreadID: @unchecked Sendable {
    // SAFETY: every access holds `lock`.
    private let lock = NSLock()
    private var id: pthread_t?
    func set(_ t: pthread_t) { lock.lock(); id = t; lock.unlock() }
    func get() -> pthread_t? { lock.lock(); defer { lock.unlock() }; return id }
}
