import Testing
@testable import MamoriStore

@Suite struct AlertQueryTests {
    static func seeded() throws -> (TempDir, EventStore) {
        let dir = TempDir()
        let store = try EventStore(path: dir.dbPath)
        let s = Rows.second, t0 = Rows.t0
        try store.upsert(IncidentRow(incidentUUID: "I-1", rootEntityId: "R", firstSeen: t0 + 1 * s,
                                     lastSeen: t0 + 5 * s, riskScore: 90, alertCount: 2, title: "reverse shell"))
        try store.upsert(IncidentRow(incidentUUID: "I-2", rootEntityId: "Q", firstSeen: t0 + 20 * s,
                                     lastSeen: t0 + 30 * s, riskScore: 30, alertCount: 1, title: "odd cron",
                                     status: "closed"))
        try store.upsert(AlertRow(alertUUID: "A-1", dedupKey: "shell|R", tsUnixNs: t0 + 1 * s, ruleId: "rev-shell",
                                  ruleName: "Reverse shell", severity: "critical", riskScore: 90,
                                  tacticIds: ["TA0002", "TA0011"], techniqueIds: ["T1059.004", "T1071"],
                                  entityId: "R", incidentUUID: "I-1", response: "killed", ecsJSON: "{\"a\":1}"))
        try store.upsert(AlertRow(alertUUID: "A-2", tsUnixNs: t0 + 5 * s, ruleId: "tmp-exec", ruleName: "Exec from /tmp",
                                  severity: "medium", riskScore: 50, techniqueIds: ["T1059"], entityId: "C",
                                  incidentUUID: "I-1"))
        try store.upsert(AlertRow(alertUUID: "A-3", tsUnixNs: t0 + 25 * s, ruleId: "cron", ruleName: "Cron edit",
                                  severity: "low", riskScore: 30, techniqueIds: ["T1053.003"], entityId: "Q",
                                  incidentUUID: "I-2"))
        return (dir, store)
    }

    static func uuids(_ rows: [AlertRow]) -> [String] { rows.map(\.alertUUID) }

    @Test func filters() throws {
        let (_, store) = try Self.seeded()
        let s = Rows.second, t0 = Rows.t0
        #expect(Self.uuids(try store.alerts(filter: AlertFilter())) == ["A-3", "A-2", "A-1"])
        #expect(Self.uuids(try store.alerts(filter: AlertFilter(order: .oldestFirst))) == ["A-1", "A-2", "A-3"])
        #expect(Self.uuids(try store.alerts(filter: AlertFilter(since: t0 + 5 * s))) == ["A-3", "A-2"])
        #expect(Self.uuids(try store.alerts(filter: AlertFilter(until: t0 + 5 * s))) == ["A-1"])
        #expect(Self.uuids(try store.alerts(filter: AlertFilter(ruleId: "cron"))) == ["A-3"])
        #expect(Self.uuids(try store.alerts(filter: AlertFilter(entityId: "C"))) == ["A-2"])
        #expect(Self.uuids(try store.alerts(filter: AlertFilter(incidentUUID: "I-1"))) == ["A-2", "A-1"])
        #expect(Self.uuids(try store.alerts(filter: AlertFilter(minimumSeverity: "medium"))) == ["A-2", "A-1"])
        #expect(Self.uuids(try store.alerts(filter: AlertFilter(minimumSeverity: "critical"))) == ["A-1"])
        #expect(Self.uuids(try store.alerts(filter: AlertFilter(minimumRiskScore: 50))) == ["A-2", "A-1"])
        #expect(Self.uuids(try store.alerts(filter: AlertFilter(techniqueId: "T1059"))) == ["A-2"])  // exact id
        #expect(Self.uuids(try store.alerts(filter: AlertFilter(techniqueId: "T1071"))) == ["A-1"])
        #expect(Self.uuids(try store.alerts(filter: AlertFilter(limit: 1))) == ["A-3"])
        let a1 = try #require(try store.alert(uuid: "A-1"))
        #expect(a1.tacticIds == ["TA0002", "TA0011"] && a1.incidentUUID == "I-1" && a1.response == "killed")
        #expect(a1.ecsJSON == "{\"a\":1}" && a1.count == 1)
    }

    @Test func duplicatesMerge() throws {
        let (_, store) = try Self.seeded()
        let s = Rows.second, t0 = Rows.t0
        let id = try store.upsert(AlertRow(alertUUID: "A-9", dedupKey: "shell|R", tsUnixNs: t0 + 9 * s,
                                           ruleId: "rev-shell", ruleName: "Reverse shell", severity: "critical",
                                           riskScore: 95, entityId: "R", count: 3))
        let merged = try #require(try store.alert(uuid: "A-1"))
        #expect(merged.id == id)
        #expect(merged.count == 4 && merged.firstSeen == t0 + 1 * s && merged.lastSeen == t0 + 9 * s)
        #expect(merged.riskScore == 95 && merged.response == "killed" && merged.incidentUUID == "I-1")
        #expect(try store.alert(uuid: "A-9") == nil)
        // The same UUID again changes nothing.
        try store.upsert(AlertRow(alertUUID: "A-2", dedupKey: "other", tsUnixNs: t0, ruleId: "x", ruleName: "x",
                                  severity: "low", riskScore: 1))
        #expect(try store.alerts(filter: AlertFilter()).count == 3)
    }

    @Test func incidentsAndStatusAudit() throws {
        let (_, store) = try Self.seeded()
        let s = Rows.second, t0 = Rows.t0
        #expect(try store.incidents().map(\.incidentUUID) == ["I-2", "I-1"])
        #expect(try store.incidents(filter: IncidentFilter(status: "open")).map(\.incidentUUID) == ["I-1"])
        #expect(try store.incidents(filter: IncidentFilter(minimumRiskScore: 50)).map(\.incidentUUID) == ["I-1"])
        #expect(try store.incidents(filter: IncidentFilter(since: t0 + 10 * s)).map(\.incidentUUID) == ["I-2"])
        #expect(try store.incidents(filter: IncidentFilter(until: t0 + 10 * s)).map(\.incidentUUID) == ["I-1"])
        #expect(try store.incidents(filter: IncidentFilter(rootEntityId: "Q")).map(\.incidentUUID) == ["I-2"])

        try store.upsert(IncidentRow(incidentUUID: "I-1", firstSeen: t0 + 3 * s, lastSeen: t0 + 8 * s,
                                     riskScore: 95, alertCount: 3, title: "reverse shell + persistence"))
        let i1 = try #require(try store.incident(uuid: "I-1"))
        #expect(i1.firstSeen == t0 + 1 * s && i1.lastSeen == t0 + 8 * s && i1.alertCount == 3)
        #expect(i1.rootEntityId == "R" && i1.title == "reverse shell + persistence")

        #expect(try store.setIncidentStatus(uuid: "I-1", status: "closed", actorUid: 0, actorPid: 77,
                                            reason: "false positive", nowUnixNs: t0 + 99))
        #expect(try !store.setIncidentStatus(uuid: "nope", status: "closed", actorUid: 0, actorPid: 1,
                                             reason: nil, nowUnixNs: t0))
        #expect(try store.incident(uuid: "I-1")?.status == "closed")
        let audit = try store.auditEntries()
        #expect(audit.count == 1)
        #expect(audit[0].fromValue == "open" && audit[0].toValue == "closed" && audit[0].actorPid == 77)
        #expect(audit[0].reason == "false positive" && audit[0].action == "incident.status I-1")
    }

    @Test func auditAppendAndSince() throws {
        let dir = TempDir()
        let store = try EventStore(path: dir.dbPath)
        try store.append(AuditRow(tsUnixNs: 10, actorUid: 0, actorPid: 1, action: "prevention.level",
                                  fromValue: "monitor", toValue: "enforce", reason: "go live"))
        try store.append(AuditRow(tsUnixNs: 20, action: "policy.reload"))
        #expect(try store.auditEntries().map(\.action) == ["policy.reload", "prevention.level"])
        #expect(try store.auditEntries(since: 15).map(\.action) == ["policy.reload"])
    }

    @Test func incidentDeletionDetachesAlerts() throws {
        let (_, store) = try Self.seeded()
        try store.connection.execute("DELETE FROM incidents WHERE incident_uuid = 'I-2'")
        #expect(try store.alert(uuid: "A-3")?.incidentUUID == nil)  // ON DELETE SET NULL
    }
}
