import Foundation
import Testing
import MamoriDetection
import MamoriEvents
import MamoriProcess

/// Throughput of `DetectionEngine.evaluate` on a server-like event mix, with (1) the project's
/// rule pack (`rules/`) + the built-in rules + every loadable SigmaHQ Linux rule, and (2) the
/// built-in rules + SigmaHQ alone. Measures CPU time on one core and prints; asserts nothing
/// about time. Skipped unless `MAMORI_BENCH` is set:
///
///     MAMORI_BENCH=1 swift test -c release -Xswiftc -enable-testing --scratch-path .build-detect \
///         --filter DetectionBenchmark
@Suite struct DetectionBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["MAMORI_BENCH"] != nil

    @Test(.enabled(if: DetectionBenchmark.enabled)) func throughput() {
        let samples = BenchmarkWorkload.workload()
        let all = BenchmarkWorkload.ruleSources()
        let withoutPack = all.filter { !$0.name.hasPrefix(BenchmarkWorkload.packDirectory) }
        for (label, sources) in [("rules/ pack + built-in + SigmaHQ", all), ("built-in + SigmaHQ", withoutPack)] {
            let report = RuleLoader.load(sources: sources)
            print("\(label): \(report.ruleSet.count) rules (\(report.summary)); programs: "
                  + report.ruleSet.programCounts.filter { $0.value > 0 }.sorted { $0.key.rawValue < $1.key.rawValue }
                    .map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            var engine = DetectionEngine(rules: report.ruleSet, configuration: .init(userNames: Fixture.users))
            _ = BenchmarkWorkload.measure(&engine, samples, rounds: 50)   // warm up caches and the arena
            var best = 0.0, hits = 0
            for _ in 0..<5 {   // best of five: the host may be shared
                let (rate, h) = BenchmarkWorkload.measure(&engine, samples, rounds: 200)
                if rate > best { best = rate; hits = h }
            }
            print(String(format: "  mixed (20%% exec, 30%% network, 50%% file): %.0f events/s on one core (%d hits in %d events)",
                         best, hits, samples.count * 200))
            for (name, kind) in [("exec", EventKind.exec), ("network", .network), ("file", .file)] {
                let subset = samples.filter { $0.event.kind == kind }
                var bestSubset = 0.0
                for _ in 0..<5 {
                    let (r, _) = BenchmarkWorkload.measure(&engine, subset, rounds: 400_000 / subset.count)
                    bestSubset = max(bestSubset, r)
                }
                print(String(format: "  %@ only: %.0f events/s", name, bestSubset))
            }
            print(String(format: "  programs run per event: %.2f", Double(engine.counters.programsRun) / Double(engine.counters.events)))
        }
    }
}
