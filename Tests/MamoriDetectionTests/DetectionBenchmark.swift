import Foundation
import Testing
import MamoriDetection
import MamoriEvents
import MamoriProcess

/// Throughput of `DetectionEngine.evaluate` with the default pack plus every loadable SigmaHQ
/// Linux rule, on a server-like event mix. Measures and prints; asserts nothing about time.
///
///     MAMORI_BENCH=1 swift test -c release --scratch-path .build-detect --filter DetectionBenchmark
@Suite struct DetectionBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["MAMORI_BENCH"] != nil

    @Test(.enabled(if: DetectionBenchmark.enabled)) func throughput() {
        let report = RuleLoader.load(sources: BenchmarkWorkload.ruleSources())
        print("benchmark rules: \(report.ruleSet.count) (\(report.summary)); programs per category: "
              + report.ruleSet.programCounts.filter { $0.value > 0 }.sorted { $0.key.rawValue < $1.key.rawValue }
                .map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        let samples = BenchmarkWorkload.workload()
        var engine = DetectionEngine(rules: report.ruleSet, configuration: .init(userNames: Fixture.users))
        _ = BenchmarkWorkload.measure(&engine, samples, rounds: 50)   // warm up caches and the arena
        let (rate, hits) = BenchmarkWorkload.measure(&engine, samples, rounds: 1000)
        print(String(format: "mixed workload (20%% exec, 30%% network, 50%% file): %.0f events/s on one core (%d hits in %d events)",
                     rate, hits, samples.count * 1000))
        for (name, kind) in [("exec", EventKind.exec), ("network", .network), ("file", .file)] {
            let subset = samples.filter { $0.event.kind == kind }
            let (r, h) = BenchmarkWorkload.measure(&engine, subset, rounds: 2_000_000 / subset.count)
            print(String(format: "  %@ only: %.0f events/s (%d hits)", name, r, h))
        }
        print("  programs run per event: \(Double(engine.counters.programsRun) / Double(engine.counters.events))")
    }
}
