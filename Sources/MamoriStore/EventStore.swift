/// The event store on one connection: opens and migrates the database, writes rows, and
/// answers the CLI's queries (see the `EventStore+*Queries` files) and runs retention.
///
/// Exists so that everything above SQL (the writer thread, the CLI, tests) speaks in rows and
/// filters. The agent never writes through it from the pipeline worker directly: the worker
/// enqueues into a `StoreWriter`, whose thread owns its own `EventStore`. The CLI opens one
/// read-only; WAL lets it query while the agent writes.
///
/// Not thread-safe: use from one thread at a time (its `Connection` is single-threaded).
public final class EventStore {
    public let connection: Connection
    public var path: String { connection.path }

    /// Opens `path`, creating and migrating it in `.readWrite` mode.
    ///
    /// - Throws: `StoreError.schemaTooNew` when a newer mamori wrote the file;
    ///   `.schemaNeedsMigration` for an old file opened `.readOnly`; `.sqlite` otherwise.
    public init(path: String, mode: Connection.Mode = .readWrite, busyTimeoutMs: Int32 = 5_000) throws {
        connection = try Connection(path: path, mode: mode, busyTimeoutMs: busyTimeoutMs)
        try Migrator.migrate(connection)
    }

    /// The database's `user_version`.
    public var schemaVersion: Int32 {
        get throws { try Migrator.userVersion(connection) }
    }

    // MARK: Writing

    /// Writes `items` in one IMMEDIATE transaction: all of them or, on error, none. Repeated
    /// identical file events among them are folded into one row each (`EventAggregation`).
    public func write<C: Collection>(_ items: C) throws where C.Element == StoreItem {
        let folded = EventAggregation.fold(items)
        try connection.transaction(.immediate) {
            for item in folded { try write(item) }
        }
    }

    /// Writes one item (in the caller's transaction, if any).
    public func write(_ item: StoreItem) throws {
        switch item {
        case .event(let row): try insert(row)
        case .process(let row): try upsert(row)
        case .alert(let row): try upsert(row)
        case .incident(let row): try upsert(row)
        case .audit(let row): try append(row)
        case .command(let observation): try recordCommand(observation)
        case .baselineProfile(let row): try upsert(row)
        case .baselineItem(let row): try insert(row)
        case .baselineReset(let profile): try deleteBaseline(profile: profile)
        }
    }

    /// Inserts an event and returns its id.
    @discardableResult
    public func insert(_ e: EventRow) throws -> Int64 {
        let s = try connection.cached("""
            INSERT INTO events (ts_ns, ts_unix_ns, kind, action, pid, ppid, entity_id, parent_entity_id,
                executable, command_line, path, target_path, src_ip, src_port, dst_ip, dst_port, transport,
                result, uid, unit, ecs_json, count, last_ts_unix_ns)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
                ?22, ?23)
            """)
        try s.bind(e.tsNs, at: 1); try s.bind(e.tsUnixNs, at: 2); try s.bind(e.kind, at: 3)
        try s.bind(e.action, at: 4); try s.bind(e.pid, at: 5); try s.bind(e.ppid, at: 6)
        try s.bind(e.entityId, at: 7); try s.bind(e.parentEntityId, at: 8); try s.bind(e.executable, at: 9)
        try s.bind(e.commandLine, at: 10); try s.bind(e.path, at: 11); try s.bind(e.targetPath, at: 12)
        try s.bind(e.srcIP, at: 13); try s.bind(e.srcPort.map(Int.init), at: 14); try s.bind(e.dstIP, at: 15)
        try s.bind(e.dstPort.map(Int.init), at: 16); try s.bind(e.transport, at: 17)
        try s.bind(e.result, at: 18); try s.bind(e.uid, at: 19); try s.bind(e.unit, at: 20)
        try s.bind(e.ecsJSON, at: 21); try s.bind(e.count, at: 22); try s.bind(e.lastTsUnixNs, at: 23)
        try s.run()
        return connection.lastInsertRowID
    }

    /// Inserts or updates a process by entity id. Known values are never replaced by unknown
    /// ones: an exit row with only `exitNs` keeps the executable recorded at exec.
    public func upsert(_ p: ProcessRow) throws {
        let s = try connection.cached("""
            INSERT INTO processes (entity_id, pid, ppid, parent_entity_id, executable, command_line, cwd, uid,
                start_ns, exit_ns, exit_code, unit, session_leader_entity_id, seen_unix_ns)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
            ON CONFLICT(entity_id) DO UPDATE SET
                pid = excluded.pid,
                ppid = coalesce(excluded.ppid, ppid),
                parent_entity_id = coalesce(excluded.parent_entity_id, parent_entity_id),
                executable = coalesce(excluded.executable, executable),
                command_line = coalesce(excluded.command_line, command_line),
                cwd = coalesce(excluded.cwd, cwd),
                uid = coalesce(excluded.uid, uid),
                start_ns = coalesce(excluded.start_ns, start_ns),
                exit_ns = coalesce(excluded.exit_ns, exit_ns),
                exit_code = coalesce(excluded.exit_code, exit_code),
                unit = coalesce(excluded.unit, unit),
                session_leader_entity_id = coalesce(excluded.session_leader_entity_id, session_leader_entity_id),
                seen_unix_ns = max(seen_unix_ns, excluded.seen_unix_ns)
            """)
        try s.bind(p.entityId, at: 1); try s.bind(p.pid, at: 2); try s.bind(p.ppid, at: 3)
        try s.bind(p.parentEntityId, at: 4); try s.bind(p.executable, at: 5); try s.bind(p.commandLine, at: 6)
        try s.bind(p.cwd, at: 7); try s.bind(p.uid, at: 8); try s.bind(p.startNs, at: 9)
        try s.bind(p.exitNs, at: 10); try s.bind(p.exitCode, at: 11); try s.bind(p.unit, at: 12)
        try s.bind(p.sessionLeaderEntityId, at: 13); try s.bind(p.seenUnixNs, at: 14)
        try s.run()
    }

    /// Inserts an alert, or merges it into the stored alert with the same dedup key (count
    /// added, first/last seen widened, highest risk kept, first evidence kept). Re-sending an
    /// alert UUID already stored changes nothing. Returns the id of the row that holds it.
    @discardableResult
    public func upsert(_ a: AlertRow) throws -> Int64 {
        let s = try connection.cached("""
            INSERT INTO alerts (alert_uuid, dedup_key, ts_unix_ns, rule_id, rule_name, severity, risk_score,
                tactic_ids, technique_ids, entity_id, incident_id, count, first_seen, last_seen, response, ecs_json)
            VALUES (?1, coalesce(?2, ?1), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
                (SELECT id FROM incidents WHERE incident_uuid = ?11), ?12, ?13, ?14, ?15, ?16)
            ON CONFLICT(dedup_key) DO UPDATE SET
                count = count + excluded.count,
                first_seen = min(first_seen, excluded.first_seen),
                last_seen = max(last_seen, excluded.last_seen),
                risk_score = max(risk_score, excluded.risk_score),
                incident_id = coalesce(excluded.incident_id, incident_id),
                response = coalesce(excluded.response, response)
            ON CONFLICT DO NOTHING
            RETURNING id
            """)
        try s.bind(a.alertUUID, at: 1); try s.bind(a.dedupKey, at: 2); try s.bind(a.tsUnixNs, at: 3)
        try s.bind(a.ruleId, at: 4); try s.bind(a.ruleName, at: 5); try s.bind(a.severity, at: 6)
        try s.bind(a.riskScore, at: 7); try s.bind(a.tacticIds.joined(separator: ","), at: 8)
        try s.bind(a.techniqueIds.joined(separator: ","), at: 9); try s.bind(a.entityId, at: 10)
        try s.bind(a.incidentUUID, at: 11); try s.bind(a.count, at: 12); try s.bind(a.firstSeen, at: 13)
        try s.bind(a.lastSeen, at: 14); try s.bind(a.response, at: 15); try s.bind(a.ecsJSON, at: 16)
        let ids = try s.rows { $0.int64(0) }
        if let id = ids.first { return id }
        return try connection.scalarInt("SELECT id FROM alerts WHERE alert_uuid = ?", [.text(a.alertUUID)]) ?? 0
    }

    /// Inserts or updates an incident by UUID (first/last seen widen; score, count, title and
    /// status take the new values). Returns its id.
    @discardableResult
    public func upsert(_ i: IncidentRow) throws -> Int64 {
        let s = try connection.cached("""
            INSERT INTO incidents (incident_uuid, root_entity_id, first_seen, last_seen, risk_score, alert_count,
                title, status)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            ON CONFLICT(incident_uuid) DO UPDATE SET
                root_entity_id = coalesce(excluded.root_entity_id, root_entity_id),
                first_seen = min(first_seen, excluded.first_seen),
                last_seen = max(last_seen, excluded.last_seen),
                risk_score = excluded.risk_score,
                alert_count = excluded.alert_count,
                title = excluded.title,
                status = excluded.status
            RETURNING id
            """)
        try s.bind(i.incidentUUID, at: 1); try s.bind(i.rootEntityId, at: 2); try s.bind(i.firstSeen, at: 3)
        try s.bind(i.lastSeen, at: 4); try s.bind(i.riskScore, at: 5); try s.bind(i.alertCount, at: 6)
        try s.bind(i.title, at: 7); try s.bind(i.status, at: 8)
        return try s.rows { $0.int64(0) }.first ?? 0
    }

    /// Appends an audit entry and returns its id.
    @discardableResult
    public func append(_ a: AuditRow) throws -> Int64 {
        let s = try connection.cached("""
            INSERT INTO audit (ts_unix_ns, actor_uid, actor_pid, action, from_value, to_value, reason)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """)
        try s.bind(a.tsUnixNs, at: 1); try s.bind(a.actorUid, at: 2); try s.bind(a.actorPid, at: 3)
        try s.bind(a.action, at: 4); try s.bind(a.fromValue, at: 5); try s.bind(a.toValue, at: 6)
        try s.bind(a.reason, at: 7)
        try s.run()
        return connection.lastInsertRowID
    }

    /// Changes an incident's status and records who did it in `audit`, in one transaction.
    /// Returns false when no incident has that UUID.
    @discardableResult
    public func setIncidentStatus(uuid: String, status: String, actorUid: UInt32?, actorPid: Int32?,
                                  reason: String?, nowUnixNs: Int64) throws -> Bool {
        try connection.transaction(.immediate) {
            guard let old = try connection.scalarText(
                "SELECT status FROM incidents WHERE incident_uuid = ?", [.text(uuid)]) else { return false }
            let s = try connection.cached("UPDATE incidents SET status = ?1 WHERE incident_uuid = ?2")
            try s.bind(status, at: 1); try s.bind(uuid, at: 2)
            try s.run()
            try append(AuditRow(tsUnixNs: nowUnixNs, actorUid: actorUid, actorPid: actorPid,
                                action: "incident.status \(uuid)", fromValue: old, toValue: status, reason: reason))
            return true
        }
    }
}

@available(*, unavailable, message: "an EventStore belongs to one thread; open one per thread")
extension EventStore: Sendable {}
