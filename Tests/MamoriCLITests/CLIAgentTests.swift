import MamoriTestSupport
import Foundation
import Glibc
import Testing

/// The CLI against a real agent (root): `--json` output of the query and control commands
/// parses and says what happened, and exit statuses are 0 when they should be.
@Suite("CLI against a running agent", .serialized,
       .enabled(if: Privilege.integrationEnabled))
struct CLIAgentTests {
    @Test("status, level, alerts, incidents, events, story, reload and simulate answer in JSON")
    func jsonOutputOfEveryQueryCommand() throws {
        let dir = NSTemporaryDirectory() + "mamori-cli-agent-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            title: CLI marker file (test)
            id: test-cli-marker
            level: medium
            tags: [attack.impact, attack.t1485]
            logsource: {product: linux, category: file_event}
            detection:
              sel: {TargetFilename|contains: mamori-cli-marker}
              condition: sel
            """.write(toFile: dir + "/rules/marker.yml", atomically: true, encoding: .utf8)
        let socket = dir + "/control.sock", db = dir + "/mamori.db"
        try """
            rules: {directory: \(dir)/rules}
            alerts: {path: \(dir)/alerts.json}
            store: {path: \(db)}
            control: {socket: \(socket)}
            sensor: {watch_files: [], watch_directories: []}
            """.write(toFile: dir + "/config.yaml", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["agent", "--config", dir + "/config.yaml"]
        let agent = try LaunchedProcess(process, logPath: dir + "/agent.log")
        defer { agent.stop() }
        func agentLog() -> String { agent.log }
        try #require(agent.waitForLog("sensor attached"), "\(agentLog())")

        FileManager.default.createFile(atPath: dir + "/mamori-cli-marker", contents: Data("x".utf8))
        var alerts: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let r = try CLI.run(["alerts", "--json", "--db", db])
            alerts = Self.objects(r.stdout)
            if alerts.contains(where: { "\($0)".contains("test-cli-marker") }) { break }
            usleep(300_000)
        }
        #expect(alerts.contains { "\($0)".contains("test-cli-marker") }, "alerts: \(alerts)")

        let status = try CLI.run(["status", "--json", "--socket", socket, "--db", db])
        #expect(status.status == 0, "\(status.output)")
        let s = CLI.json(status) as? [String: Any]
        #expect(s?["agentRunning"] == nil || s?["agentRunning"] as? Bool == true, "\(status.stdout)")
        #expect((s?["alertCount"] as? Int ?? 0) >= 1, "\(status.stdout)")  // the last alert may be an agent notice

        let level = try CLI.run(["level", "show", "--json", "--socket", socket])
        #expect(level.status == 0, "\(level.output)")
        #expect(CLI.json(level) is [String: Any], "\(level.stdout)")

        let incidents = try CLI.run(["incidents", "--json", "--db", db])
        #expect(incidents.status == 0, "\(incidents.output)")
        let incidentList = Self.objects(incidents.stdout)
        #expect(!incidentList.isEmpty, "\(incidents.stdout)")

        let events = try CLI.run(["events", "--json", "--kind", "file", "--path", dir + "/mamori-cli-marker", "--db", db])
        #expect(events.status == 0, "\(events.output)")
        #expect(events.stdout.contains("mamori-cli-marker"), "\(events.stdout.prefix(500))")
        #expect(!Self.objects(events.stdout).isEmpty)

        let incidentId = alerts.filter { $0["rule_id"] as? String == "test-cli-marker" }
            .compactMap { Self.find("incident", in: $0) }.first
        if let incidentId {
            let story = try CLI.run(["story", incidentId, "--db", db])
            #expect(story.status == 0, "\(story.output)")
            #expect(story.stdout.contains("mamori-cli-marker"), "\(story.stdout.prefix(800))")
            let storyJSON = try CLI.run(["story", incidentId, "--format", "json", "--db", db])
            #expect(storyJSON.status == 0, "\(storyJSON.output)")
            #expect(CLI.json(storyJSON) is [String: Any], "\(storyJSON.stdout.prefix(400))")
        } else {
            Issue.record("no incident id in \(alerts)")
        }

        let reload = try CLI.run(["reload", "--socket", socket])
        #expect(reload.status == 0, "\(reload.output)")
        #expect(reload.stdout.contains("1 rule") || reload.stdout.contains("rules"), "\(reload.stdout)")
        #expect(!reload.stdout.contains("configuration changed"), "nothing changed: \(reload.stdout)")

        // A broken configuration file: the reload says so with file:line and exits non-zero;
        // the agent keeps running on the previous configuration.
        let good = try String(contentsOfFile: dir + "/config.yaml", encoding: .utf8)
        try (good + "\nexports: {syslog: {enabled: true, port: 99999}}\n").write(toFile: dir + "/config.yaml", atomically: true, encoding: .utf8)
        let bad = try CLI.run(["reload", "--socket", socket])
        #expect(bad.status != 0, "a rejected configuration is an error: \(bad.output)")
        #expect(bad.output.contains("configuration reload rejected") && bad.output.contains("config.yaml:"), "\(bad.output)")
        #expect(agent.process.isRunning)
        // A valid change is read by `mamori reload` as by SIGHUP, and says what needs a restart.
        try (good + "\nexports: {syslog: {enabled: false, port: 1514}}\n").write(toFile: dir + "/config.yaml", atomically: true, encoding: .utf8)
        let changed = try CLI.run(["reload", "--socket", socket])
        #expect(changed.status == 0 && changed.stdout.contains("configuration changed"), "\(changed.output)")
        #expect(changed.output.contains("exports"), "restart-only keys are named: \(changed.output)")
        try good.write(toFile: dir + "/config.yaml", atomically: true, encoding: .utf8)

        let simulate = try CLI.run(["level", "simulate", "4", "--json", "--socket", socket])
        #expect(simulate.status == 0, "\(simulate.output)")
        #expect(CLI.json(simulate) != nil, "\(simulate.stdout.prefix(400))")
    }

    /// JSON objects in `text`: one array, or JSON lines.
    static func objects(_ text: String) -> [[String: Any]] {
        if let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] { return array }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// The first string value whose key contains `fragment` (e.g. "incident"), at any depth.
    static func find(_ fragment: String, in object: [String: Any]) -> String? {
        for (key, value) in object {
            if key.lowercased().contains(fragment), let s = value as? String, !s.isEmpty { return s }
            if key.lowercased().contains(fragment), let s = (value as? [String: Any])?["id"] as? String { return s }
            if let nested = value as? [String: Any], let s = find(fragment, in: nested) { return s }
        }
        return nil
    }
}
