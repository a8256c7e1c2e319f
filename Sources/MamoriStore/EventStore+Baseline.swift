/// The header of one behavioural profile (`baseline_profiles`): its state and counters.
///
/// Exists so the baseline module can persist a profile without this module knowing its
/// in-memory form, and the CLI can list profiles without the agent. Sendable value.
public struct BaselineProfileRow: Sendable, Equatable {
    public var profile: String
    /// `learning`, `stable` or `enforced`.
    public var state: String
    public var sinceUnixNs: Int64
    public var stateChangedUnixNs: Int64
    /// Wall-clock time of the last behaviour learned (the quiet period counts from here).
    public var lastNewUnixNs: Int64
    public var eventsSeen: Int64
    public var deviations: Int64
    public var items: Int64
    /// Comma-separated categories that reached their cap.
    public var fullCategories: String
    /// New items refused because their category was full.
    public var overflow: Int64
    public var updatedUnixNs: Int64

    public init(profile: String, state: String, sinceUnixNs: Int64, stateChangedUnixNs: Int64, lastNewUnixNs: Int64,
                eventsSeen: Int64, deviations: Int64, items: Int64, fullCategories: String, overflow: Int64,
                updatedUnixNs: Int64) {
        self.profile = profile; self.state = state; self.sinceUnixNs = sinceUnixNs
        self.stateChangedUnixNs = stateChangedUnixNs; self.lastNewUnixNs = lastNewUnixNs
        self.eventsSeen = eventsSeen; self.deviations = deviations; self.items = items
        self.fullCategories = fullCategories; self.overflow = overflow; self.updatedUnixNs = updatedUnixNs
    }
}

/// One learned item of a profile (`baseline_items`): a category, its canonical key text and a
/// detail (identity, example). Append-only until the profile is reset. Sendable value.
public struct BaselineItemRow: Sendable, Equatable {
    public var profile: String
    public var category: String
    public var key: String
    public var detail: String?
    public var firstSeen: Int64

    public init(profile: String, category: String, key: String, detail: String?, firstSeen: Int64) {
        self.profile = profile; self.category = category; self.key = key; self.detail = detail
        self.firstSeen = firstSeen
    }
}

/// A stored event as the baseline learns it at first start (`events` joined with the parent's
/// executable). Sendable value.
public struct BaselineHistoryRow: Sendable, Equatable {
    public var tsUnixNs: Int64
    public var kind: String
    public var action: String
    public var executable: String?
    public var commandLine: String?
    public var parentExecutable: String?
    public var path: String?
    public var dstIP: String?
    public var dstPort: Int?
    /// The local port (the port a `listen` row listens on).
    public var srcPort: Int?
    public var transport: String?
    public var uid: UInt32?
    public var unit: String?
}

extension EventStore {
    /// Inserts or replaces a profile's header.
    public func upsert(_ b: BaselineProfileRow) throws {
        let s = try connection.cached("""
            INSERT INTO baseline_profiles (profile, state, since_unix_ns, state_changed_unix_ns, last_new_unix_ns,
                events_seen, deviations, items, full_categories, overflow, updated_unix_ns)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            ON CONFLICT(profile) DO UPDATE SET state = excluded.state, since_unix_ns = excluded.since_unix_ns,
                state_changed_unix_ns = excluded.state_changed_unix_ns, last_new_unix_ns = excluded.last_new_unix_ns,
                events_seen = excluded.events_seen, deviations = excluded.deviations, items = excluded.items,
                full_categories = excluded.full_categories, overflow = excluded.overflow,
                updated_unix_ns = excluded.updated_unix_ns
            """)
        try s.bind(b.profile, at: 1); try s.bind(b.state, at: 2); try s.bind(b.sinceUnixNs, at: 3)
        try s.bind(b.stateChangedUnixNs, at: 4); try s.bind(b.lastNewUnixNs, at: 5); try s.bind(b.eventsSeen, at: 6)
        try s.bind(b.deviations, at: 7); try s.bind(b.items, at: 8); try s.bind(b.fullCategories, at: 9)
        try s.bind(b.overflow, at: 10); try s.bind(b.updatedUnixNs, at: 11)
        try s.run()
    }

    /// Adds a learned item; for an item already stored only the detail is updated (an
    /// executable's identity learned after its path).
    public func insert(_ b: BaselineItemRow) throws {
        let s = try connection.cached("""
            INSERT INTO baseline_items (profile, category, key, detail, first_seen) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT(profile, category, key) DO UPDATE SET detail = excluded.detail
            """)
        try s.bind(b.profile, at: 1); try s.bind(b.category, at: 2); try s.bind(b.key, at: 3)
        try s.bind(b.detail, at: 4); try s.bind(b.firstSeen, at: 5)
        try s.run()
    }

    /// Forgets a profile: header and items.
    public func deleteBaseline(profile: String) throws {
        let a = try connection.cached("DELETE FROM baseline_items WHERE profile = ?1")
        try a.bind(profile, at: 1); try a.run()
        let b = try connection.cached("DELETE FROM baseline_profiles WHERE profile = ?1")
        try b.bind(profile, at: 1); try b.run()
    }

    /// Every profile header, by name.
    public func baselineProfiles() throws -> [BaselineProfileRow] {
        let s = try connection.cached("""
            SELECT profile, state, since_unix_ns, state_changed_unix_ns, last_new_unix_ns, events_seen, deviations,
                items, full_categories, overflow, updated_unix_ns FROM baseline_profiles ORDER BY profile
            """)
        return try s.rows {
            BaselineProfileRow(profile: $0.string(0), state: $0.string(1), sinceUnixNs: $0.int64(2),
                               stateChangedUnixNs: $0.int64(3), lastNewUnixNs: $0.int64(4), eventsSeen: $0.int64(5),
                               deviations: $0.int64(6), items: $0.int64(7), fullCategories: $0.string(8),
                               overflow: $0.int64(9), updatedUnixNs: $0.int64(10))
        }
    }

    /// The learned items of one profile (all profiles when nil), in learning order per category.
    public func baselineItems(profile: String? = nil) throws -> [BaselineItemRow] {
        let s = try connection.cached("""
            SELECT profile, category, key, detail, first_seen FROM baseline_items
            WHERE ?1 IS NULL OR profile = ?1 ORDER BY profile, category, first_seen, key
            """)
        try s.bind(profile, at: 1)
        return try s.rows {
            BaselineItemRow(profile: $0.string(0), category: $0.string(1), key: $0.string(2),
                            detail: $0.optionalString(3), firstSeen: $0.int64(4))
        }
    }

    /// The newest `limit` stored exec, network and file events (oldest first), for learning
    /// profiles from history at first start. Reads at most `limit` rows.
    public func baselineHistory(limit: Int) throws -> [BaselineHistoryRow] {
        let s = try connection.cached("""
            SELECT * FROM (
              SELECT e.ts_unix_ns, e.kind, e.action, e.executable, e.command_line, p.executable,
                     CASE WHEN e.action = 'rename' THEN e.target_path ELSE e.path END, e.dst_ip,
                     e.dst_port, e.transport, e.uid, e.unit, e.id, e.src_port
              FROM events e LEFT JOIN processes p ON p.entity_id = e.parent_entity_id
              WHERE e.kind IN ('exec', 'network', 'file') ORDER BY e.id DESC LIMIT ?1
            ) ORDER BY 13
            """)
        try s.bind(limit, at: 1)
        return try s.rows {
            BaselineHistoryRow(tsUnixNs: $0.int64(0), kind: $0.string(1), action: $0.string(2),
                               executable: $0.optionalString(3), commandLine: $0.optionalString(4),
                               parentExecutable: $0.optionalString(5), path: $0.optionalString(6),
                               dstIP: $0.optionalString(7), dstPort: $0.optionalInt(8), srcPort: $0.optionalInt(13),
                               transport: $0.optionalString(9),
                               uid: $0.optionalUInt32(10), unit: $0.optionalString(11))
        }
    }
}
