import Foundation
import Testing
@testable import MamoriStore

@Suite struct MigrationTests {
    @Test func migratesAnEmptyDatabase() throws {
        let dir = TempDir()
        let store = try EventStore(path: dir.dbPath)
        #expect(try store.schemaVersion == StoreSchema.currentVersion)
        let tables = try store.connection.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).rows { $0.string(0) }
        #expect(tables == ["alerts", "audit", "baseline_items", "baseline_profiles", "command_stats", "events", "incidents", "processes"])
        let indexes = try store.connection.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'"
        ).rows { $0.string(0) }
        for name in ["events_time", "events_pid", "events_entity", "events_path", "events_dst_ip",
                     "alerts_rule", "alerts_incident", "processes_parent"] {
            #expect(indexes.contains(name), "missing index \(name)")
        }
        #expect(try store.connection.integrityCheck() == "ok")
    }

    @Test func reopenPreservesData() throws {
        let dir = TempDir()
        do {
            let store = try EventStore(path: dir.dbPath)
            try store.insert(Rows.event(1, path: "/etc/passwd"))
            try store.upsert(Rows.process("P1", pid: 10, parent: nil))
        }
        let again = try EventStore(path: dir.dbPath)
        #expect(try again.eventCount() == 1)
        #expect(try again.events(filter: EventFilter()).first?.path == "/etc/passwd")
        #expect(try again.process(entityId: "P1")?.pid == 10)
        let readOnly = try EventStore(path: dir.dbPath, mode: .readOnly)
        #expect(try readOnly.eventCount() == 1)
        #expect(throws: StoreError.self) { try readOnly.insert(Rows.event(2)) }
    }

    @Test func newerSchemaIsRefusedWithAClearMessage() throws {
        let dir = TempDir()
        do {
            let store = try EventStore(path: dir.dbPath)
            try store.connection.execute("PRAGMA user_version = \(StoreSchema.currentVersion + 5)")
        }
        do {
            _ = try EventStore(path: dir.dbPath)
            Issue.record("a newer schema must be refused")
        } catch let error as StoreError {
            #expect(error == .schemaTooNew(path: dir.dbPath, found: StoreSchema.currentVersion + 5,
                                           supported: StoreSchema.currentVersion))
            #expect(error.description.contains("newer than"))
            #expect(error.description.contains("upgrade mamori"))
        }
        // Left untouched.
        let raw = try Connection(path: dir.dbPath)
        #expect(try Migrator.userVersion(raw) == StoreSchema.currentVersion + 5)
    }

    @Test func laterMigrationsRunInOrderAndKeepData() throws {
        let dir = TempDir()
        do {
            let store = try EventStore(path: dir.dbPath)
            try store.insert(Rows.event(1))
        }
        let extra = StoreSchema.migrations + [
            Migration(version: StoreSchema.currentVersion + 1, summary: "test: add column",
                      sql: "ALTER TABLE events ADD COLUMN note TEXT; UPDATE events SET note = 'v2'"),
            Migration(version: StoreSchema.currentVersion + 2, summary: "test: depends on the previous",
                      sql: "UPDATE events SET note = note || '+v3'"),
        ]
        let c = try Connection(path: dir.dbPath)
        let result = try Migrator.migrate(c, migrations: extra)
        #expect(result.from == StoreSchema.currentVersion && result.to == StoreSchema.currentVersion + 2)
        #expect(try c.scalarText("SELECT note FROM events") == "v2+v3")
        #expect(try c.scalarInt("SELECT count(*) FROM events") == 1)
        // Idempotent.
        #expect(try Migrator.migrate(c, migrations: extra).to == StoreSchema.currentVersion + 2)
    }

    @Test func failingMigrationLeavesThePreviousVersion() throws {
        let dir = TempDir()
        _ = try EventStore(path: dir.dbPath)
        let broken = StoreSchema.migrations + [
            Migration(version: StoreSchema.currentVersion + 1, summary: "half good",
                      sql: "CREATE TABLE extra (x); SELECT * FROM missing_table"),
        ]
        let c = try Connection(path: dir.dbPath)
        #expect(throws: StoreError.self) { try Migrator.migrate(c, migrations: broken) }
        #expect(try Migrator.userVersion(c) == StoreSchema.currentVersion)
        #expect(try c.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'extra'") == 0)
    }

    @Test func readOnlyOldSchemaAsksForMigration() throws {
        let dir = TempDir()
        _ = try Connection(path: dir.dbPath)  // empty file, version 0
        #expect(throws: StoreError.schemaNeedsMigration(path: dir.dbPath, found: 0,
                                                         supported: StoreSchema.currentVersion)) {
            try EventStore(path: dir.dbPath, mode: .readOnly)
        }
    }
}
