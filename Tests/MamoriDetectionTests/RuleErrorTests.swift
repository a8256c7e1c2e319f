import Foundation
import Testing
import MamoriDetection

/// Broken rule files are rejected with `file:line:column: reason`, and never cost good rules.
@Suite struct RuleErrorTests {
    /// Writes files into a fresh temporary directory.
    private func directory(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("mamori-rules-\(UUID().uuidString)").path
        for (name, text) in files {
            let path = dir + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return dir
    }

    private static let header = """
        title: t
        id: ID
        logsource:
            product: linux
            category: process_creation
        detection:

        """

    private func errors(_ detection: String, header: String = RuleErrorTests.header) throws -> [String] {
        let dir = try directory(["bad.yml": header.replacingOccurrences(of: "ID", with: "x") + detection])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let report = RuleLoader.load(directory: dir)
        #expect(report.rejectedCount == 1)
        return report.diagnostics.filter { $0.severity == .error }
            .map { $0.description.replacingOccurrences(of: dir + "/", with: "") }
    }

    @Test func unknownModifierPointsAtTheModifier() throws {
        let e = try errors("    sel:\n        Image|endswith|bogus: /x\n    condition: sel\n")
        #expect(e.count == 1)
        #expect(e.first?.hasPrefix("bad.yml:8:24: unknown modifier 'bogus'") == true, "\(e)")
    }

    @Test func conditionSyntaxErrorPointsIntoTheCondition() throws {
        let e = try errors("    sel:\n        Image: /x\n    condition: sel and or sel\n")
        #expect(e == ["bad.yml:9:24: condition: unexpected 'or' where a selection name was expected"])
        let quoted = try errors("    sel:\n        Image: /x\n    condition: 'sel and (sel'\n")
        #expect(quoted == ["bad.yml:9:29: condition: missing ')' to close the '(' at column offset 9"])
        let aggregation = try errors("    sel:\n        Image: /x\n    condition: sel | count() > 5\n")
        #expect(aggregation.first?.hasPrefix("bad.yml:9:20: condition: aggregation expressions") == true, "\(aggregation)")
    }

    @Test func unknownSelectionNameIsReported() throws {
        let e = try errors("    sel:\n        Image: /x\n    condition: sel and not filtr\n")
        #expect(e == ["bad.yml:9:28: condition names unknown selection 'filtr' (defined: sel)"])
        let pattern = try errors("    sel:\n        Image: /x\n    condition: 1 of filter_*\n")
        #expect(pattern == ["bad.yml:9:21: condition: pattern 'filter_*' matches no selection"])
    }

    @Test func unsupportedLogsource() throws {
        let windows = """
            title: t
            logsource:
                product: windows
                category: process_creation
            detection:
                sel:
                    Image: x
                condition: sel
            """
        let dir = try directory(["a/b/win.yaml": windows])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let report = RuleLoader.load(directory: dir)
        #expect(report.diagnostics.map { $0.description.replacingOccurrences(of: dir + "/", with: "") }
                == ["a/b/win.yaml:3:14: unsupported logsource product 'windows': Mamori evaluates Linux events only"])
        let e = try errors("", header: "title: t\nlogsource:\n    product: linux\n    service: auditd\ndetection:\n    sel:\n        a: b\n    condition: sel\n")
        #expect(e.first?.hasPrefix("bad.yml:4:14: unsupported logsource service 'auditd'") == true, "\(e)")
        let category = try errors("", header: "title: t\nlogsource:\n    category: registry_set\ndetection:\n    sel:\n        a: b\n    condition: sel\n")
        #expect(category.first?.hasPrefix("bad.yml:3:15: unsupported logsource category 'registry_set'") == true, "\(category)")
    }

    @Test func yamlSyntaxErrorsCarryTheParserPosition() throws {
        let e = try errors("    sel:\n        Image: [/x\n    condition: sel\n")
        #expect(e.count == 1)
        #expect(e.first?.hasPrefix("bad.yml:9:") == true && e.first?.contains("invalid YAML") == true, "\(e)")
    }

    @Test func structuralErrors() throws {
        let missingTitle = try errors("", header: "logsource:\n    category: process_creation\ndetection:\n    sel:\n        Image: x\n    condition: sel\n")
        #expect(missingTitle == ["bad.yml:1:1: missing required key 'title'"])
        let mapValue = try errors("    sel:\n        Image:\n            a: b\n    condition: sel\n")
        #expect(mapValue == ["bad.yml:9:13: the value of 'Image' must be a value or a list of values, not a map"])
        let level = try errors("    sel:\n        Image: x\n    condition: sel\nlevel: severe\n")
        #expect(level == ["bad.yml:10:8: unknown level 'severe'; use informational, low, medium, high or critical"])
        let duplicate = try errors("    sel:\n        Image: x\n        Image: y\n    condition: sel\n")
        #expect(duplicate == ["bad.yml:9:9: duplicate key 'Image' in a selection"])
        let window = try errors("    sel:\n        Image: x\n    condition: sel\nmamori:\n    threshold:\n        count: 3\n        window: 60x\n")
        #expect(window == ["bad.yml:13:17: threshold window must be a positive duration such as 30s, 5m or 1h (got '60x')"])
        let setting = try errors("    sel:\n        Image: x\n    condition: sel\nmamori:\n    respond: kill\n")
        #expect(setting.first?.hasPrefix("bad.yml:11:5: unknown mamori setting 'respond'") == true, "\(setting)")
    }

    @Test func badFilesDoNotCostGoodOnesAndThePreviousSetStaysUsable() throws {
        let good = Fixture.rule("good", "    sel:\n        Image|endswith: /nc\n    condition: sel")
        let dir = try directory(["good.yml": good])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = RuleLoader.load(directory: dir)
        #expect(first.summary == "loaded 1, degraded 0, rejected 0")
        var engine = DetectionEngine(rules: first.ruleSet, configuration: .init(userNames: Fixture.users))

        try "title: [broken".write(toFile: dir + "/broken.yml", atomically: true, encoding: .utf8)
        try Fixture.rule("good", "    sel:\n        Image|endswith: /socat\n    condition: sel")
            .write(toFile: dir + "/sub-dup.yml", atomically: true, encoding: .utf8)
        let second = RuleLoader.load(directory: dir)
        #expect(second.summary == "loaded 1, degraded 0, rejected 2")
        #expect(second.diagnostics.contains { $0.message.contains("duplicate rule id 'good'") })
        // The caller keeps the previous set when a reload has errors.
        if !second.hasErrors { engine.replaceRules(second.ruleSet) }
        #expect(engine.evaluate(Fixture.exec("/bin/nc", []), process: nil, parent: nil, ancestry: []).count == 1)
        #expect(RuleLoader.load(directory: dir + "/missing").diagnostics.first?.message == "cannot read rule directory")
    }
}
