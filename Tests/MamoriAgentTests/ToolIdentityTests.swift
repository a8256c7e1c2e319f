import MamoriTestSupport
import Foundation
import Glibc
import MamoriAgent
import Testing

/// Content identity on the real kernel: a copy of the host's dash under another name is
/// recognised by content (`ImageIdentity: dash`) and raises the pack's renamed-tool rule;
/// the real shell and an unrelated binary of another size do not.
@Suite("Tool identity by content", .serialized,
       .enabled(if: Privilege.integrationEnabled))
struct ToolIdentityTests {
    @Test("a renamed copy of dash is identified by content and alerted")
    func renamedShellIsRecognised() throws {
        let dir = try TestAgent.scratch("toolid")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: TestAgent.packRule("defense_evasion/renamed-system-tool.yml"),
                                         toPath: dir + "/rules/renamed.yml")
        let copy = dir + "/metrics-exporter"
        try FileManager.default.copyItem(atPath: "/usr/bin/dash", toPath: copy)
        let agent = try TestAgent(directory: dir, configuration: TestAgent.configuration(directory: dir, store: false))
        defer { agent.stop() }
        for exe in [copy, "/usr/bin/dash"] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = ["-c", "sleep 0.3"]
            try p.run()
            p.waitUntilExit()
        }
        let lines = agent.waitForAlerts { $0.contains { $0.contains(copy) } }
        let mine = lines.filter { $0.contains("Well-known tool run under another name") }
        #expect(mine.contains { $0.contains("\"executable\":\"\(copy)\"") }, "no alert for the copy: \(lines)")
        #expect(!mine.contains { $0.contains("\"executable\":\"/usr/bin/dash\"") }, "the real dash must not alert")
    }
}
