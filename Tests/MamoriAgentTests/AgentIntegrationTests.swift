import MamoriTestSupport
import Foundation
import Glibc
import MamoriAgent
import MamoriStore
import Testing

/// The whole agent on the real kernel: a spawned process triggers rules, the alert lands in
/// the ECS alert log and in the store, grouped into an incident.
@Suite("Agent integration", .serialized,
       .enabled(if: Privilege.integrationEnabled))
struct AgentIntegrationTests {
    static let rules = """
    title: Shell with stdin on a socket (test)
    id: test-agent-reverse-shell
    level: critical
    tags: [attack.execution, attack.t1059.004]
    logsource: {product: linux, category: process_creation}
    detection:
      sel:
        Image|endswith: [/sh, /dash, /bash]
        StdinType: socket
      condition: sel
    mamori: {confidence: high}
    ---
    title: Marker file written (test)
    id: test-agent-marker
    level: low
    tags: [attack.impact, attack.t1485]
    logsource: {product: linux, category: file_event}
    detection:
      sel:
        TargetFilename|endswith: /mamori-agent-marker
      condition: sel
    """

    @Test("a reverse-shell-like exec raises an ECS alert, stored with its incident")
    func alertEndToEnd() throws {
        let dir = try TestAgent.scratch("agent")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.rules.write(toFile: dir + "/rules/test.yml", atomically: true, encoding: .utf8)
        // Detection only: never reads or changes the host's level state. Events are not stored:
        // other suites (a 20,000-exec burst) may run at the same time in a debug build; keep the
        // worker light so the alerts are not queued behind the burst's event rows.
        let agent = try TestAgent(directory: dir, configuration: TestAgent.configuration(directory: dir, store: true))
        defer { agent.stop() }

        // The trigger: /bin/sh whose stdin is one end of a socket pair.
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", ": > '\(dir)/mamori-agent-marker'"]
        p.standardInput = FileHandle(fileDescriptor: pair[1], closeOnDealloc: true)
        try p.run()
        p.waitUntilExit()
        close(pair[0])

        // Wait for both alerts in the log.
        let lines = agent.waitForAlerts(seconds: 60) { $0.filter { $0.contains("\"pid\":\(p.processIdentifier),") }.count >= 2 }
        let docs = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        // Other suites spawn socket-stdin shells concurrently: pick the alert for our process.
        let shell = docs.first {
            ($0["rule"] as? [String: Any])?["id"] as? String == "test-agent-reverse-shell"
                && ($0["process"] as? [String: Any])?["pid"] as? Int == Int(p.processIdentifier)
        }
        #expect(shell != nil, "reverse-shell alert in \(lines)")
        if let shell {
            let event = shell["event"] as? [String: Any]
            #expect(event?["kind"] as? String == "alert")
            #expect((event?["risk_score"] as? Int ?? 0) > 0)
            let process = shell["process"] as? [String: Any]
            #expect(process?["pid"] as? Int == Int(p.processIdentifier))
            #expect((process?["parent"] as? [String: Any])?["pid"] as? Int == Int(getpid()))
            let threat = shell["threat"] as? [String: Any]
            #expect((threat?["technique"] as? [[String: Any]])?.first?["id"] as? String == "T1059")
            let mamori = shell["mamori"] as? [String: Any]
            #expect((mamori?["stdio"] as? [String: Any])?["stdin"] as? String == "socket")
            #expect(((mamori?["incident"] as? [String: Any])?["id"] as? String)?.count == 36)
        }
        #expect(docs.contains { ($0["rule"] as? [String: Any])?["id"] as? String == "test-agent-marker" })

        // The store has the alerts (the writer flushes every 250 ms) and one incident for both.
        agent.stop()
        let store = try EventStore(path: dir + "/mamori.db", mode: .readOnly)
        let alerts = try store.alerts(filter: AlertFilter())
        #expect(Set(alerts.map(\.ruleId)) == ["test-agent-reverse-shell", "test-agent-marker"])
        let mine = alerts.filter { $0.entityId == alerts.first { $0.ruleId == "test-agent-marker" }?.entityId }
        #expect(Set(mine.map(\.ruleId)) == ["test-agent-reverse-shell", "test-agent-marker"], "both rules on our shell")
        #expect(Set(mine.compactMap(\.incidentUUID)).count == 1, "same causal root → one incident")
        let incidents = try store.incidents(filter: IncidentFilter())
        #expect(incidents.count >= 1)
        let stored = try store.process(entityId: try #require(alerts.first?.entityId))
        #expect(stored != nil, "the alerting process is stored")
    }
}
