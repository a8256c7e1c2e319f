/// One step of the schema's history: the SQL that takes a database from `version - 1` to
/// `version`.
///
/// Exists so that schema changes are append-only and ordered: a released migration is never
/// edited, a new one is appended with the next version. Immutable; any thread.
public struct Migration: Sendable {
    public let version: Int32
    public let summary: String
    public let sql: String

    public init(version: Int32, summary: String, sql: String) {
        self.version = version; self.summary = summary; self.sql = sql
    }
}

/// The store's schema: the ordered list of migrations. `docs/store.md` describes every column.
///
/// Timestamps: `*_unix_ns` and `first_seen`/`last_seen` are wall-clock nanoseconds since the
/// Unix epoch; `ts_ns`, `start_ns` and `exit_ns` are kernel CLOCK_BOOTTIME nanoseconds (the
/// clock of the records, comparable only within one boot). Stateless; any thread.
public enum StoreSchema {
    /// The version this build writes; databases with a higher `user_version` are refused.
    public static var currentVersion: Int32 { migrations.last?.version ?? 0 }

    public static let migrations: [Migration] = [
        Migration(version: 1, summary: "events, processes, alerts, incidents, audit, command_stats", sql: """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ts_ns INTEGER NOT NULL,
            ts_unix_ns INTEGER NOT NULL,
            kind TEXT NOT NULL,
            action TEXT NOT NULL,
            pid INTEGER NOT NULL,
            ppid INTEGER,
            entity_id TEXT,
            parent_entity_id TEXT,
            executable TEXT,
            command_line TEXT,
            path TEXT,
            target_path TEXT,
            src_ip TEXT,
            src_port INTEGER,
            dst_ip TEXT,
            dst_port INTEGER,
            transport TEXT,
            result INTEGER,
            uid INTEGER,
            unit TEXT,
            ecs_json TEXT
        );
        CREATE INDEX events_time ON events(ts_unix_ns);
        CREATE INDEX events_pid ON events(pid, ts_unix_ns);
        CREATE INDEX events_entity ON events(entity_id, ts_unix_ns) WHERE entity_id IS NOT NULL;
        CREATE INDEX events_path ON events(path) WHERE path IS NOT NULL;
        CREATE INDEX events_target_path ON events(target_path) WHERE target_path IS NOT NULL;
        CREATE INDEX events_dst_ip ON events(dst_ip) WHERE dst_ip IS NOT NULL;
        CREATE INDEX events_src_ip ON events(src_ip) WHERE src_ip IS NOT NULL;

        CREATE TABLE processes (
            entity_id TEXT PRIMARY KEY NOT NULL,
            pid INTEGER NOT NULL,
            ppid INTEGER,
            parent_entity_id TEXT,
            executable TEXT,
            command_line TEXT,
            cwd TEXT,
            uid INTEGER,
            start_ns INTEGER,
            exit_ns INTEGER,
            exit_code INTEGER,
            unit TEXT,
            session_leader_entity_id TEXT,
            seen_unix_ns INTEGER NOT NULL
        );
        CREATE INDEX processes_parent ON processes(parent_entity_id) WHERE parent_entity_id IS NOT NULL;
        CREATE INDEX processes_pid ON processes(pid);
        CREATE INDEX processes_seen ON processes(seen_unix_ns);

        CREATE TABLE incidents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            incident_uuid TEXT NOT NULL UNIQUE,
            root_entity_id TEXT,
            first_seen INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            risk_score INTEGER NOT NULL DEFAULT 0,
            alert_count INTEGER NOT NULL DEFAULT 0,
            title TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open'
        );
        CREATE INDEX incidents_last_seen ON incidents(last_seen);
        CREATE INDEX incidents_root ON incidents(root_entity_id);

        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            alert_uuid TEXT NOT NULL UNIQUE,
            dedup_key TEXT NOT NULL UNIQUE,
            ts_unix_ns INTEGER NOT NULL,
            rule_id TEXT NOT NULL,
            rule_name TEXT NOT NULL,
            severity TEXT NOT NULL,
            risk_score INTEGER NOT NULL DEFAULT 0,
            tactic_ids TEXT NOT NULL DEFAULT '',
            technique_ids TEXT NOT NULL DEFAULT '',
            entity_id TEXT,
            incident_id INTEGER REFERENCES incidents(id) ON DELETE SET NULL,
            count INTEGER NOT NULL DEFAULT 1,
            first_seen INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            response TEXT,
            ecs_json TEXT
        );
        CREATE INDEX alerts_time ON alerts(ts_unix_ns);
        CREATE INDEX alerts_last_seen ON alerts(last_seen);
        CREATE INDEX alerts_rule ON alerts(rule_id, ts_unix_ns);
        CREATE INDEX alerts_entity ON alerts(entity_id) WHERE entity_id IS NOT NULL;
        CREATE INDEX alerts_incident ON alerts(incident_id) WHERE incident_id IS NOT NULL;

        CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ts_unix_ns INTEGER NOT NULL,
            actor_uid INTEGER,
            actor_pid INTEGER,
            action TEXT NOT NULL,
            from_value TEXT,
            to_value TEXT,
            reason TEXT
        );
        CREATE INDEX audit_time ON audit(ts_unix_ns);

        CREATE TABLE command_stats (
            shape_hash INTEGER PRIMARY KEY,
            executable TEXT NOT NULL,
            example TEXT,
            first_seen INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            count INTEGER NOT NULL
        );
        CREATE INDEX command_stats_last_seen ON command_stats(last_seen);
        """),
        Migration(version: 2, summary: "events.count and events.last_ts_unix_ns: repeated file events folded into one row", sql: """
        ALTER TABLE events ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE events ADD COLUMN last_ts_unix_ns INTEGER;
        """),
        Migration(version: 3, summary: "baseline_profiles and baseline_items: behavioural baselines per unit (docs/baseline.md)", sql: """
        CREATE TABLE baseline_profiles (
            profile TEXT PRIMARY KEY NOT NULL,
            state TEXT NOT NULL,
            since_unix_ns INTEGER NOT NULL,
            state_changed_unix_ns INTEGER NOT NULL,
            last_new_unix_ns INTEGER NOT NULL,
            events_seen INTEGER NOT NULL,
            deviations INTEGER NOT NULL,
            items INTEGER NOT NULL,
            full_categories TEXT NOT NULL,
            overflow INTEGER NOT NULL,
            updated_unix_ns INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE baseline_items (
            profile TEXT NOT NULL,
            category TEXT NOT NULL,
            key TEXT NOT NULL,
            detail TEXT,
            first_seen INTEGER NOT NULL,
            PRIMARY KEY (profile, category, key)
        ) WITHOUT ROWID;
        """),
    ]
}
