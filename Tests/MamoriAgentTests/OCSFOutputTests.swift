import MamoriTestSupport
import Foundation
import Glibc
import Testing

/// `output.format: ocsf` end to end: the shipped agent on the real kernel writes its alert log
/// and its all-events log (`exports.events_json`) as OCSF 1.4, and every line validates against
/// the OCSF schema (Tests/ocsf/validate.py).
@Suite("OCSF output", .serialized,
       .enabled(if: Privilege.integrationEnabled))
struct OCSFOutputTests {
    @Test("alert log and events log are valid OCSF; the alert is a Detection Finding")
    func agentWritesValidOCSF() throws {
        let agent = try AgentChild(dir: NSTemporaryDirectory() + "mamori-ocsf-\(getpid())")
        defer { agent.cleanup() }
        let events = agent.dir + "/events.json"
        try agent.start(overrides: ["output.format=ocsf", "exports.events_json.enabled=true",
                                    "exports.events_json.path=\(events)"])
        let marker = agent.dir + "/mamori-resilience-alert-ocsf"
        FileManager.default.createFile(atPath: marker, contents: Data("x".utf8))
        let deadline = Date().addingTimeInterval(60)
        var alerts = ""
        while Date() < deadline {
            alerts = (try? String(contentsOfFile: agent.alertsPath, encoding: .utf8)) ?? ""
            if alerts.contains("test-resilience-marker") { break }
            usleep(100_000)
        }
        #expect(agent.stop() == 0)
        let alertLines = alerts.split(separator: "\n")
        #expect(!alertLines.isEmpty, "no alert line: \(agent.log)")
        let mine = alertLines.first { $0.contains("test-resilience-marker") }.map { String($0) } ?? "{}"
        let finding = try JSONSerialization.jsonObject(with: Data(mine.utf8)) as? [String: Any]
        #expect(finding?["class_uid"] as? Int == 2004)
        #expect((finding?["finding_info"] as? [String: Any])?["title"] as? String == "Resilience marker file (test)")
        let evidence = (finding?["evidences"] as? [[String: Any]])?.first
        #expect(((evidence?["file"] as? [String: Any])?["path"] as? String) == marker)
        // Every line of the alert log is OCSF, the agent's own notices included.
        #expect(alertLines.allSatisfy { $0.contains("\"class_uid\":") && !$0.contains("\"ecs\":") })

        // The events log: every kind the machine produced while the agent ran, our file among them.
        let eventText = (try? String(contentsOfFile: events, encoding: .utf8)) ?? ""
        // Search the whole log (other suites running beside this one can put thousands of lines
        // before ours); validate the first 4000 lines plus ours.
        let allLines = eventText.split(separator: "\n")
        let ours = allLines.first { $0.contains("\"class_uid\":1001") && $0.contains("mamori-resilience-alert-ocsf") }
        #expect(ours != nil, "no OCSF File System Activity line for the marker among \(allLines.count) lines")
        let eventLines = Array(allLines.prefix(4000)) + (ours.map { [$0] } ?? [])
        let sample = agent.dir + "/sample.json"
        try (eventLines.joined(separator: "\n") + "\n").write(toFile: sample, atomically: true, encoding: .utf8)
        let (status, output) = try Self.validate([agent.alertsPath, sample])
        #expect(status == 0, "\(output)")
    }

    /// Runs the OCSF validator on files; its output ends with "N events checked, M errors".
    static func validate(_ files: [String]) throws -> (Int32, String) {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ocsf/validate.py").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, "1.4.0"] + files
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
