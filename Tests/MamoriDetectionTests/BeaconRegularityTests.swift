import Testing
@testable import MamoriDetection
import MamoriEvents

/// `mamori: beacon:` regularity: a timer is recognised by its beat even when a check-in is
/// late or skipped (a loaded host), and people's bursts and pauses are not.
@Suite struct BeaconRegularityTests {
    static let ms: UInt64 = 1_000_000

    static let beacon = Fixture.rule("beacon", category: "network_connection", """
            sel:
                Initiated: 'true'
            condition: sel
        """, extra: """
        mamori:
            confidence: medium
            beacon:
                count: 8
                window: 10m
                by: process
                max_jitter: 0.15
                min_interval: 400ms
        """)

    /// Connects to 127.0.0.1:port at the given offsets (ms) from t = 100 s; the hits of each.
    private func run(_ offsetsMs: [UInt64], port: UInt16 = 4444) -> [[RuleHit]] {
        let h = Harness(Self.beacon)
        #expect(h.errors.isEmpty, "\(h.errors)")
        return offsetsMs.map { h.hits(Fixture.network(to: Fixture.ipv4("127.0.0.1"), port: port, pid: 100,
                                                      ts: 100_000 * Self.ms + $0 * Self.ms)) }
    }

    private func times(_ intervalsMs: [UInt64]) -> [UInt64] {
        var t: UInt64 = 0
        return [0] + intervalsMs.map { t += $0; return t }
    }

    @Test func aSteadyTimerFiresAtTheCount() {
        let hits = run(times(Array(repeating: 500, count: 7)))
        #expect(hits.dropLast().allSatisfy { $0.isEmpty })
        #expect(hits.last?.map(\.id) == ["beacon"])
    }

    /// Measured on a loaded lab host (eval c2-beacon-http): one check-in came a beat late.
    @Test func oneSkippedBeatDoesNotHideTheTimer() {
        let hits = run(times([526, 516, 1028, 505, 502, 504, 502, 519]))
        #expect(hits.flatMap { $0 }.map(\.id) == ["beacon"])
    }

    /// Two outliers of eight (one slow start, one fast retry) are still a timer.
    @Test func aFewOutliersAreTolerated() {
        let hits = run(times([2040, 510, 520, 515, 505, 120, 500, 510, 505]))
        #expect(hits.flatMap { $0 }.map(\.id) == ["beacon"])
    }

    @Test func burstsAndPausesDoNotFire() {
        let hits = run(times([500, 12_000, 3_000, 45_000, 1_000, 20_000, 700, 9_000, 2_500, 30_000, 600, 4_000]))
        #expect(hits.allSatisfy { $0.isEmpty })
    }

    /// Intervals drifting by a third each time: no beat.
    @Test func steadilyGrowingIntervalsDoNotFire() {
        let hits = run(times([500, 650, 850, 1_100, 1_450, 1_900, 2_450, 3_200, 4_150]))
        #expect(hits.allSatisfy { $0.isEmpty })
    }

    /// A beat faster than `min_interval` is a burst (a download, a poll loop), not a timer.
    @Test func aFastBeatIsBelowTheMinimumInterval() {
        let hits = run(times(Array(repeating: 100, count: 12)))
        #expect(hits.allSatisfy { $0.isEmpty })
    }

    @Test func judgeReportsBeatAndOnBeatCount() {
        var ring = SIMD16<Float>(repeating: 0)
        let values: [Float] = [500, 505, 1010, 495, 2000, 500, 498]
        for (i, v) in values.enumerated() { ring[i] = v }
        let r = BeaconTracker.judge(ring, count: values.count, tolerance: 0.15)
        #expect(r?.beatMs == 500)
        #expect(r?.onBeat == 6)  // 2000 ms is four beats: off
        #expect(r?.intervals == 7)
    }
}
