import Foundation
import Testing
import MamoriDetection
import MamoriEvents
import MamoriProcess

/// The default rule pack: it loads cleanly, every rule is documented and tested, each rule fires
/// on its attack and stays silent on the nearest benign look-alike.
@Suite struct RulePackTests {
    @Test func packLoadsWithZeroDiagnostics() {
        let report = Pack.report
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics.map(\.description).joined(separator: "\n"))")
        #expect(report.rejectedCount == 0)
        #expect(report.degradedCount == 0, "\(report.outcomes.filter { $0.status == .degraded }.map { "\($0.file): \($0.reasons)" })")
        #expect(report.loadedCount == Pack.fileSlugs.count)
        #expect(report.ruleSet.count >= 50 && report.ruleSet.count <= 150, "rule count \(report.ruleSet.count)")
    }

    @Test func everyRuleCarriesTheRequiredMetadata() throws {
        let uuid = try Regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        for rule in Pack.report.ruleSet.rules {
            let slug = Pack.slugById[rule.id] ?? rule.id
            #expect(rule.id.wholeMatch(of: uuid) != nil, "\(slug): id is not a fresh UUID")
            #expect(rule.author == "Mamori", "\(slug): author")
            #expect(rule.status != nil, "\(slug): status")
            #expect((rule.description ?? "").count >= 40, "\(slug): description")
            #expect(!rule.falsePositives.isEmpty, "\(slug): falsepositives")
            #expect(!rule.attack.techniques.isEmpty, "\(slug): no attack.tNNNN tag")
            #expect(!rule.attack.tacticNames.isEmpty, "\(slug): no attack.<tactic> tag")
            let text = try String(contentsOfFile: rule.source, encoding: .utf8)
            for key in ["\ndate: ", "\nlogsource:\n    product: linux\n    category: ", "\nmamori:\n    confidence: ", "\n    response: "] {
                #expect(text.contains(key), "\(slug): missing '\(key.trimmingCharacters(in: .newlines))'")
            }
        }
    }

    /// `kill`/`kill-tree` is reserved for behaviour that is malicious beyond reasonable doubt.
    @Test func killIsReservedForUnambiguousRules() {
        let killers = Set(Pack.report.ruleSet.rules.filter { $0.response != .none }.compactMap { Pack.slugById[$0.id] })
        #expect(killers == ["reverse-shell-socket-stdio", "interpreter-inline-socket-shell", "network-tool-serves-shell",
                            "download-chmod-execute-binary", "cryptocurrency-miner"])
    }

    @Test func everyRuleHasFixtures() {
        let fixtureSlugs = Fixtures.all.map(\.slug)
        #expect(Set(fixtureSlugs).count == fixtureSlugs.count, "duplicate fixtures")
        let missing = Set(Pack.fileSlugs).subtracting(fixtureSlugs).sorted()
        let stale = Set(fixtureSlugs).subtracting(Pack.fileSlugs).sorted()
        #expect(missing.isEmpty, "rules without fixtures: \(missing)")
        #expect(stale.isEmpty, "fixtures without rules: \(stale)")
        for fixture in Fixtures.all {
            #expect(!fixture.positives.isEmpty && !fixture.negatives.isEmpty, "\(fixture.slug) needs a true positive and a near miss")
        }
    }

    @Test(arguments: Fixtures.all)
    func ruleFiresOnAttackAndNotOnNearMiss(_ fixture: RuleFixture) {
        #expect(Pack.idBySlug[fixture.slug] != nil, "no loaded rule \(fixture.slug)")
        for c in fixture.positives {
            let fired = Pack.fired(c.steps)
            #expect(Set(fired) == Set([fixture.slug] + c.also), "true positive '\(c.label)' fired \(fired)")
            #expect(fired.filter { $0 == fixture.slug }.count == 1, "true positive '\(c.label)' fired \(fired)")
        }
        for c in fixture.negatives {
            let fired = Pack.fired(c.steps)
            #expect(Set(fired) == Set(c.also), "near miss '\(c.label)' fired \(fired)")
            #expect(!fired.contains(fixture.slug), "near miss '\(c.label)' fired its own rule")
        }
    }
}
