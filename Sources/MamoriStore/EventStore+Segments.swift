/// Writing and reading event segments (`event_segments`, `segment_entities`).
extension EventStore {
    /// Stores `segment` and its entity index rows in the caller's transaction. Returns its id.
    @discardableResult
    func writeSegment(_ segment: SegmentEncoder) throws -> Int64 {
        let s = try connection.cached("""
            INSERT INTO event_segments (first_unix_ns, last_unix_ns, rows, events, data) VALUES (?1, ?2, ?3, ?4, ?5)
            """)
        try s.bind(segment.firstUnixNs, at: 1); try s.bind(segment.lastUnixNs, at: 2)
        try s.bind(segment.count, at: 3); try s.bind(segment.eventTotal, at: 4)
        try s.bind(segment.encoded(), at: 5)
        try s.run()
        let id = connection.lastInsertRowID
        let e = try connection.cached("INSERT OR IGNORE INTO segment_entities (entity_hash, segment_id) VALUES (?1, ?2)")
        for entity in segment.entityIds {
            try e.bind(Self.entityHash(entity), at: 1); try e.bind(id, at: 2)
            try e.run()
        }
        return id
    }

    /// The key of an entity id in `segment_entities`: FNV-1a-64 of its UTF-8 bytes (a
    /// collision only costs reading a segment that turns out not to hold the entity).
    static func entityHash(_ entityId: String) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in entityId.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return Int64(bitPattern: h)
    }

    /// One segment's place in time, as the queries choose which to read.
    struct SegmentSpan {
        var id: Int64
        var first: Int64
        var last: Int64
    }

    /// Segments that may hold events in `[since, until)`, optionally only those indexed for
    /// one of `entities`, ordered for `order` (oldest first by first time, newest first by
    /// last time).
    func segmentSpans(since: Int64?, until: Int64?, entities: [String]? = nil,
                      order: SortOrder = .oldestFirst) throws -> [SegmentSpan] {
        var w = WhereClause()
        if let since { w.add("s.last_unix_ns >= ?", .integer(since)) }
        if let until { w.add("s.first_unix_ns < ?", .integer(until)) }
        let sort = order == .oldestFirst ? "s.first_unix_ns, s.id" : "s.last_unix_ns DESC, s.id DESC"
        var spans = [SegmentSpan]()
        if let entities {
            var seen = Set<Int64>()
            let hashes = entities.map(Self.entityHash).filter { seen.insert($0).inserted }
            for start in stride(from: 0, to: hashes.count, by: 500) {
                var c = w
                c.add("x.entity_hash", in: hashes[start..<min(start + 500, hashes.count)].map { .integer($0) })
                let st = try connection.prepare("""
                    SELECT DISTINCT s.id, s.first_unix_ns, s.last_unix_ns FROM segment_entities x
                    JOIN event_segments s ON s.id = x.segment_id\(c.sql) ORDER BY \(sort)
                    """)
                try st.bind(c.values)
                spans += try st.rows { SegmentSpan(id: $0.int64(0), first: $0.int64(1), last: $0.int64(2)) }
            }
            if hashes.count > 500 {
                var unique = Set<Int64>()
                spans = spans.filter { unique.insert($0.id).inserted }
                spans.sort(by: order == .oldestFirst ? { ($0.first, $0.id) < ($1.first, $1.id) }
                                                     : { ($0.last, $0.id) > ($1.last, $1.id) })
            }
        } else {
            let st = try connection.cached(
                "SELECT s.id, s.first_unix_ns, s.last_unix_ns FROM event_segments s\(w.sql) ORDER BY \(sort)")
            try st.bind(w.values)
            spans = try st.rows { SegmentSpan(id: $0.int64(0), first: $0.int64(1), last: $0.int64(2)) }
        }
        return spans
    }

    /// The rows of one segment, decoded (or from the cache; a cached segment is returned whole,
    /// the caller filters). With `want`, only what it asks for is decoded and nothing is cached.
    /// A segment that does not decode is skipped and counted in `segmentCache.corrupt` rather
    /// than hiding the rest of history.
    func segmentRows(_ id: Int64, want: SegmentFormat.Want = .all) throws -> [EventRow] {
        if let rows = segmentCache.rows(id) { return rows }
        let st = try connection.cached("SELECT data FROM event_segments WHERE id = ?1")
        try st.bind(id, at: 1)
        let blobs = try st.rows { $0.blob(0) }
        guard let blob = blobs.first else { return [] }
        do {
            let rows = try SegmentFormat.decode(blob, segmentId: id, want: want)
            if want.entities == nil && want.requiredString == nil { segmentCache.store(id, rows) }
            return rows
        } catch {
            segmentCache.corrupt.insert(id)
            return []
        }
    }

    /// Whether any rows written before schema 4 remain in `events` (read once per store).
    var hasLegacyEvents: Bool {
        get throws {
            if let known = segmentCache.legacyEvents { return known }
            let any = try connection.scalarInt("SELECT EXISTS (SELECT 1 FROM events)") == 1
            segmentCache.legacyEvents = any
            return any
        }
    }
}

/// A small cache of decoded segments for one `EventStore` (same thread as its store).
///
/// Exists because `mamori story` asks for each process of a tree in turn and the processes
/// of one incident share segments: decoding each once keeps a story's cost proportional to
/// the segments it touches. Holds at most `capacity` segments (≤ 65,535 rows each).
final class SegmentCache {
    private var entries: [Int64: [EventRow]] = [:]
    private var order: [Int64] = []
    let capacity = 32
    /// Segments that failed to decode (skipped by every query).
    var corrupt = Set<Int64>()
    /// Whether `events` still holds rows of schema 1–3 (`nil` until asked).
    var legacyEvents: Bool?

    func rows(_ id: Int64) -> [EventRow]? { entries[id] }

    func store(_ id: Int64, _ rows: [EventRow]) {
        if entries.count >= capacity, let oldest = order.first {
            order.removeFirst()
            entries[oldest] = nil
        }
        entries[id] = rows
        order.append(id)
    }

    /// Forget everything (after retention deleted segments, or a write replaced them).
    func clear() {
        entries = [:]
        order = []
        legacyEvents = nil
    }
}
