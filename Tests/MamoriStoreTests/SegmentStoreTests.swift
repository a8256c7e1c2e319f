import Foundation
import Testing
@testable import MamoriStore

/// The segment format (schema 4): round trip, bounds on hostile strings, corrupt blobs,
/// migration of a schema-3 file, retention of segments.
@Suite struct SegmentStoreTests {
    static func sample() -> [EventRow] {
        var rows = (0..<50).map { n in
            Rows.event(n, action: n % 3 == 0 ? "rename" : "open-write", pid: UInt32(100 + n % 4),
                       entity: "E\(n % 4)", path: "/srv/data/file-\(n % 7)", target: n % 3 == 0 ? "/srv/x/\(n)" : nil)
        }
        rows[3].count = 12
        rows[3].lastTsUnixNs = rows[3].tsUnixNs + 900_000_000
        rows[4] = EventRow(tsNs: 7, tsUnixNs: Rows.t0 - 5, kind: "network", action: "connect", pid: 9,
                           srcIP: "::1", srcPort: 40_000, dstIP: "203.0.113.7", dstPort: 443, transport: "tcp",
                           result: -111)
        rows[5].path = "/tmp/caf\u{e9}-\u{1F600}\u{0}nul"
        rows[6].ecsJSON = "{\"a\":1}"
        rows[7].ppid = nil; rows[7].uid = nil; rows[7].unit = nil; rows[7].result = nil
        return rows
    }

    @Test func segmentRoundTripKeepsEveryField() throws {
        var encoder = SegmentEncoder()
        let rows = Self.sample()
        for row in rows { encoder.append(row) }
        let decoded = try SegmentFormat.decode(encoder.encoded(), segmentId: 3)
        #expect(decoded.count == rows.count)
        for (i, (got, want)) in zip(decoded, rows).enumerated() {
            var expected = want
            expected.id = 3 * 65_536 + Int64(i)
            #expect(got == expected)
        }
        #expect(Set(encoder.entityIds) == ["E0", "E1", "E2", "E3"])
        #expect(encoder.eventTotal == rows.count + 11)
        #expect(encoder.firstUnixNs == Rows.t0 - 5)
    }

    @Test func hostileStringsAreBoundedPerField() throws {
        let dir = TempDir()
        let store = try EventStore(path: dir.dbPath)
        var row = Rows.event(1, path: String(repeating: "/\u{e9}", count: 400_000))  // 1.2 MB, 2-byte scalars
        row.commandLine = String(repeating: "A", count: 5_000_000)
        row.ecsJSON = String(repeating: "j", count: 1_000_000)
        try store.insert(row)
        let back = try #require(store.events(filter: EventFilter()).first)
        #expect(back.path!.utf8.count <= SegmentFormat.maxFieldBytes)
        #expect(back.path!.utf8.count >= SegmentFormat.maxFieldBytes - 3)
        #expect(row.path!.hasPrefix(back.path!))  // cut at a scalar boundary
        #expect(back.commandLine!.utf8.count == SegmentFormat.maxFieldBytes)
        #expect(back.ecsJSON!.utf8.count == SegmentFormat.maxDocumentBytes)
        let stored = try store.connection.scalarInt("SELECT sum(length(data)) FROM event_segments") ?? 0
        #expect(stored < 80_000)
    }

    @Test func corruptSegmentsThrowOrAreSkippedNeverTrap() throws {
        var encoder = SegmentEncoder()
        for row in Self.sample() { encoder.append(row) }
        let good = encoder.encoded()
        for cut in stride(from: 0, to: good.count - 1, by: 7) {
            #expect(throws: (any Error).self) { try SegmentFormat.decode(Array(good[..<cut]), segmentId: 1) }
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            var bytes = good
            for _ in 0..<4 { bytes[Int.random(in: 5..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            _ = try? SegmentFormat.decode(bytes, segmentId: 1)  // must not trap
        }
        let dir = TempDir()
        let store = try EventStore(path: dir.dbPath)
        try store.write([StoreItem.event(Rows.event(1, path: "/a"))])
        try store.write([StoreItem.event(Rows.event(2, path: "/b"))])
        try store.connection.execute("UPDATE event_segments SET data = x'4d53454701ff' WHERE id = (SELECT min(id) FROM event_segments)")
        let reader = try EventStore(path: dir.dbPath, mode: .readOnly)
        #expect(try reader.events(filter: EventFilter()).map(\.path) == ["/b"])
        #expect(reader.segmentCache.corrupt.count == 1)
    }

    @Test func aBatchIsOneSegmentAndQueriesFilterLikeSQL() throws {
        let dir = TempDir()
        let store = try EventStore(path: dir.dbPath)
        try store.write(Self.sample().map(StoreItem.event))
        #expect(try store.connection.scalarInt("SELECT count(*) FROM event_segments") == 1)
        #expect(try store.eventCount() == 50)
        #expect(try store.storedEventTotal() == 61)
        #expect(try store.events(filter: EventFilter(entityId: "E2")).count == 12)
        #expect(try store.events(filter: EventFilter(path: .prefix("/srv/x/"))).count == 17)
        #expect(try store.events(filter: EventFilter(path: .exact("/srv/data/file-6"))).count == 7)
        #expect(try store.events(filter: EventFilter(path: .contains("caf\u{e9}"))).count == 1)
        // Byte-wise like SQLite: the decomposed spelling is another path.
        #expect(try store.events(filter: EventFilter(path: .contains("cafe\u{301}"))).isEmpty)
        #expect(try store.events(filter: EventFilter(address: "203.0.113.7")).map(\.action) == ["connect"])
        #expect(try store.events(filter: EventFilter(kinds: [.network])).count == 1)
        #expect(try store.events(filter: EventFilter(pid: 101)).count == Self.sample().filter { $0.pid == 101 }.count)
        let newest = try store.events(filter: EventFilter(limit: 5, order: .newestFirst))
        #expect(newest.map(\.tsUnixNs) == (45..<50).reversed().map { Rows.t0 + Int64($0) * Rows.second })
        let window = try store.events(filter: EventFilter(since: Rows.t0 + 10 * Rows.second,
                                                          until: Rows.t0 + 20 * Rows.second, limit: 3))
        #expect(window.map(\.tsUnixNs) == (10..<13).map { Rows.t0 + Int64($0) * Rows.second })
    }

    @Test func limitStopsAcrossManySegments() throws {
        let dir = TempDir()
        let store = try EventStore(path: dir.dbPath)
        for batch in 0..<20 {
            try store.write((0..<100).map { StoreItem.event(Rows.event(batch * 100 + $0, entity: "E\(batch % 3)")) })
        }
        let first = try store.events(filter: EventFilter(limit: 150))
        #expect(first.map(\.commandLine) == (0..<150).map { "test \($0)" })
        let last = try store.events(filter: EventFilter(entityId: "E1", limit: 10, order: .newestFirst))
        #expect(last.first?.commandLine == "test 1999")
        #expect(Set(last.map(\.id)).count == 10)
        let story = try store.events(forEntities: ["E0", "E2"], limit: 0)
        #expect(story.count == 1_300)  // batches 0, 3, ... 18 (E0) and 2, 5, ... 17 (E2)
        #expect(story == story.sorted(by: EventRow.earlier))
    }

    /// A schema-3 file (rows in `events`) opened by this build: migrated to 4, old rows
    /// readable through every query, new rows in segments, ids never colliding.
    @Test func migrationFromSchema3KeepsHistoryReadable() throws {
        let dir = TempDir()
        do {
            let c = try Connection(path: dir.dbPath)
            try Migrator.migrate(c, migrations: Array(StoreSchema.migrations.prefix(3)))
            try c.execute("""
                INSERT INTO processes (entity_id, pid, executable, seen_unix_ns) VALUES ('P0', 1, '/sbin/init', 0);
                INSERT INTO events (ts_ns, ts_unix_ns, kind, action, pid, entity_id, parent_entity_id, executable, path, count)
                VALUES (1, \(Rows.t0), 'exec', 'exec', 10, 'OLD', 'P0', '/bin/old', '/bin/old', 1),
                       (2, \(Rows.t0 + Rows.second), 'file', 'open-write', 10, 'OLD', 'P0', '/bin/old', '/etc/old', 3);
                """)
            #expect(try Migrator.userVersion(c) == 3)
        }
        let store = try EventStore(path: dir.dbPath)
        #expect(try store.schemaVersion == 4)
        try store.write([StoreItem.event(Rows.event(5, entity: "OLD", path: "/etc/new"))])
        let all = try store.events(filter: EventFilter())
        #expect(all.map(\.path) == ["/bin/old", "/etc/old", "/etc/new"])
        #expect(Set(all.compactMap(\.id)).count == 3)
        #expect(try store.events(filter: EventFilter(path: .prefix("/etc/"))).count == 2)
        #expect(try store.events(forEntities: ["OLD"]).count == 3)
        #expect(try store.events(filter: EventFilter(entityId: "OLD", limit: 1, order: .newestFirst)).first?.path == "/etc/new")
        #expect(try store.eventCount() == 3)
        #expect(try store.storedEventTotal() == 5)
        let history = try store.baselineHistory(limit: 10)
        #expect(history.map(\.path) == ["/bin/old", "/etc/old", "/etc/new"])
        #expect(history.first?.parentExecutable == "/sbin/init")
        #expect(try store.connection.integrityCheck() == "ok")
        let readOnly = try EventStore(path: dir.dbPath, mode: .readOnly)
        #expect(try readOnly.events(filter: EventFilter(limit: 2, order: .newestFirst)).map(\.path) == ["/etc/new", "/etc/old"])
    }

    @Test func retentionDeletesWholeSegmentsByAgeAndSize() throws {
        let dir = TempDir()
        let store = try EventStore(path: dir.dbPath)
        let now = Rows.t0 + 40 * 86_400 * Rows.second
        // Ten days of batches, one per day, the oldest 39 days ago.
        for day in 0..<10 {
            let at = now - Int64(39 - day) * 86_400 * Rows.second
            try store.write((0..<200).map { StoreItem.event(Rows.event($0, at: at + Int64($0), entity: "D\(day)",
                                                                       json: Rows.json(400, tag: day * 1_000 + $0))) }
                            + [.process(Rows.process("D\(day)", pid: UInt32(day), parent: nil, seen: at))])
        }
        var policy = RetentionPolicy.keepEverything
        policy.maxEventAge = .seconds(35 * 86_400)
        let byAge = try store.applyRetention(policy, nowUnixNs: now)
        #expect(byAge.eventsDeletedByAge == 4 * 200)  // days 39...36 ago; day 35 straddles the cutoff and stays
        #expect(try store.connection.scalarInt("SELECT count(*) FROM event_segments") == 6)
        #expect(try store.connection.scalarInt("SELECT count(DISTINCT segment_id) FROM segment_entities") == 6)
        #expect(try store.process(entityId: "D0") == nil)  // no events left: pruned
        #expect(try store.process(entityId: "D9") != nil)
        #expect(try store.events(filter: EventFilter(entityId: "D3")).isEmpty)
        #expect(try store.events(filter: EventFilter(entityId: "D4")).count == 200)

        let before = try store.usedBytes()
        policy = .keepEverything
        policy.maxDatabaseBytes = before - 200_000
        let bySize = try store.applyRetention(policy, nowUnixNs: now)
        #expect(bySize.eventsDeletedBySize > 0)
        #expect(try store.usedBytes() <= before - 200_000)
        #expect(try store.events(filter: EventFilter(entityId: "D9")).count == 200)  // newest kept
        #expect(try store.connection.integrityCheck() == "ok")
    }
}
