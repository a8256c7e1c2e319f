import Foundation
import Testing
@testable import MamoriStore

/// Repeated identical file events of one write batch are stored as one row with a count.
@Suite struct EventAggregationTests {
    let dir = TempDir()

    static func write(_ n: Int, at ms: Int64, action: String = "open-write", path: String = "/tmp/loop.dat",
                      entity: String = "E100", pid: UInt32 = 100, result: Int32 = 0) -> EventRow {
        var row = Rows.event(n, action: action, pid: pid, at: Rows.t0 + ms * 1_000_000, entity: entity, path: path)
        row.result = result
        return row
    }

    @Test func repeatsWithinASecondBecomeOneRowWithTheirCount() throws {
        let store = try EventStore(path: dir.dbPath)
        var items = (0..<10).map { StoreItem.event(Self.write($0, at: Int64($0) * 50)) }  // 0...450 ms
        items.insert(.event(Self.write(100, at: 10, path: "/tmp/other.dat")), at: 3)
        items.append(.event(Self.write(101, at: 20, entity: "E200", pid: 200)))
        items.append(.event(Self.write(102, at: 30, result: -13)))
        items.append(.event(Rows.event(103, kind: "exec", action: "exec", at: Rows.t0 + 40_000_000, path: "/tmp/loop.dat")))
        items.append(.event(Self.write(104, at: 600)))
        try store.write(items)

        let rows = try store.events(filter: EventFilter(path: .exact("/tmp/loop.dat")))
        let folded = try #require(rows.first { $0.entityId == "E100" && $0.kind == "file" && $0.result == 0 })
        #expect(folded.count == 11)
        #expect(folded.tsUnixNs == Rows.t0)
        #expect(folded.lastTsUnixNs == Rows.t0 + 600_000_000)
        #expect(folded.commandLine == "test 0")  // the first event's columns
        // Another process, another result, another kind, another path: rows of their own.
        #expect(rows.count == 4)
        #expect(rows.filter { $0.count == 1 }.count == 3)
        #expect(rows.allSatisfy { $0.count == 1 ? $0.lastTsUnixNs == nil : true })
        #expect(try store.eventCount() == 5)
        #expect(try store.connection.scalarInt("SELECT sum(count) FROM events") == 15)
    }

    @Test func aRowCoversLessThanOneSecond() throws {
        let store = try EventStore(path: dir.dbPath)
        try store.write((0..<25).map { StoreItem.event(Self.write($0, at: Int64($0) * 100)) })  // 0...2.4 s
        let rows = try store.events(filter: EventFilter(kinds: [.file]))
        #expect(rows.map(\.count) == [10, 10, 5])
        #expect(rows.map(\.tsUnixNs) == [0, 1_000, 2_000].map { Rows.t0 + Int64($0) * 1_000_000 })
        #expect(rows.map(\.lastTsUnixNs) == [900, 1_900, 2_400].map { Rows.t0 + Int64($0) * 1_000_000 })
    }

    @Test func singleInsertsAndEventsWithJSONAreNeverFolded() throws {
        let store = try EventStore(path: dir.dbPath)
        try store.insert(Self.write(0, at: 0))
        try store.insert(Self.write(1, at: 1))
        var a = Self.write(2, at: 2); a.ecsJSON = "{}"
        var b = Self.write(3, at: 3); b.ecsJSON = "{}"
        try store.write([.event(a), .event(b)])
        #expect(try store.eventCount() == 4)
        #expect(try store.events(filter: EventFilter()).allSatisfy { $0.count == 1 })
    }

    @Test func theWriterCountsFoldedEventsAsWritten() throws {
        let writer = try StoreWriter(configuration: StoreWriter.Configuration(path: dir.dbPath, retention: .keepEverything))
        for n in 0..<1_000 { writer.enqueue(.event(Self.write(n, at: 0))) }
        writer.flush()
        let stats = writer.stats
        writer.close()
        #expect(stats.written == 1_000 && stats.dropped == 0 && stats.unstored == 0)
        let store = try EventStore(path: dir.dbPath, mode: .readOnly)
        #expect(try store.connection.scalarInt("SELECT sum(count) FROM events") == 1_000)
        #expect(try store.eventCount() < 1_000)
    }

    @Test func aVersion1DatabaseMigratesAndItsRowsCountOne() throws {
        do {
            let c = try Connection(path: dir.dbPath)
            try Migrator.migrate(c, migrations: Array(StoreSchema.migrations.prefix(1)))
            try c.execute("""
                INSERT INTO events (ts_ns, ts_unix_ns, kind, action, pid, path) VALUES (1, 2, 'file', 'chmod', 7, '/x')
                """)
        }
        let store = try EventStore(path: dir.dbPath)
        #expect(try store.schemaVersion == StoreSchema.currentVersion)
        let rows = try store.events(filter: EventFilter())
        #expect(rows.count == 1 && rows.first?.count == 1 && rows.first?.lastTsUnixNs == nil)
        #expect(rows.first?.path == "/x")
    }
}
