import Foundation
import Testing
import MamoriDetection

/// Loads every SigmaHQ Linux rule of the categories Mamori evaluates (from `../shared/sigma`,
/// relative to the package root) and requires all of them to load.
@Suite struct SigmaCompatibilityTests {
    static let sigmaDirectory = BenchmarkWorkload.sigmaDirectory
    static let categories: Set<String> = ["process_creation", "network_connection", "file_event",
                                          "file_delete", "file_rename", "file_change"]

    /// SigmaHQ rules Mamori cannot load, with the reason (kept in sync with docs/rules.md).
    static let expectedRejections: [String: String] = [:]

    @Test func allSigmaHQLinuxRulesLoad() throws {
        guard FileManager.default.fileExists(atPath: Self.sigmaDirectory) else {
            let ci = ProcessInfo.processInfo.environment["CI"] == "true"
            print("SigmaHQ rules not found at \(Self.sigmaDirectory): compatibility test skipped")
            #expect(!ci, "CI=true requires the SigmaHQ rules at \(Self.sigmaDirectory)")
            return
        }
        let sources = try RuleLoader.sources(inDirectory: Self.sigmaDirectory, origin: .sigma).get()
        // Select by reading the files as text, independently of the loader.
        let relevant = sources.filter { source in
            let lines = source.text.split(separator: "\n")
            let linux = lines.contains { $0.trimmingCharacters(in: .whitespaces) == "product: linux" }
            let category = lines.contains { line in
                let t = line.trimmingCharacters(in: .whitespaces)
                return t.hasPrefix("category:") && Self.categories.contains(t.dropFirst("category:".count).trimmingCharacters(in: .whitespaces))
            }
            return linux && category
        }
        let report = RuleLoader.load(sources: relevant)
        var byCategory: [String: [RuleOutcome.Status: Int]] = [:]
        for outcome in report.outcomes {
            byCategory[outcome.logsourceCategory ?? "?", default: [:]][outcome.status, default: 0] += 1
        }
        print("SigmaHQ Linux rules (\(Self.sigmaDirectory)): \(relevant.count) files, \(report.summary)")
        for (category, counts) in byCategory.sorted(by: { $0.key < $1.key }) {
            print("  \(category): loaded \(counts[.loaded] ?? 0), degraded \(counts[.degraded] ?? 0), rejected \(counts[.rejected] ?? 0)")
        }
        for outcome in report.outcomes where outcome.status != .loaded {
            let name = URL(fileURLWithPath: outcome.file).lastPathComponent
            print("  \(outcome.status.rawValue): \(name): \(outcome.reasons.joined(separator: "; "))")
        }
        for d in report.diagnostics where d.severity == .warning { print("  \(d)") }

        #expect(report.outcomes.count == relevant.count)
        let rejected = report.outcomes.filter { $0.status == .rejected }
        #expect(rejected.count == Self.expectedRejections.count,
                "unexpected rejections: \(rejected.map { "\($0.file): \($0.reasons)" })")
        for outcome in rejected {
            let name = URL(fileURLWithPath: outcome.file).lastPathComponent
            #expect(Self.expectedRejections[name] != nil, "\(name) rejected: \(outcome.reasons)")
        }
        #expect(report.ruleSet.count == relevant.count - Self.expectedRejections.count)
    }

    @Test func otherLinuxLogsourcesAreRejectedWithAReason() throws {
        guard FileManager.default.fileExists(atPath: Self.sigmaDirectory) else { return }
        let report = RuleLoader.load(directory: Self.sigmaDirectory, origin: .sigma)
        let unsupported = report.outcomes.filter { $0.status == .rejected }
        print("SigmaHQ directory as a whole: \(report.summary) (rejections are other logsources: auditd, sshd, ...)")
        for outcome in unsupported {
            #expect(outcome.reasons.allSatisfy { $0.contains("logsource") || $0.contains("unsupported") },
                    "\(outcome.file): \(outcome.reasons)")
        }
    }
}
