extension EventStore {
    /// Events of the segments matching `filter`, in its order, at most `filter.limit`.
    ///
    /// Reads the segments whose time span overlaps the filter (only those indexed for the
    /// entity when it names one) in order of their first (oldest first) or last (newest first)
    /// time, and stops once `limit` rows are held and no later segment can hold an earlier
    /// one. Address, path and pid filters are applied to the decoded rows.
    func segmentEvents(filter: EventFilter) throws -> [EventRow] {
        let spans = try segmentSpans(since: filter.since, until: filter.until,
                                     entities: filter.entityId.map { [$0] }, order: filter.order)
        let oldestFirst = filter.order == .oldestFirst
        let precedes = oldestFirst ? EventRow.earlier : EventRow.later
        let matcher = RowMatcher(filter)
        let limit = filter.limit
        var want = SegmentFormat.Want(entities: filter.entityId.map { [$0] })
        if case .exact(let path)? = filter.path { want.requiredString = SegmentFormat.bounded(path, maxBytes: SegmentFormat.maxFieldBytes) }
        var out = [EventRow]()
        for span in spans {
            if limit > 0 && out.count >= limit {
                let bound = out[limit - 1].tsUnixNs
                if oldestFirst ? span.first > bound : span.last < bound { break }
            }
            for row in try segmentRows(span.id, want: want) where matcher.matches(row) { out.append(row) }
            if limit > 0 && out.count >= limit {
                out.sort(by: precedes)
                if out.count > limit { out.removeSubrange(limit...) }
            }
        }
        out.sort(by: precedes)
        return out
    }
}

extension EventRow {
    /// Time order, then insertion order (the order of `mamori events` and the story).
    static let earlier: @Sendable (EventRow, EventRow) -> Bool = { ($0.tsUnixNs, $0.id ?? 0) < ($1.tsUnixNs, $1.id ?? 0) }
    static let later: @Sendable (EventRow, EventRow) -> Bool = { ($0.tsUnixNs, $0.id ?? 0) > ($1.tsUnixNs, $1.id ?? 0) }
}

/// An `EventFilter` applied to decoded rows with the same meaning as its SQL form:
/// byte-wise comparisons (SQLite compares UTF-8 bytes, not canonical equivalents).
struct RowMatcher {
    let filter: EventFilter
    let kinds: Set<String>

    init(_ filter: EventFilter) {
        self.filter = filter
        kinds = Set(filter.kinds.map(EventRow.kindName))
    }

    func matches(_ e: EventRow) -> Bool {
        if let since = filter.since, e.tsUnixNs < since { return false }
        if let until = filter.until, e.tsUnixNs >= until { return false }
        if let pid = filter.pid, e.pid != pid { return false }
        if !kinds.isEmpty && !kinds.contains(e.kind) { return false }
        if let entity = filter.entityId, !Self.same(e.entityId, entity) { return false }
        if let address = filter.address, !Self.same(e.dstIP, address) && !Self.same(e.srcIP, address) { return false }
        switch filter.path {
        case .exact(let p)?:
            return Self.same(e.path, p) || Self.same(e.targetPath, p)
        case .prefix(let p)?:
            return Self.starts(e.path, p) || Self.starts(e.targetPath, p)
        case .contains(let p)?:
            return Self.contains(e.path, p) || Self.contains(e.targetPath, p)
        case nil:
            return true
        }
    }

    static func same(_ value: String?, _ wanted: String) -> Bool {
        guard let value else { return false }
        return value.utf8.elementsEqual(wanted.utf8)
    }

    static func starts(_ value: String?, _ prefix: String) -> Bool {
        guard let value else { return false }
        return value.utf8.starts(with: prefix.utf8)
    }

    /// `instr(value, needle) > 0`: an empty needle matches any non-NULL value.
    static func contains(_ value: String?, _ needle: String) -> Bool {
        guard let value else { return false }
        let hay = Array(value.utf8), n = Array(needle.utf8)
        guard !n.isEmpty else { return true }
        guard hay.count >= n.count else { return false }
        for start in 0...(hay.count - n.count) where hay[start] == n[0] {
            if hay[start..<start + n.count].elementsEqual(n) { return true }
        }
        return false
    }
}
