/// How much history the store keeps. Sendable value: built from the agent configuration,
/// handed to the `StoreWriter`, whose thread applies it.
///
/// Events go first: older than `maxEventAge`, then oldest-first while the database is larger
/// than `maxDatabaseBytes` (whole segments: a segment goes when its newest event is past the
/// age, or as the oldest when the file is too large). Alerts and incidents have their own, longer age. Process rows go
/// once nothing refers to them any more. The audit trail is never deleted.
public struct RetentionPolicy: Sendable, Equatable {
    /// Events older than this are deleted; `nil` keeps them regardless of age.
    public var maxEventAge: Duration?
    /// Oldest events are deleted while the live pages exceed this; `nil` for no size limit.
    public var maxDatabaseBytes: Int64?
    /// Alerts (by `last_seen`) and then-empty incidents older than this are deleted.
    public var maxAlertAge: Duration?
    /// Command shapes not seen for this long are forgotten (they become "rare" again).
    public var maxCommandStatAge: Duration?
    /// How often the writer thread runs a pass.
    public var interval: Duration
    /// Rows deleted per transaction: small enough that a pass never holds the write lock long.
    public var deleteChunk: Int
    /// Rows a writer pass may delete before yielding to new batches (the next pass continues).
    public var maxRowsPerPass: Int

    public init(maxEventAge: Duration? = .seconds(30 * 86_400), maxDatabaseBytes: Int64? = 2 << 30,
                maxAlertAge: Duration? = .seconds(365 * 86_400), maxCommandStatAge: Duration? = .seconds(90 * 86_400),
                interval: Duration = .seconds(60), deleteChunk: Int = 5_000, maxRowsPerPass: Int = 100_000) {
        self.maxEventAge = maxEventAge; self.maxDatabaseBytes = maxDatabaseBytes
        self.maxAlertAge = maxAlertAge; self.maxCommandStatAge = maxCommandStatAge
        self.interval = interval; self.deleteChunk = max(1, deleteChunk)
        self.maxRowsPerPass = max(1, maxRowsPerPass)
    }

    /// Keep everything (tests, forensic copies).
    public static let keepEverything = RetentionPolicy(maxEventAge: nil, maxDatabaseBytes: nil, maxAlertAge: nil,
                                                       maxCommandStatAge: nil)
}

/// What one retention pass did. Sendable value.
public struct RetentionReport: Sendable, Equatable {
    public var eventsDeletedByAge = 0
    public var eventsDeletedBySize = 0
    public var alertsDeleted = 0
    public var incidentsDeleted = 0
    public var processesDeleted = 0
    public var commandStatsDeleted = 0
    /// Live bytes (pages not on the free list) before and after the pass.
    public var bytesBefore: Int64 = 0
    public var bytesAfter: Int64 = 0
    /// The pass stopped at `maxRowsPerPass`: run another soon.
    public var incomplete = false

    public init() {}

    public var rowsDeleted: Int {
        eventsDeletedByAge + eventsDeletedBySize + alertsDeleted + incidentsDeleted + processesDeleted
            + commandStatsDeleted
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }
}

extension EventStore {
    /// Bytes in pages that hold data: `(page_count − freelist_count) × page_size`.
    public func usedBytes() throws -> Int64 {
        let pages = try connection.scalarInt("PRAGMA page_count") ?? 0
        let free = try connection.scalarInt("PRAGMA freelist_count") ?? 0
        return (pages - free) * (try connection.scalarInt("PRAGMA page_size") ?? 4096)
    }

    /// Size of the database as SQLite sees it (`page_count × page_size`, WAL included).
    public func databaseBytes() throws -> Int64 {
        (try connection.scalarInt("PRAGMA page_count") ?? 0) * (try connection.scalarInt("PRAGMA page_size") ?? 4096)
    }

    /// Runs one retention pass: deletes by age, then by size, in chunks of
    /// `policy.deleteChunk` rows per transaction, then returns freed pages to the file system
    /// (`PRAGMA incremental_vacuum`) and checkpoints the WAL without waiting for readers.
    @discardableResult
    public func applyRetention(_ policy: RetentionPolicy, nowUnixNs: Int64) throws -> RetentionReport {
        var report = RetentionReport()
        var budget = policy.maxRowsPerPass
        report.bytesBefore = try usedBytes()

        if let age = policy.maxEventAge {
            let cutoff = nowUnixNs &- age.nanoseconds
            report.eventsDeletedByAge = try deleteInChunks(
                "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE ts_unix_ns < ?1 LIMIT ?2)",
                cutoff: cutoff, chunk: policy.deleteChunk, budget: &budget)
            // A segment goes once its last event is past the age; the one it straddles stays whole.
            report.eventsDeletedByAge += try deleteSegments(
                "SELECT id, rows FROM event_segments WHERE last_unix_ns < ?1 ORDER BY id LIMIT ?2",
                cutoff: cutoff, budget: &budget)
        }
        if let maxBytes = policy.maxDatabaseBytes {
            report.eventsDeletedBySize = try trimToSize(maxBytes, chunk: policy.deleteChunk, budget: &budget)
        }
        if let age = policy.maxAlertAge {
            let cutoff = nowUnixNs &- age.nanoseconds
            report.alertsDeleted = try deleteInChunks(
                "DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE last_seen < ?1 LIMIT ?2)",
                cutoff: cutoff, chunk: policy.deleteChunk, budget: &budget)
            report.incidentsDeleted = try deleteInChunks("""
                DELETE FROM incidents WHERE id IN (SELECT id FROM incidents i WHERE i.last_seen < ?1
                    AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.incident_id = i.id) LIMIT ?2)
                """, cutoff: cutoff, chunk: policy.deleteChunk, budget: &budget)
        }
        if let age = policy.maxCommandStatAge {
            report.commandStatsDeleted = try deleteInChunks("""
                DELETE FROM command_stats WHERE shape_hash IN
                    (SELECT shape_hash FROM command_stats WHERE last_seen < ?1 LIMIT ?2)
                """, cutoff: nowUnixNs &- age.nanoseconds, chunk: policy.deleteChunk, budget: &budget)
        }
        // A process nobody can reach any more: last written before the oldest remaining event,
        // with no events, no alerts and no children left. Leaves go first, parents next pass.
        let oldestEvent = try connection.scalarInt("""
            SELECT min(t) FROM (SELECT min(ts_unix_ns) AS t FROM events UNION ALL SELECT min(first_unix_ns) FROM event_segments)
            """) ?? nowUnixNs
        report.processesDeleted = try deleteInChunks("""
            DELETE FROM processes WHERE rowid IN (SELECT p.rowid FROM processes p WHERE p.seen_unix_ns < ?1
                AND NOT EXISTS (SELECT 1 FROM events e WHERE e.entity_id = p.entity_id)
                AND NOT EXISTS (SELECT 1 FROM segment_entities x WHERE x.entity_hash = mamori_entity_hash(p.entity_id))
                AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.entity_id = p.entity_id)
                AND NOT EXISTS (SELECT 1 FROM processes c WHERE c.parent_entity_id = p.entity_id)
                LIMIT ?2)
            """, cutoff: oldestEvent, chunk: policy.deleteChunk, budget: &budget)

        report.incomplete = budget <= 0
        if report.rowsDeleted > 0 {
            segmentCache.clear()
            try connection.execute("PRAGMA incremental_vacuum")
            _ = try? connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        }
        report.bytesAfter = try usedBytes()
        return report
    }

    /// Runs a `DELETE ... LIMIT ?2` statement until it deletes less than a chunk or the budget
    /// runs out, one transaction per chunk. Returns the rows deleted.
    private func deleteInChunks(_ sql: String, cutoff: Int64, chunk: Int, budget: inout Int) throws -> Int {
        var total = 0
        while budget > 0 {
            let n = min(chunk, budget)
            let deleted = try connection.transaction(.immediate) {
                let s = try connection.cached(sql)
                try s.bind(cutoff, at: 1); try s.bind(n, at: 2)
                try s.run()
                return connection.changes
            }
            total += deleted
            budget -= deleted
            if deleted < n { break }
        }
        return total
    }

    /// Deletes segments chosen by `select` (id, rows; `?1` the cutoff, `?2` a limit) with their
    /// `segment_entities` rows, a few segments per transaction, until none is left or the budget
    /// (counted in event rows) runs out. Returns the event rows deleted.
    private func deleteSegments(_ select: String, cutoff: Int64, budget: inout Int, perTransaction: Int = segmentsPerDelete,
                                enough: () throws -> Bool = { false }) throws -> Int {
        var total = 0
        while budget > 0, try !enough() {
            let deleted = try connection.transaction(.immediate) { () -> (segments: Int, rows: Int) in
                let s = try connection.cached(select)
                try s.bind(cutoff, at: 1); try s.bind(perTransaction, at: 2)
                let candidates = try s.rows { ($0.int64(0), $0.int(1)) }
                // Whole segments only; stop once the budget is spent.
                var victims = [(Int64, Int)]()
                var rows = 0
                for c in candidates where rows < budget { victims.append(c); rows += c.1 }
                let entities = try connection.cached("DELETE FROM segment_entities WHERE segment_id = ?1")
                let segment = try connection.cached("DELETE FROM event_segments WHERE id = ?1")
                for (id, _) in victims {
                    try entities.bind(id, at: 1); try entities.run()
                    try segment.bind(id, at: 1); try segment.run()
                }
                return (victims.count, victims.reduce(0) { $0 + $1.1 })
            }
            total += deleted.rows
            budget -= max(deleted.rows, deleted.segments)
            if deleted.segments < perTransaction { break }
        }
        return total
    }

    /// Segments deleted per retention transaction (each holds up to 65,535 events, usually 4,096).
    static let segmentsPerDelete = 8

    /// Deletes the oldest events until the live pages fit in `maxBytes` (or no events are
    /// left): rows of schema 1–3 first (they are the oldest), then the oldest segments.
    private func trimToSize(_ maxBytes: Int64, chunk: Int, budget: inout Int) throws -> Int {
        var total = try trimLegacyToSize(maxBytes, chunk: chunk, budget: &budget)
        total += try deleteSegments("SELECT id, rows FROM event_segments WHERE ?1 = ?1 ORDER BY id LIMIT ?2",
                                    cutoff: 0, budget: &budget, perTransaction: 1,
                                    enough: { try usedBytes() <= maxBytes })
        return total
    }

    /// `trimToSize` over the `events` table of schema 1–3.
    private func trimLegacyToSize(_ maxBytes: Int64, chunk: Int, budget: inout Int) throws -> Int {
        var total = 0
        var used = try usedBytes()
        while used > maxBytes && budget > 0 {
            let count = Int(try connection.scalarInt("SELECT count(*) FROM events") ?? 0)
            guard count > 0 else { break }
            // Bytes per event over the whole file overestimates an event's share, so this
            // undershoots and the loop converges from above in a few rounds.
            let perRow = max(1, used / Int64(count))
            var want = Int((used - maxBytes) / perRow) + 1 + count / 100
            want = min(want, count, budget)
            var deletedThisRound = 0
            while deletedThisRound < want {
                let n = min(chunk, want - deletedThisRound)
                let deleted = try connection.transaction(.immediate) {
                    let s = try connection.cached("DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT ?1)")
                    try s.bind(n, at: 1)
                    try s.run()
                    return connection.changes
                }
                deletedThisRound += deleted
                if deleted < n { break }
            }
            total += deletedThisRound
            budget -= deletedThisRound
            if deletedThisRound == 0 { break }
            used = try usedBytes()
        }
        return total
    }
}
