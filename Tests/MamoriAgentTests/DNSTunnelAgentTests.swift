import MamoriTestSupport
import Foundation
import Glibc
import MamoriAgent
import Testing

/// The whole agent on the real kernel with the shipped DNS rules: a process sends a
/// tunnelling-shaped burst of real UDP lookups over loopback (to a python3 responder on
/// 127.0.0.78:53 that answers NXDOMAIN) and the alerts of the burst and of the long-label
/// query reach the alert log, attributed to that process. The packet-path hook sees the
/// lookups whatever program sends them (here python3, no dig).
@Suite("DNS tunnelling through the agent", .serialized,
       .enabled(if: Privilege.integrationEnabled))
struct DNSTunnelAgentTests {
    static let responder = #"""
    import socket, struct
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.78", 53))
    print("ready", flush=True)
    while True:
        q, peer = u.recvfrom(2048)
        end = 12
        while q[end] != 0: end += 1 + q[end]
        u.sendto(q[:2] + b"\x81\x83" + struct.pack(">HHHH", 1, 0, 0, 0) + q[12:end + 5], peer)
    """#

    /// 24 distinct names of base32-looking chunks under one parent, then one 48-character label.
    static let client = #"""
    import socket, struct, random
    random.seed(7)
    alpha = "abcdefghijklmnopqrstuvwxyz234567"
    def ask(s, name):
        q = struct.pack(">HHHHHH", random.randrange(65536), 0x0100, 1, 0, 0, 0)
        q += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\x00" + struct.pack(">HH", 16, 1)
        s.sendto(q, ("127.0.0.78", 53))
        s.recvfrom(2048)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
    for i in range(24):
        ask(s, "".join(random.choice(alpha) for _ in range(26)) + ".x.exfil-lab.test")
    ask(s, "".join(random.choice(alpha) for _ in range(48)) + ".x.exfil-lab.test")
    """#

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    @Test("a burst of encoded lookups raises the shipped DNS tunnelling alerts")
    func tunnelBurstAlerts() throws {
        let dir = NSTemporaryDirectory() + "mamori-dnsagent-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for rule in ["dns-many-encoded-subdomains", "dns-tunnel-encoded-query"] {
            try FileManager.default.copyItem(atPath: Self.repositoryRoot + "/rules/command_and_control/\(rule).yml",
                                             toPath: dir + "/rules/\(rule).yml")
        }
        try Self.responder.write(toFile: dir + "/responder.py", atomically: true, encoding: .utf8)
        try Self.client.write(toFile: dir + "/client.py", atomically: true, encoding: .utf8)

        var config = AgentConfiguration(rulesDirectory: dir + "/rules", alertsPath: dir + "/alerts.json",
                                        databasePath: nil)
        config.preventionEnabled = false
        config.watchFiles = []
        config.watchDirectories = []
        let agent = Agent(configuration: config) { print("agent: \($0)") }
        try agent.start()
        let done = DispatchSemaphore(value: 0)
        let runner = Thread { agent.run(); done.signal() }
        runner.start()
        defer { agent.requestStop(); done.wait() }

        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        server.arguments = [dir + "/responder.py"]
        let out = Pipe()
        server.standardOutput = out
        try server.run()
        // SIGKILL: the test runner blocks SIGTERM and children inherit the mask.
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        #expect(String(decoding: out.fileHandleForReading.availableData, as: UTF8.self).hasPrefix("ready"))

        let client = Process()
        client.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        client.arguments = [dir + "/client.py"]
        try client.run()
        client.waitUntilExit()
        #expect(client.terminationStatus == 0, "client exit status")
        let pid = Int(client.processIdentifier)

        var mine: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: dir + "/alerts.json", encoding: .utf8)) ?? ""
            mine = text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .filter { ($0["process"] as? [String: Any])?["pid"] as? Int == pid }
            let names = Set(mine.compactMap { ($0["rule"] as? [String: Any])?["name"] as? String })
            if names.count >= 2 { break }
            usleep(200_000)
        }
        let names = Set(mine.compactMap { ($0["rule"] as? [String: Any])?["name"] as? String })
        #expect(names.contains("Burst of distinct encoded-looking DNS names from one session"), "\(mine)")
        #expect(names.contains("DNS query shaped like tunnelled data"), "\(mine)")
        let long = mine.first { ($0["rule"] as? [String: Any])?["name"] as? String == "DNS query shaped like tunnelled data" }
        let question = ((long?["dns"] as? [String: Any])?["question"] as? [String: Any])?["name"] as? String
        #expect(question?.hasSuffix(".x.exfil-lab.test") == true, "\(String(describing: long))")
    }
}
