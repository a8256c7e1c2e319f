/// What `EventStore.alerts(filter:)` returns: set fields must all match. Sendable value.
public struct AlertFilter: Sendable, Equatable {
    /// Alerts still active at or after this wall-clock time (`last_seen >= since`).
    public var since: Int64?
    /// Alerts that began before this time (`first_seen < until`).
    public var until: Int64?
    public var ruleId: String?
    public var entityId: String?
    public var incidentUUID: String?
    /// This severity or above, in Sigma order informational < low < medium < high < critical
    /// (an unknown word matches only itself).
    public var minimumSeverity: String?
    public var minimumRiskScore: Int?
    /// ATT&CK technique id, exact (T1059.004).
    public var techniqueId: String?
    public var limit: Int
    public var order: SortOrder

    public init(since: Int64? = nil, until: Int64? = nil, ruleId: String? = nil, entityId: String? = nil,
                incidentUUID: String? = nil, minimumSeverity: String? = nil, minimumRiskScore: Int? = nil,
                techniqueId: String? = nil, limit: Int = 1_000, order: SortOrder = .newestFirst) {
        self.since = since; self.until = until; self.ruleId = ruleId; self.entityId = entityId
        self.incidentUUID = incidentUUID; self.minimumSeverity = minimumSeverity
        self.minimumRiskScore = minimumRiskScore; self.techniqueId = techniqueId
        self.limit = limit; self.order = order
    }

    /// Sigma levels, lowest first.
    public static let severityOrder = ["informational", "low", "medium", "high", "critical"]
}

/// What `EventStore.incidents(filter:)` returns. Sendable value.
public struct IncidentFilter: Sendable, Equatable {
    /// Incidents active at or after this time (`last_seen >= since`).
    public var since: Int64?
    /// Incidents that began before this time (`first_seen < until`).
    public var until: Int64?
    public var status: String?
    public var minimumRiskScore: Int?
    public var rootEntityId: String?
    public var limit: Int
    public var order: SortOrder

    public init(since: Int64? = nil, until: Int64? = nil, status: String? = nil, minimumRiskScore: Int? = nil,
                rootEntityId: String? = nil, limit: Int = 1_000, order: SortOrder = .newestFirst) {
        self.since = since; self.until = until; self.status = status
        self.minimumRiskScore = minimumRiskScore; self.rootEntityId = rootEntityId
        self.limit = limit; self.order = order
    }
}

extension EventStore {
    /// Alerts matching `filter`, ordered by `last_seen`.
    public func alerts(filter: AlertFilter) throws -> [AlertRow] {
        var w = WhereClause()
        if let since = filter.since { w.add("a.last_seen >= ?", .integer(since)) }
        if let until = filter.until { w.add("a.first_seen < ?", .integer(until)) }
        if let rule = filter.ruleId { w.add("a.rule_id = ?", .text(rule)) }
        if let entity = filter.entityId { w.add("a.entity_id = ?", .text(entity)) }
        if let incident = filter.incidentUUID { w.add("i.incident_uuid = ?", .text(incident)) }
        if let minimum = filter.minimumSeverity {
            let order = AlertFilter.severityOrder
            let words = order.firstIndex(of: minimum).map { Array(order[$0...]) } ?? [minimum]
            w.add("a.severity", in: words.map { .text($0) })
        }
        if let score = filter.minimumRiskScore { w.add("a.risk_score >= ?", .integer(Int64(score))) }
        if let technique = filter.techniqueId {
            w.add("instr(',' || a.technique_ids || ',', ?) > 0", .text("," + technique + ","))
        }
        let order = filter.order.sql
        var sql = """
            SELECT \(RowDecoding.alertColumns) FROM alerts a LEFT JOIN incidents i ON i.id = a.incident_id\(w.sql)
            ORDER BY a.last_seen \(order), a.id \(order)
            """
        var values = w.values
        if filter.limit > 0 { sql += " LIMIT ?"; values.append(.integer(Int64(filter.limit))) }
        let s = try connection.cached(sql)
        try s.bind(values)
        return try s.rows(RowDecoding.alert)
    }

    /// One alert by UUID (the UUID of the first alert of a merged row).
    public func alert(uuid: String) throws -> AlertRow? {
        let s = try connection.cached("""
            SELECT \(RowDecoding.alertColumns) FROM alerts a LEFT JOIN incidents i ON i.id = a.incident_id
            WHERE a.alert_uuid = ?
            """)
        try s.bind(uuid, at: 1)
        return try s.rows(RowDecoding.alert).first
    }

    /// Incidents matching `filter`, ordered by `last_seen`.
    public func incidents(filter: IncidentFilter = IncidentFilter()) throws -> [IncidentRow] {
        var w = WhereClause()
        if let since = filter.since { w.add("last_seen >= ?", .integer(since)) }
        if let until = filter.until { w.add("first_seen < ?", .integer(until)) }
        if let status = filter.status { w.add("status = ?", .text(status)) }
        if let score = filter.minimumRiskScore { w.add("risk_score >= ?", .integer(Int64(score))) }
        if let root = filter.rootEntityId { w.add("root_entity_id = ?", .text(root)) }
        let order = filter.order.sql
        var sql = "SELECT \(RowDecoding.incidentColumns) FROM incidents\(w.sql) ORDER BY last_seen \(order), id \(order)"
        var values = w.values
        if filter.limit > 0 { sql += " LIMIT ?"; values.append(.integer(Int64(filter.limit))) }
        let s = try connection.cached(sql)
        try s.bind(values)
        return try s.rows(RowDecoding.incident)
    }

    /// One incident by UUID.
    public func incident(uuid: String) throws -> IncidentRow? {
        let s = try connection.cached("SELECT \(RowDecoding.incidentColumns) FROM incidents WHERE incident_uuid = ?")
        try s.bind(uuid, at: 1)
        return try s.rows(RowDecoding.incident).first
    }

    /// Audit entries at or after `since`, newest first.
    public func auditEntries(since: Int64? = nil, limit: Int = 1_000) throws -> [AuditRow] {
        let s = try connection.cached("""
            SELECT \(RowDecoding.auditColumns) FROM audit WHERE ts_unix_ns >= ?1
            ORDER BY ts_unix_ns DESC, id DESC LIMIT ?2
            """)
        try s.bind(since ?? Int64.min, at: 1); try s.bind(limit > 0 ? limit : Int.max, at: 2)
        return try s.rows(RowDecoding.audit)
    }
}
