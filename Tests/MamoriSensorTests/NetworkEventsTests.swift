import Foundation
import Glibc
import MamoriEvents
@testable import MamoriSensor
import Testing

/// Real loopback sockets (127.0.0.1 and ::1 only) against the real hooks.
extension SensorIntegration {
@Suite("network events")
struct NetworkEventsTests {
    static let me = UInt32(getpid())

    @Test("TCP connect, listen and accept on loopback", arguments: [AF_INET, AF_INET6])
    func tcpConnect(family: Int32) throws {
        let h = try SensorHarness.get()
        h.reset()
        let (lfd, port) = LoopbackSocket.listener(family: family)
        defer { close(lfd) }
        let (cfd, err) = LoopbackSocket.connectTo(family: family, type: Int32(SOCK_STREAM.rawValue), port: port)
        defer { close(cfd) }
        #expect(err == 0)
        let clientPort = LoopbackSocket.localPort(cfd)
        let afd = accept(lfd, nil, nil)
        defer { close(afd) }
        #expect(afd >= 0)

        let loop = family == AF_INET ? "127.0.0.1" : "::1"
        let events = h.collect(filter: {
            if case .network(let n) = $0 { return n.header.tgid == Self.me && (n.sourcePort == port || n.destinationPort == port) }
            return false
        }, until: { $0.count >= 3 })
        let nets = events.compactMap { if case .network(let n) = $0 { return n } else { return nil } }

        let c = nets.first { $0.op == .connect }
        #expect(c != nil, "connect event")
        #expect(c?.destination.description == loop)
        #expect(c?.destinationPort == port)
        #expect(c?.source.description == loop)
        #expect(c?.sourcePort == clientPort)
        #expect(c?.result == 0)
        #expect(c?.transport == "tcp")
        #expect(c?.family == (family == AF_INET ? .inet : .inet6))
        #expect(c?.subject.uid == getuid())

        let l = nets.first { $0.op == .listen }
        #expect(l?.sourcePort == port)
        #expect(l?.source.description == loop)
        #expect(l?.result == 0)

        let a = nets.first { $0.op == .accept }
        #expect(a?.sourcePort == port, "accept: local end is the listener port")
        #expect(a?.destinationPort == clientPort, "accept: remote end is the client")
        #expect(a?.destination.description == loop)
        #expect(a?.result == Int32(afd))
    }

    @Test("a refused connect reports the error")
    func refusedConnect() throws {
        let h = try SensorHarness.get()
        h.reset()
        // Bind-then-close gives a loopback port with nothing listening.
        let (lfd, port) = LoopbackSocket.listener(family: AF_INET)
        close(lfd)
        let (cfd, err) = LoopbackSocket.connectTo(family: AF_INET, type: Int32(SOCK_STREAM.rawValue), port: port)
        close(cfd)
        #expect(err == ECONNREFUSED)
        let found = h.first {
            if case .network(let n) = $0 { return n.op == .connect && n.destinationPort == port && n.header.tgid == Self.me }
            return false
        }
        guard case .network(let n)? = found else { Issue.record("no connect event"); return }
        #expect(n.result == -ECONNREFUSED)
    }

    @Test("UDP: connect and the first datagram of a flow", arguments: [AF_INET, AF_INET6])
    func udp(family: Int32) throws {
        let h = try SensorHarness.get()
        h.reset()
        let port = UInt16.random(in: 40000...60000)
        let src = LoopbackSocket.sendDatagram(family: family, port: port)
        let (ufd, err) = LoopbackSocket.connectTo(family: family, type: Int32(SOCK_DGRAM.rawValue), port: port &+ 1)
        close(ufd)
        #expect(err == 0)
        let loop = family == AF_INET ? "127.0.0.1" : "::1"
        let events = h.collect(filter: {
            if case .network(let n) = $0 { return n.header.tgid == Self.me && (n.destinationPort == port || n.destinationPort == port &+ 1) }
            return false
        }, until: { $0.count >= 2 })
        let nets = events.compactMap { if case .network(let n) = $0 { return n } else { return nil } }
        let send = nets.first { $0.op == .send }
        #expect(send?.destination.description == loop)
        #expect(send?.destinationPort == port)
        #expect(send?.transport == "udp")
        if family == AF_INET, let s = send { #expect(s.sourcePort == src || s.sourcePort == 0) }
        let conn = nets.first { $0.op == .connect }
        #expect(conn?.destinationPort == port &+ 1)
        #expect(conn?.transport == "udp")
        #expect(conn?.result == 0)
    }
}
}
