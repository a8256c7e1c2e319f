import Testing
@testable import MamoriBench

@Suite struct StatisticsTests {
    @Test func medianAndSpread() {
        #expect(Stats.median([3, 1, 2]) == 2)
        #expect(Stats.median([4, 1, 2, 3]) == 2.5)
        #expect(Stats.median([]) == nil)
        #expect(Stats.spreadPct([90, 100, 110]) == 20)
        #expect(Stats.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99) == 10)
    }

    @Test func histogramBucketsBoundTheirValues() {
        for v: UInt64 in [0, 1, 7, 8, 9, 15, 16, 100, 1_000, 12_345, 1_000_000, 5_000_000_000] {
            let i = LatencyHistogram.index(v)
            #expect(LatencyHistogram.upperBound(i) >= v)
            if i > 0 { #expect(LatencyHistogram.upperBound(i - 1) < v) }
        }
    }

    @Test func histogramPercentiles() {
        var h = LatencyHistogram()
        for v in 1...1000 { h.record(UInt64(v) * 1000) }
        let p50 = h.percentile(50)!, p99 = h.percentile(99)!
        #expect(p50 >= 500_000 && p50 < 570_000)
        #expect(p99 >= 990_000 && p99 < 1_130_000)
        #expect(LatencyHistogram().percentile(50) == nil)
    }

    @Test func jsonHasTheRequiredFieldsAndPreventionIsUnavailable() throws {
        var c = BenchConfiguration()
        c.workloads = [.exec]
        var report = BenchReport(configuration: c)
        let base = Sample(nsPerOp: 100, ops: 10, seconds: 1)
        var sensor = Sample(nsPerOp: 102, ops: 10, seconds: 1)
        sensor.events = 30
        report.results = Aggregate.results([.exec: [.baseline: [base], .floor: [Sample(nsPerOp: 101, ops: 10, seconds: 1)], .sensor: [sensor]]],
                                           workloads: [.exec])
        let json = report.json()
        for key in ["\"results\"", "\"workload\"", "\"mode\"", "\"ns_per_op\"", "\"overhead_pct\"", "\"events_per_s\"", "\"drops\""] {
            #expect(json.contains(key))
        }
        let prevention = report.results.first { $0.mode == .prevention }!
        #expect(!prevention.available && prevention.ns_per_op == nil)
        let s = report.results.first { $0.mode == .sensor }!
        #expect(abs(s.overhead_pct! - 2) < 1e-9 && abs(s.over_floor_pp! - 1) < 1e-9)
        #expect(report.svg().hasPrefix("<svg"))
    }
}
