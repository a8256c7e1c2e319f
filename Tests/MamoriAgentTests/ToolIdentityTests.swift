import Foundation
import Glibc
import MamoriAgent
import Testing

/// Content identity on the real kernel: a copy of the host's dash under another name is
/// recognised by content (`ImageIdentity: dash`) and raises the pack's renamed-tool rule;
/// the real shell and an unrelated binary of another size do not.
@Suite("Tool identity by content", .serialized,
       .enabled(if: geteuid() == 0 || ProcessInfo.processInfo.environment["CI"] == "true"))
struct ToolIdentityTests {
    @Test("a renamed copy of dash is identified by content and alerted")
    func renamedShellIsRecognised() throws {
        let dir = NSTemporaryDirectory() + "mamori-toolid-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pack = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("rules/defense_evasion/renamed-system-tool.yml").path
        try FileManager.default.copyItem(atPath: pack, toPath: dir + "/rules/renamed.yml")
        let copy = dir + "/metrics-exporter"
        try FileManager.default.copyItem(atPath: "/usr/bin/dash", toPath: copy)

        var config = AgentConfiguration(rulesDirectory: dir + "/rules", alertsPath: dir + "/alerts.json", databasePath: nil)
        config.preventionEnabled = false
        config.watchFiles = []
        config.watchDirectories = []
        config.controlSocket = nil
        let agent = Agent(configuration: config) { print("agent: \($0)") }
        try agent.start()
        let done = DispatchSemaphore(value: 0)
        let runner = Thread { agent.run(); done.signal() }
        runner.start()
        defer {
            agent.requestStop()
            done.wait()
        }
        for exe in [copy, "/usr/bin/dash"] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = ["-c", "sleep 0.3"]
            try p.run()
            p.waitUntilExit()
        }
        var lines: [String] = []
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            lines = ((try? String(contentsOfFile: dir + "/alerts.json", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            if lines.contains(where: { $0.contains(copy) }) { break }
            usleep(100_000)
        }
        let mine = lines.filter { $0.contains("Well-known tool run under another name") }
        #expect(mine.contains { $0.contains("\"executable\":\"\(copy)\"") }, "no alert for the copy: \(lines)")
        #expect(!mine.contains { $0.contains("\"executable\":\"/usr/bin/dash\"") }, "the real dash must not alert")
    }
}
