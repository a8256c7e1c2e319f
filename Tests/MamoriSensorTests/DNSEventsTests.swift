import Foundation
import Glibc
import MamoriEvents
import MamoriProcess
@testable import MamoriSensor
import Testing

/// A real DNS lookup over loopback against the real cgroup skb programs: a tiny responder
/// (python3 stdlib) on 127.0.0.77:53 answers with a CNAME and an A record; a separate client
/// process queries it and then connects to the address it got. The query and the answer must
/// be attributed to the client, and the connect must carry the name it looked up.
extension SensorIntegration {
@Suite("dns events")
struct DNSEventsTests {
    static let server = "127.0.0.77"
    static let target = "127.0.0.99"

    /// Answers every query for QNAME with "QNAME CNAME edge.mamori-cdn.test" and
    /// "edge.mamori-cdn.test A 127.0.0.99"; also listens on TCP 127.0.0.99:<port> so the
    /// client's connect succeeds. Prints the TCP port, then serves until killed.
    static let responder = #"""
    import socket, struct, sys
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    u.bind(("127.0.0.77", 53))
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.99", 0)); t.listen(8)
    print(t.getsockname()[1], flush=True)
    while True:
        q, peer = u.recvfrom(2048)
        qid = q[:2]
        end = 12
        while q[end] != 0: end += 1 + q[end]
        question = q[12:end + 5]
        cname = b"\x04edge\x0amamori-cdn\x04test\x00"
        ans = b"\xc0\x0c" + struct.pack(">HHIH", 5, 1, 300, len(cname)) + cname
        off = 12 + len(question) + 12
        ans += struct.pack(">H", 0xc000 | off) + struct.pack(">HHIH", 1, 1, 300, 4) + socket.inet_aton("127.0.0.99")
        u.sendto(qid + b"\x81\x80" + struct.pack(">HHHH", 1, 2, 0, 0) + question + ans, peer)
        c, _ = t.accept(); c.close()
    """#

    /// Queries NAME at 127.0.0.77:53, takes the last A record, connects to it on PORT.
    static let client = #"""
    import socket, struct, sys
    name, port = sys.argv[1], int(sys.argv[2])
    q = struct.pack(">HHHHHH", 0x4d4d, 0x0100, 1, 0, 0, 0)
    q += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\x00" + struct.pack(">HH", 1, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5)
    s.sendto(q, ("127.0.0.77", 53))
    r, _ = s.recvfrom(2048)
    ip = socket.inet_ntoa(r[-4:])
    c = socket.create_connection((ip, port), timeout=5); c.close()
    print(ip)
    """#

    @Test("a UDP lookup over loopback, then a connect to the answer: dns events and destination.domain")
    func lookupThenConnect() throws {
        let h = try SensorHarness.get()
        let dir = try makeTempDir("dns")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.responder.write(toFile: dir + "/responder.py", atomically: true, encoding: .utf8)
        try Self.client.write(toFile: dir + "/client.py", atomically: true, encoding: .utf8)

        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        server.arguments = [dir + "/responder.py"]
        let out = Pipe()
        server.standardOutput = out
        try server.run()
        // SIGKILL: the test runner blocks SIGTERM and children inherit the mask.
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        let port = try #require(UInt16(line.trimmingCharacters(in: .whitespacesAndNewlines)), "responder port: \(line)")

        h.reset()
        let name = "C2.Mamori-Lookup.test"   // mixed case: names are reported lower-cased
        let (clientPid, status) = try runProcess("/usr/bin/python3", [dir + "/client.py", name, String(port)])
        #expect(status == 0, "client exit status")
        let me = UInt32(clientPid)

        let events = h.collect(timeout: 10, filter: { e in
            switch e {
            case .dns(let d): return d.destination.description == Self.server || d.header.tgid == me
            case .network(let n): return n.header.tgid == me && n.op == .connect && n.destinationPort == port
            default: return false
            }
        }, until: { es in
            es.contains { if case .network = $0 { return true } else { return false } }
                && es.contains { if case .dns(let d) = $0 { return d.direction == .answer } else { return false } }
        })

        let dns = events.compactMap { if case .dns(let d) = $0 { return d } else { return nil } }
        let query = try #require(dns.first { $0.direction == .query }, "query event: \(dns)")
        #expect(query.header.tgid == me, "query attributed to the client")
        #expect(query.attribution == .sender)
        #expect(query.subject.comm.hasPrefix("python3"))
        #expect(query.destination.description == Self.server)
        #expect(query.destinationPort == 53)
        #expect(query.source.description == "127.0.0.1")
        #expect(query.proto == 17)
        #expect(query.message?.questionName == "c2.mamori-lookup.test")
        #expect(query.message?.questionType == 1)
        #expect(query.message?.isResponse == false)
        #expect(query.message?.id == 0x4d4d)

        let answer = try #require(dns.first { $0.direction == .answer }, "answer event: \(dns)")
        #expect(answer.header.tgid == me, "answer attributed to the client that asked")
        #expect(answer.attribution == .socket)
        #expect(answer.socketCookie == query.socketCookie && answer.socketCookie != 0)
        #expect(answer.sourcePort == query.sourcePort)
        let m = try #require(answer.message)
        #expect(m.isResponse && m.responseCode == 0 && m.id == 0x4d4d)
        #expect(m.questionName == "c2.mamori-lookup.test")
        #expect(m.answers.count == 2)
        #expect(m.answers.first?.target == "edge.mamori-cdn.test")
        #expect(m.answers.last?.name == "edge.mamori-cdn.test")
        #expect(m.resolvedAddresses.map(\.description) == [Self.target])
        // The responder's own socket (source port 53 leaving) is not a client: not reported.
        #expect(!dns.contains { $0.sourcePort == 53 })

        // The worker stage: the cache names the connect that followed.
        let names = DomainNameCache()
        var connect: NetworkEvent?
        for var e in events {
            names.apply(&e)
            if case .network(let n) = e { connect = n }
        }
        let c = try #require(connect, "connect event")
        #expect(c.destination.description == Self.target)
        #expect(c.destinationDomain?.name == "c2.mamori-lookup.test")
        #expect(c.destinationDomain?.view == .process)
    }

    /// DNS over TCP (RFC 7766 framing: a two-byte length before each message).
    static let tcpResponder = #"""
    import socket, struct
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind(("127.0.0.80", 53)); t.listen(4)
    print("ready", flush=True)
    while True:
        c, _ = t.accept()
        n = struct.unpack(">H", c.recv(2))[0]
        q = b""
        while len(q) < n: q += c.recv(n - len(q))
        end = 12
        while q[end] != 0: end += 1 + q[end]
        r = q[:2] + b"\x81\x80" + struct.pack(">HHHH", 1, 1, 0, 0) + q[12:end + 5]
        r += b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton("127.0.0.98")
        c.sendall(struct.pack(">H", len(r)) + r); c.close()
    """#

    static let tcpClient = #"""
    import socket, struct, sys
    q = struct.pack(">HHHHHH", 0x7c7c, 0x0100, 1, 0, 0, 0)
    q += b"".join(bytes([len(l)]) + l.encode() for l in sys.argv[1].split(".")) + b"\x00" + struct.pack(">HH", 1, 1)
    c = socket.create_connection(("127.0.0.80", 53), timeout=5)
    c.sendall(struct.pack(">H", len(q)) + q)
    n = struct.unpack(">H", c.recv(2))[0]
    r = b""
    while len(r) < n: r += c.recv(n - len(r))
    print(socket.inet_ntoa(r[-4:]))
    """#

    @Test("a DNS lookup over TCP: query and answer parsed past the length prefix, attributed to the client")
    func lookupOverTCP() throws {
        let h = try SensorHarness.get()
        let dir = try makeTempDir("dnstcp")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.tcpResponder.write(toFile: dir + "/responder.py", atomically: true, encoding: .utf8)
        try Self.tcpClient.write(toFile: dir + "/client.py", atomically: true, encoding: .utf8)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        server.arguments = [dir + "/responder.py"]
        let out = Pipe()
        server.standardOutput = out
        try server.run()
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        #expect(String(decoding: out.fileHandleForReading.availableData, as: UTF8.self).hasPrefix("ready"))

        h.reset()
        let (clientPid, status) = try runProcess("/usr/bin/python3", [dir + "/client.py", "tcp.mamori-lookup.test"])
        #expect(status == 0, "client exit status")
        let me = UInt32(clientPid)
        let events = h.collect(timeout: 10, filter: { e in
            if case .dns(let d) = e { return d.header.tgid == me || d.destination.description == "127.0.0.80" }
            return false
        }, until: { es in
            es.contains { if case .dns(let d) = $0 { return d.direction == .answer && d.message != nil } else { return false } }
        })
        let dns = events.compactMap { if case .dns(let d) = $0 { return d } else { return nil } }
        let query = try #require(dns.first { $0.direction == .query && $0.message != nil }, "query: \(dns)")
        #expect(query.proto == 6 && query.header.tgid == me)
        #expect(query.message?.questionName == "tcp.mamori-lookup.test" && query.message?.id == 0x7c7c)
        let answer = try #require(dns.first { $0.direction == .answer && $0.message != nil }, "answer: \(dns)")
        #expect(answer.proto == 6 && answer.header.tgid == me, "answer attributed to the client")
        #expect(answer.message?.resolvedAddresses.map(\.description) == ["127.0.0.98"])
    }

    @Test("non-DNS UDP and TCP on loopback produce no dns events")
    func nonDNSIsIgnored() throws {
        let h = try SensorHarness.get()
        h.reset()
        let port = UInt16.random(in: 40000...60000)
        _ = LoopbackSocket.sendDatagram(family: AF_INET, port: port)
        let (lfd, tport) = LoopbackSocket.listener(family: AF_INET)
        let (cfd, _) = LoopbackSocket.connectTo(family: AF_INET, type: Int32(SOCK_STREAM.rawValue), port: tport)
        close(cfd); close(lfd)
        let me = UInt32(getpid())
        // Wait for the connect (same lane, so anything the hooks emitted for it is ahead).
        let events = h.collect(filter: { e in
            if case .dns(let d) = e { return d.header.tgid == me }
            if case .network(let n) = e { return n.header.tgid == me && n.destinationPort == tport }
            return false
        }, until: { $0.contains { if case .network = $0 { return true } else { return false } } })
        #expect(events.contains { if case .network = $0 { return true } else { return false } })
        #expect(!events.contains { if case .dns = $0 { return true } else { return false } })
    }
}
}
