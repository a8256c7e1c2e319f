import Foundation
import Glibc
import MamoriEvents
@testable import MamoriSensor
import Testing

/// Issue 13.5: a connect's destination must be what the kernel used, not what user memory says
/// at syscall exit. The race is made deterministic: listener A's accept queue is full, so the
/// connect to A blocks (its SYN is dropped and retransmitted after ~1 s); while it waits, the
/// test rewrites the port in the very sockaddr it passed to connect(2) to listener B's, then
/// frees A's queue. The socket connects to A; the event must say A.
extension SensorIntegration {
@Suite("connect destination under a user-memory rewrite")
struct ConnectRaceTests {
    static let me = UInt32(getpid())

    @Test("the reported destination is the connected peer, not the rewritten sockaddr")
    func destinationSurvivesRewrites() throws {
        let h = try SensorHarness.get()
        h.reset()
        let (la, portA) = Self.listener(backlog: 0)
        let (lb, portB) = Self.listener(backlog: 16)
        defer { close(la); close(lb) }
        // Fill A's queue: one connection waits unaccepted, the next SYN is dropped.
        let (filler, ferr) = LoopbackSocket.connectTo(family: AF_INET, type: Int32(SOCK_STREAM.rawValue), port: portA)
        defer { close(filler) }
        #expect(ferr == 0)

        let addr = UnsafeMutablePointer<sockaddr_in>.allocate(capacity: 1)
        defer { addr.deallocate() }
        addr.initialize(to: sockaddr_in())
        addr.pointee.sin_family = sa_family_t(AF_INET)
        addr.pointee.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.pointee.sin_port = portA.bigEndian
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        nonisolated(unsafe) let sa = addr
        let result = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        result.initialize(to: 1)
        defer { result.deallocate() }
        nonisolated(unsafe) let out = result
        let connector = Thread {
            out.pointee = sa.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 ? 0 : errno
            }
        }
        connector.start()
        usleep(300_000)                       // the connect is blocked in the kernel by now
        addr.pointee.sin_port = portB.bigEndian  // the rewrite
        let first = accept(la, nil, nil)      // free A's queue; the SYN retransmit gets in
        defer { if first >= 0 { close(first) } }
        let deadline = Date().addingTimeInterval(10)
        while connector.isExecuting && Date() < deadline { usleep(10_000) }
        #expect(result.pointee == 0, "connect: errno \(result.pointee)")
        let peer = Self.peerPort(fd)
        #expect(peer == portA, "the socket connected to A")

        let local = LoopbackSocket.localPort(fd)
        let found = h.first(timeout: 10) {
            if case .network(let n) = $0 { return n.op == .connect && n.header.tgid == Self.me && n.sourcePort == local }
            return false
        }
        guard case .network(let n)? = found else { Issue.record("no connect event"); return }
        #expect(n.destinationPort == portA, "event says port \(n.destinationPort); connected to \(portA), sockaddr said \(portB) at exit")
    }

    static func listener(backlog: Int32) -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        precondition(listen(fd, backlog) == 0)
        return (fd, LoopbackSocket.localPort(fd))
    }

    static func peerPort(_ fd: Int32) -> UInt16 {
        var a = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &len) } }
        return UInt16(bigEndian: a.sin_port)
    }
}
}
