import MamoriEvents

/// How a path filter matches `events.path` or `events.target_path`. Sendable; any thread.
public enum PathMatch: Sendable, Equatable {
    /// The whole path.
    case exact(String)
    /// Paths starting with the text (uses the path indexes).
    case prefix(String)
    /// Paths containing the text anywhere, case-sensitive (scans).
    case contains(String)
}

/// What `EventStore.events(filter:)` returns: every set field must match (AND); `nil`/empty
/// fields do not filter. Built by the CLI from its options. Sendable value.
public struct EventFilter: Sendable, Equatable {
    /// Wall clock, inclusive.
    public var since: Int64?
    /// Wall clock, exclusive.
    public var until: Int64?
    public var pid: UInt32?
    /// Any of these kinds; empty means all.
    public var kinds: [EventKind]
    /// Matches the file path, the executed file of exec events, or a rename target.
    public var path: PathMatch?
    /// Source or destination IP address, in the text form the store writes (`10.0.0.1`, `::1`).
    public var address: String?
    public var entityId: String?
    /// At most this many rows (0 = no limit).
    public var limit: Int
    public var order: SortOrder

    public init(since: Int64? = nil, until: Int64? = nil, pid: UInt32? = nil, kinds: [EventKind] = [],
                path: PathMatch? = nil, address: String? = nil, entityId: String? = nil,
                limit: Int = 1_000, order: SortOrder = .oldestFirst) {
        self.since = since; self.until = until; self.pid = pid; self.kinds = kinds; self.path = path
        self.address = address; self.entityId = entityId; self.limit = limit; self.order = order
    }
}

extension EventStore {
    /// Events matching `filter`, ordered by wall-clock time (then insertion order): from the
    /// segments (schema 4 on) and from the rows an older schema left in `events`.
    public func events(filter: EventFilter) throws -> [EventRow] {
        var rows = try segmentEvents(filter: filter)
        if try hasLegacyEvents {
            rows += try legacyEvents(filter: filter)
            rows.sort(by: filter.order == .oldestFirst ? EventRow.earlier : EventRow.later)
            if filter.limit > 0 && rows.count > filter.limit { rows.removeSubrange(filter.limit...) }
        }
        return rows
    }

    /// The story timeline: events of any of `entityIds` (typically a process and its
    /// descendants), oldest first, at most `limit` (0 = all).
    public func events(forEntities entityIds: [String], since: Int64? = nil, until: Int64? = nil,
                       limit: Int = 10_000) throws -> [EventRow] {
        let wanted = Set(entityIds)
        var rows = [EventRow]()
        let want = SegmentFormat.Want(entities: wanted)
        for span in try segmentSpans(since: since, until: until, entities: entityIds) {
            for row in try segmentRows(span.id, want: want) {
                guard let entity = row.entityId, wanted.contains(entity) else { continue }
                if let since, row.tsUnixNs < since { continue }
                if let until, row.tsUnixNs >= until { continue }
                rows.append(row)
            }
        }
        if try hasLegacyEvents {
            rows += try legacyEvents(forEntities: entityIds, since: since, until: until, limit: limit)
        }
        rows.sort(by: EventRow.earlier)
        return limit > 0 ? Array(rows.prefix(limit)) : rows
    }

    /// Rows of the `events` table (written before schema 4) matching `filter`.
    func legacyEvents(filter: EventFilter) throws -> [EventRow] {
        var w = WhereClause()
        if let since = filter.since { w.add("ts_unix_ns >= ?", .integer(since)) }
        if let until = filter.until { w.add("ts_unix_ns < ?", .integer(until)) }
        if let pid = filter.pid { w.add("pid = ?", .integer(Int64(pid))) }
        if !filter.kinds.isEmpty {
            w.add("kind", in: filter.kinds.map { .text(EventRow.kindName($0)) })
        }
        if let entity = filter.entityId { w.add("entity_id = ?", .text(entity)) }
        if let address = filter.address {
            w.add("(dst_ip = ? OR src_ip = ?)", .text(address), .text(address))
        }
        switch filter.path {
        case .exact(let p)?:
            w.add("(path = ? OR target_path = ?)", .text(p), .text(p))
        case .prefix(let p)?:
            if let upper = Self.prefixUpperBound(p) {
                w.add("((path >= ? AND path < ?) OR (target_path >= ? AND target_path < ?))",
                      .text(p), .text(upper), .text(p), .text(upper))
            } else {
                w.add("(path IS NOT NULL OR target_path IS NOT NULL)")
            }
        case .contains(let p)?:
            w.add("(instr(path, ?) > 0 OR instr(target_path, ?) > 0)", .text(p), .text(p))
        case nil:
            break
        }
        let order = filter.order.sql
        var sql = "SELECT \(RowDecoding.eventColumns) FROM events\(w.sql) ORDER BY ts_unix_ns \(order), id \(order)"
        var values = w.values
        if filter.limit > 0 {
            sql += " LIMIT ?"
            values.append(.integer(Int64(filter.limit)))
        }
        let statement = try connection.cached(sql)
        try statement.bind(values)
        return try statement.rows(RowDecoding.event)
    }

    /// Rows of the `events` table (written before schema 4) of any of `entityIds`.
    func legacyEvents(forEntities entityIds: [String], since: Int64?, until: Int64?,
                      limit: Int) throws -> [EventRow] {
        var rows = [EventRow]()
        var seen = Set<String>()
        let unique = entityIds.filter { seen.insert($0).inserted }
        // Chunks keep the parameter count small; each chunk uses the entity index.
        for start in stride(from: 0, to: unique.count, by: 500) {
            let chunk = unique[start..<min(start + 500, unique.count)]
            var w = WhereClause()
            w.add("entity_id", in: chunk.map { .text($0) })
            if let since { w.add("ts_unix_ns >= ?", .integer(since)) }
            if let until { w.add("ts_unix_ns < ?", .integer(until)) }
            var sql = "SELECT \(RowDecoding.eventColumns) FROM events\(w.sql) ORDER BY ts_unix_ns, id"
            var values = w.values
            if limit > 0 { sql += " LIMIT ?"; values.append(.integer(Int64(limit))) }
            let statement = try connection.prepare(sql)
            try statement.bind(values)
            rows += try statement.rows(RowDecoding.event)
        }
        if unique.count > 500 {
            rows.sort { ($0.tsUnixNs, $0.id ?? 0) < ($1.tsUnixNs, $1.id ?? 0) }
        }
        return limit > 0 ? Array(rows.prefix(limit)) : rows
    }

    /// Number of stored event rows (a folded row counts once; `storedEventTotal` counts events).
    public func eventCount() throws -> Int {
        Int(try connection.scalarInt("SELECT (SELECT count(*) FROM events) + (SELECT coalesce(sum(rows), 0) FROM event_segments)") ?? 0)
    }

    /// Number of events stored (folded repeats counted each).
    public func storedEventTotal() throws -> Int {
        Int(try connection.scalarInt(
            "SELECT (SELECT coalesce(sum(count), 0) FROM events) + (SELECT coalesce(sum(events), 0) FROM event_segments)") ?? 0)
    }

    /// The smallest string greater than every string starting with `prefix`: the prefix with
    /// its last scalar incremented (UTF-8 byte order follows scalar order). `nil` for "".
    static func prefixUpperBound(_ prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if next == 0xD800 { next = 0xE000 }  // skip the surrogate range
            if let scalar = Unicode.Scalar(next) {
                scalars.append(scalar)
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars)
                return String(view)
            }
        }
        return nil
    }
}
