/// Column lists and row readers for every table, in one place so that SELECTs and readers
/// cannot drift apart. Called on the thread that owns the statement.
enum RowDecoding {
    static let eventColumns = """
        id, ts_ns, ts_unix_ns, kind, action, pid, ppid, entity_id, parent_entity_id, executable,
        command_line, path, target_path, src_ip, src_port, dst_ip, dst_port, transport, result, uid, unit, ecs_json,
        count, last_ts_unix_ns
        """

    static func event(_ s: Statement) -> EventRow {
        EventRow(id: s.int64(0), tsNs: s.uint64(1), tsUnixNs: s.int64(2), kind: s.string(3),
                 action: s.string(4), pid: s.uint32(5), ppid: s.optionalUInt32(6),
                 entityId: s.optionalString(7), parentEntityId: s.optionalString(8),
                 executable: s.optionalString(9), commandLine: s.optionalString(10), path: s.optionalString(11),
                 targetPath: s.optionalString(12), srcIP: s.optionalString(13),
                 srcPort: s.optionalInt(14).map { UInt16(truncatingIfNeeded: $0) }, dstIP: s.optionalString(15),
                 dstPort: s.optionalInt(16).map { UInt16(truncatingIfNeeded: $0) }, transport: s.optionalString(17),
                 result: s.optionalInt64(18).map { Int32(truncatingIfNeeded: $0) }, uid: s.optionalUInt32(19),
                 unit: s.optionalString(20), ecsJSON: s.optionalString(21),
                 count: s.optionalInt(22) ?? 1, lastTsUnixNs: s.optionalInt64(23))
    }

    /// Columns of `processes` qualified with `p.` (tree queries join it).
    static let processColumns = """
        p.entity_id, p.pid, p.ppid, p.parent_entity_id, p.executable, p.command_line, p.cwd, p.uid,
        p.start_ns, p.exit_ns, p.exit_code, p.unit, p.session_leader_entity_id, p.seen_unix_ns
        """

    static func process(_ s: Statement, from first: Int32 = 0) -> ProcessRow {
        let i = first
        return ProcessRow(entityId: s.string(i), pid: s.uint32(i + 1), ppid: s.optionalUInt32(i + 2),
                          parentEntityId: s.optionalString(i + 3), executable: s.optionalString(i + 4),
                          commandLine: s.optionalString(i + 5), cwd: s.optionalString(i + 6),
                          uid: s.optionalUInt32(i + 7), startNs: s.isNull(i + 8) ? nil : s.uint64(i + 8),
                          exitNs: s.isNull(i + 9) ? nil : s.uint64(i + 9),
                          exitCode: s.optionalInt64(i + 10).map { Int32(truncatingIfNeeded: $0) },
                          unit: s.optionalString(i + 11), sessionLeaderEntityId: s.optionalString(i + 12),
                          seenUnixNs: s.int64(i + 13))
    }

    /// Columns of `alerts` qualified with `a.`, plus the incident UUID from a LEFT JOIN as `i`.
    static let alertColumns = """
        a.id, a.alert_uuid, a.dedup_key, a.ts_unix_ns, a.rule_id, a.rule_name, a.severity, a.risk_score,
        a.tactic_ids, a.technique_ids, a.entity_id, i.incident_uuid, a.count, a.first_seen, a.last_seen,
        a.response, a.ecs_json
        """

    static func alert(_ s: Statement) -> AlertRow {
        AlertRow(id: s.int64(0), alertUUID: s.string(1), dedupKey: s.optionalString(2), tsUnixNs: s.int64(3),
                 ruleId: s.string(4), ruleName: s.string(5), severity: s.string(6), riskScore: s.int(7),
                 tacticIds: list(s.string(8)), techniqueIds: list(s.string(9)), entityId: s.optionalString(10),
                 incidentUUID: s.optionalString(11), count: s.int(12), firstSeen: s.int64(13),
                 lastSeen: s.int64(14), response: s.optionalString(15), ecsJSON: s.optionalString(16))
    }

    static let incidentColumns = """
        id, incident_uuid, root_entity_id, first_seen, last_seen, risk_score, alert_count, title, status
        """

    static func incident(_ s: Statement) -> IncidentRow {
        IncidentRow(id: s.int64(0), incidentUUID: s.string(1), rootEntityId: s.optionalString(2),
                    firstSeen: s.int64(3), lastSeen: s.int64(4), riskScore: s.int(5), alertCount: s.int(6),
                    title: s.string(7), status: s.string(8))
    }

    static let auditColumns = "id, ts_unix_ns, actor_uid, actor_pid, action, from_value, to_value, reason"

    static func audit(_ s: Statement) -> AuditRow {
        AuditRow(id: s.int64(0), tsUnixNs: s.int64(1), actorUid: s.optionalUInt32(2),
                 actorPid: s.optionalInt64(3).map { Int32(truncatingIfNeeded: $0) }, action: s.string(4),
                 fromValue: s.optionalString(5), toValue: s.optionalString(6), reason: s.optionalString(7))
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map(String.init)
    }
}

/// Accumulates WHERE clauses and their positional parameters for queries built from filters.
struct WhereClause {
    private(set) var clauses: [String] = []
    private(set) var values: [SQLValue] = []

    mutating func add(_ clause: String, _ parameters: SQLValue...) {
        add(clause, values: parameters)
    }

    mutating func add(_ clause: String, values parameters: [SQLValue]) {
        clauses.append(clause)
        values.append(contentsOf: parameters)
    }

    /// `column IN (?, ?, ...)` over `list`.
    mutating func add(_ column: String, in list: [SQLValue]) {
        add("\(column) IN (\(Array(repeating: "?", count: list.count).joined(separator: ", ")))", values: list)
    }

    var sql: String { clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ") }
}

/// Sort direction of listings. Sendable; any thread.
public enum SortOrder: Sendable, Equatable {
    case oldestFirst
    case newestFirst

    var sql: String { self == .oldestFirst ? "ASC" : "DESC" }
}
