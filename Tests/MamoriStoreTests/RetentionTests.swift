import Testing
@testable import MamoriStore

@Suite struct RetentionTests {
    static let day: Int64 = 86_400 * Rows.second

    @Test func byAge() throws {
        let dir = TempDir()
        let store = try EventStore(path: dir.dbPath)
        let now = Rows.t0
        try store.insert(Rows.event(1, at: now - 40 * Self.day, entity: "OLD"))
        try store.insert(Rows.event(2, at: now - 10 * Self.day, entity: "KEPT"))
        try store.insert(Rows.event(3, at: now, entity: "KEPT"))
        // Processes: unreferenced and stale → gone; parent of a referenced one → kept.
        try store.upsert(Rows.process("OLD", pid: 1, parent: nil, seen: now - 40 * Self.day))
        try store.upsert(Rows.process("PARENT", pid: 2, parent: nil, seen: now - 40 * Self.day))
        try store.upsert(Rows.process("KEPT", pid: 3, parent: "PARENT", seen: now - 40 * Self.day))
        try store.upsert(IncidentRow(incidentUUID: "I-old", firstSeen: now - 400 * Self.day,
                                     lastSeen: now - 400 * Self.day, riskScore: 1, alertCount: 1, title: "old"))
        try store.upsert(AlertRow(alertUUID: "A-old", tsUnixNs: now - 400 * Self.day, ruleId: "r", ruleName: "r",
                                  severity: "low", riskScore: 1, incidentUUID: "I-old"))
        try store.upsert(AlertRow(alertUUID: "A-new", tsUnixNs: now - Self.day, ruleId: "r", ruleName: "r",
                                  severity: "low", riskScore: 1))
        try store.recordCommand(executable: "/bin/old", args: ["old"], unixNs: now - 100 * Self.day)
        try store.recordCommand(executable: "/bin/new", args: ["new"], unixNs: now - Self.day)
        try store.append(AuditRow(tsUnixNs: 1, action: "ancient"))

        let report = try store.applyRetention(RetentionPolicy(maxDatabaseBytes: nil), nowUnixNs: now)
        #expect(report.eventsDeletedByAge == 1 && report.eventsDeletedBySize == 0)
        #expect(report.alertsDeleted == 1 && report.incidentsDeleted == 1 && report.commandStatsDeleted == 1)
        #expect(report.processesDeleted == 1 && !report.incomplete)
        #expect(try store.events(filter: EventFilter()).map(\.entityId) == ["KEPT", "KEPT"])
        #expect(try store.process(entityId: "OLD") == nil)
        #expect(try store.process(entityId: "PARENT") != nil && (try store.process(entityId: "KEPT")) != nil)
        #expect(try store.alerts(filter: AlertFilter()).map(\.alertUUID) == ["A-new"])
        #expect(try store.incidents().isEmpty)
        #expect(try store.commandSeenCount(executable: "/bin/old", args: ["old"]) == 0)
        #expect(try store.commandSeenCount(executable: "/bin/new", args: ["new"]) == 1)
        #expect(try store.auditEntries().count == 1)  // the audit trail is never deleted
        #expect(try store.applyRetention(.keepEverything, nowUnixNs: now).rowsDeleted == 0)
    }

    @Test func bySizeDeletesOldestAndShrinksTheFile() throws {
        let dir = TempDir()
        let store = try EventStore(path: dir.dbPath)
        for batch in 0..<40 {  // segments of 100 events: retention by size deletes whole segments
            try store.write((batch * 100..<batch * 100 + 100).map { StoreItem.event(Rows.event($0, json: Rows.json(1_000, tag: $0))) })
        }
        let before = try store.usedBytes()
        #expect(before > 4_000_000)
        let limit: Int64 = 1_000_000
        var policy = RetentionPolicy.keepEverything
        policy.maxDatabaseBytes = limit
        let report = try store.applyRetention(policy, nowUnixNs: Rows.t0)
        #expect(report.eventsDeletedBySize > 3_000 && report.bytesBefore == before)
        #expect(report.bytesAfter <= limit && report.bytesAfter > limit / 2)
        #expect(try store.usedBytes() <= limit)
        #expect(try store.connection.scalarInt("PRAGMA freelist_count") == 0)  // incremental vacuum ran
        #expect(try store.databaseBytes() <= limit)
        // The newest rows survive, contiguous up to the last one.
        let kept = try store.events(filter: EventFilter(limit: 0))
        #expect(kept.count == 4_000 - report.eventsDeletedBySize)
        #expect(kept.last?.commandLine == "test 3999")
        #expect(kept.first?.commandLine == "test \(report.eventsDeletedBySize)")
        #expect(try store.connection.integrityCheck() == "ok")
    }

    @Test func passBudgetLeavesTheRestForTheNextPass() throws {
        let dir = TempDir()
        let store = try EventStore(path: dir.dbPath)
        for batch in 0..<10 {  // ten segments of 100: a pass deletes whole segments up to its budget
            try store.write((batch * 100..<batch * 100 + 100).map { StoreItem.event(Rows.event($0, at: 1_000 + Int64($0))) })
        }
        let policy = RetentionPolicy(maxEventAge: .seconds(60), maxDatabaseBytes: nil, deleteChunk: 30,
                                     maxRowsPerPass: 100)
        let first = try store.applyRetention(policy, nowUnixNs: Rows.t0)
        #expect(first.eventsDeletedByAge == 100 && first.incomplete)
        var passes = 1
        while try store.eventCount() > 0 && passes < 20 {
            try store.applyRetention(policy, nowUnixNs: Rows.t0)
            passes += 1
        }
        #expect(try passes == 10 && store.eventCount() == 0)
    }
}
