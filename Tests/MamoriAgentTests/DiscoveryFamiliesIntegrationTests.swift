import Foundation
import Glibc
import MamoriAgent
import Testing

/// `distinct: selection` end to end: the real sensor reports the execs of real sessions, and the
/// pack's families rule alerts on the session that crosses four discovery families, not on the
/// administrator's session that touches three.
@Suite("Discovery families integration", .serialized,
       .enabled(if: geteuid() == 0 || ProcessInfo.processInfo.environment["CI"] == "true"))
struct DiscoveryFamiliesIntegrationTests {
    static let packRule = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("rules/discovery/discovery-families-in-one-session.yml").path

    /// Runs `script` as its own session (setsid: its own lineage), output discarded.
    private func session(_ script: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        p.arguments = ["--wait", "/bin/bash", "-c", script]
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        p.waitUntilExit()
    }

    @Test("a session crossing four discovery families alerts once; one touching three does not")
    func fourFamiliesAlertThreeDoNot() throws {
        let dir = NSTemporaryDirectory() + "mamori-families-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Self.packRule, toPath: dir + "/rules/families.yml")
        var config = AgentConfiguration(rulesDirectory: dir + "/rules", alertsPath: dir + "/alerts.json",
                                        databasePath: dir + "/mamori.db")
        config.preventionEnabled = false
        config.watchFiles = []
        config.watchDirectories = []
        config.storeEvents = false
        let agent = Agent(configuration: config) { print("agent: \($0)") }
        try agent.start()
        let done = DispatchSemaphore(value: 0)
        let runner = Thread { agent.run(); done.signal() }
        runner.start()
        defer {
            agent.requestStop()
            done.wait()
        }

        // An administrator: listeners, addresses, kernel version (three families), many times.
        try session("ss -tlnp; ip -br addr; uname -r; ss -tlnp; ip -br addr; uname -r; df -h; free -m; uptime")
        // An intruder: accounts, system identity, network configuration, then connections.
        try session("id; uname -a; ip addr; ss -tan")

        var lines: [String] = []
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: dir + "/alerts.json", encoding: .utf8)) ?? ""
            lines = text.split(separator: "\n").map(String.init).filter { $0.contains("Several discovery families") }
            if !lines.isEmpty { break }
            usleep(100_000)
        }
        usleep(500_000)
        lines = ((try? String(contentsOfFile: dir + "/alerts.json", encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init).filter { $0.contains("Several discovery families") }
        #expect(lines.count == 1, "\(lines)")
        let alert = try #require(lines.first)
        let json = try JSONSerialization.jsonObject(with: Data(alert.utf8)) as? [String: Any]
        let process = json?["process"] as? [String: Any]
        // The fourth family's command fired it: the intruder's `ss -tan`, not the admin's `ss -tlnp`.
        #expect((process?["args"] as? [String]) == ["ss", "-tan"], "\(alert)")
    }
}
