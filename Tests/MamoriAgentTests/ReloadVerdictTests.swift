import Foundation
@testable import MamoriAgent
import MamoriControl
import Testing

/// Issue 13 #11: `mamori reload` gets the agent's verdict: a rejected rule set is a `failed`
/// error (the CLI exits 1) naming file:line:column, not "reloaded: N rules".
@Suite struct ReloadVerdictTests {
    func tempRules(_ files: [String: String]) throws -> String {
        let dir = NSTemporaryDirectory() + "mamori-reload-verdict-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        return dir
    }

    static let goodRule: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOfFile: root.path + "/rules/collection/sensitive-data-archived-to-temp.yml", encoding: .utf8)) ?? ""
    }()

    @Test func rejectedRulesAreAnErrorWithPositions() throws {
        let dir = try tempRules(["good.yml": Self.goodRule, "bad.yml": "title: broken\ndetection:\n  sel: [unclosed\n"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard case .failure(let e) = AgentControlHandler.reloadVerdict(directory: dir) else {
            Issue.record("a broken rule file was accepted"); return
        }
        #expect(e.code == .failed)
        #expect(e.message.hasPrefix("rules reload rejected"))
        let hasPosition = e.message.split(separator: "\n").contains { line in
            let parts = line.trimmingCharacters(in: .whitespaces).split(separator: ":")
            return line.contains("bad.yml:") && parts.count >= 4 && Int(parts[1]) != nil && Int(parts[2]) != nil
        }
        #expect(hasPosition, "\(e.message)")
    }

    @Test func acceptedRulesReportTheirCount() throws {
        #expect(!Self.goodRule.isEmpty)
        let dir = try tempRules(["good.yml": Self.goodRule])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try AgentControlHandler.reloadVerdict(directory: dir).get()
        #expect(r.rulesLoaded == 1)
    }
}
