import Testing
@testable import MamoriPipeline

/// Per-uid token buckets and the admission tiers (issue 13, blinding by flood).
@Suite struct UidBudgetTests {
    static let second: UInt64 = 1_000_000_000

    @Test func aUidOverItsBurstIsOverBudgetUntilItRefills() {
        var b = UidBudget(limits: .init(eventsPerSecond: 10, burst: 5))
        let t0 = 100 * Self.second
        for _ in 0..<5 { #expect(b.spend(uid: 1000, nowNs: t0, sensitive: false) == .within) }
        #expect(b.spend(uid: 1000, nowNs: t0, sensitive: false) == .over)
        #expect(b.spend(uid: 1000, nowNs: t0, sensitive: false) == .over)
        // Another user is not charged for the first one's flood.
        #expect(b.spend(uid: 1001, nowNs: t0, sensitive: false) == .within)
        // 0.1 s later one event's worth of credit is back (10/s).
        #expect(b.spend(uid: 1000, nowNs: t0 + Self.second / 10, sensitive: false) == .within)
        #expect(b.spend(uid: 1000, nowNs: t0 + Self.second / 10, sensitive: false) == .over)
    }

    @Test func sensitiveEventsHaveTheirOwnBudgetThenAreDemoted() {
        var b = UidBudget(limits: .init(eventsPerSecond: 10, burst: 3, criticalPerSecond: 1, criticalBurst: 2))
        let t0 = 50 * Self.second
        #expect(b.spend(uid: 7, nowNs: t0, sensitive: true) == .critical)
        #expect(b.spend(uid: 7, nowNs: t0, sensitive: true) == .critical)
        #expect(b.spend(uid: 7, nowNs: t0, sensitive: true) == .within, "a watched-file loop cannot hold the reserve")
        var reports: [UidBudget.Report] = []
        b.takeReport(into: &reports)
        #expect(reports == [UidBudget.Report(uid: 7, overBudget: 0, refused: 0, criticalDemoted: 1, firstOverNs: 0, lastOverNs: 0)])
    }

    @Test func theReportNamesTheUidWithItsCountsAndResets() {
        var b = UidBudget(limits: .init(eventsPerSecond: 1, burst: 1))
        let t0 = 10 * Self.second
        _ = b.spend(uid: 65534, nowNs: t0, sensitive: false)
        for i in 0..<100 {
            #expect(b.spend(uid: 65534, nowNs: t0 + UInt64(i), sensitive: false) == .over)
            if i % 4 == 0 { b.refused() }
        }
        _ = b.spend(uid: 1000, nowNs: t0, sensitive: false)
        var reports: [UidBudget.Report] = []
        b.takeReport(into: &reports)
        #expect(reports.count == 1)
        #expect(reports.first?.uid == 65534)
        #expect(reports.first?.overBudget == 100)
        #expect(reports.first?.refused == 25)
        #expect(reports.first?.firstOverNs == t0)
        #expect(reports.first?.lastOverNs == t0 + 99)
        reports.removeAll()
        b.takeReport(into: &reports)
        #expect(reports.isEmpty)
    }

    @Test func moreUidsThanSlotsShareTheOverflowBucketWithoutLosingTrack() {
        var b = UidBudget(limits: .init(eventsPerSecond: 1, burst: 1), tableSize: 16)
        let t0 = 5 * Self.second
        for uid in UInt32(1)...UInt32(5_000) {
            _ = b.spend(uid: uid, nowNs: t0, sensitive: false)
            _ = b.spend(uid: uid, nowNs: t0, sensitive: false)
        }
        var reports: [UidBudget.Report] = []
        b.takeReport(into: &reports)
        let total = reports.reduce(UInt64(0)) { $0 + $1.overBudget }
        #expect(reports.contains { $0.uid == UidBudget.overflowUid })
        #expect(reports.count <= 17)
        #expect(total >= 4_900, "every over-budget event is counted somewhere (\(total))")
        // Idle slots are taken over by new users after 10 s.
        #expect(b.spend(uid: 9_999, nowNs: t0 + 20 * Self.second, sensitive: false) == .within)
        reports.removeAll()
        _ = b.spend(uid: 9_999, nowNs: t0 + 20 * Self.second, sensitive: false)
        b.takeReport(into: &reports)
        #expect(reports.map(\.uid) == [9_999])
    }

    @Test func tiersReserveTheLastQuarterForSensitiveEvents() {
        #expect(AdmissionTier.critical.depthLimit(capacity: 16_384) == 16_384)
        #expect(AdmissionTier.normal.depthLimit(capacity: 16_384) == 12_288)
        #expect(AdmissionTier.overBudget.depthLimit(capacity: 16_384) == 8_192)
        let q = EventQueue<Int>(capacity: 8)
        for i in 0..<4 { #expect(q.tryPush(i, depthLimit: 4)) }
        #expect(!q.tryPush(4, depthLimit: 4), "a low tier stops at its limit")
        #expect(q.tryPush(5, depthLimit: 8), "while a higher tier still gets in")
        #expect(q.stats.dropped == 1)
        #expect(q.tryPush(6, depthLimit: 100) && q.tryPush(7) && q.tryPush(8) && !q.tryPush(9, depthLimit: 100))
    }
}
