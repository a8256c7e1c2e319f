import Foundation
import Testing
@testable import MamoriStore

/// Segment format 2 (records grouped by process) and reading segments written in format 1.
@Suite struct SegmentFormatVersionTests {
    /// Stores `encoded` as one segment with its entity index, as `writeSegment` does.
    static func storeRaw(_ store: EventStore, _ bytes: [UInt8], rows: [EventRow], entities: [String]) throws {
        let s = try store.connection.prepare("""
            INSERT INTO event_segments (first_unix_ns, last_unix_ns, rows, events, data) VALUES (?1, ?2, ?3, ?4, ?5)
            """)
        try s.bind(rows.map(\.tsUnixNs).min()!, at: 1)
        try s.bind(rows.map { max($0.tsUnixNs, $0.lastTsUnixNs ?? $0.tsUnixNs) }.max()!, at: 2)
        try s.bind(rows.count, at: 3); try s.bind(rows.reduce(0) { $0 + max(1, $1.count) }, at: 4)
        try s.bind(bytes, at: 5)
        try s.run()
        let id = store.connection.lastInsertRowID
        for entity in entities {
            try store.connection.execute(
                "INSERT OR IGNORE INTO segment_entities (entity_hash, segment_id) VALUES (\(EventStore.entityHash(entity)), \(id))")
        }
    }

    @Test func formatTwoKeepsInsertionOrderAndIdsAcrossGroups() throws {
        var encoder = SegmentEncoder()
        let rows = SegmentStoreTests.sample()
        for row in rows { encoder.append(row) }
        let bytes = encoder.encoded()
        #expect(bytes[4] == 2)
        let all = try SegmentFormat.decode(bytes, segmentId: 9)
        let ids: [Int64?] = (0..<rows.count).map { Int64(9 * 65_536 + $0) }
        #expect(all.map(\.id) == ids)
        #expect(all.map(\.entityId) == rows.map(\.entityId))
        // One entity: exactly its rows, with the ids they have in the whole segment.
        let e2 = try SegmentFormat.decode(bytes, segmentId: 9, want: .init(entities: ["E2"]))
        #expect(e2 == all.filter { $0.entityId == "E2" })
        let two = try SegmentFormat.decode(bytes, segmentId: 9, want: .init(entities: ["E1", "E3", "nope"]))
        #expect(two == all.filter { $0.entityId == "E1" || $0.entityId == "E3" })
        #expect(try SegmentFormat.decode(bytes, segmentId: 9, want: .init(entities: ["nope"])).isEmpty)
        // A path the dictionary lacks: nothing, without reading the records.
        #expect(try SegmentFormat.decode(bytes, segmentId: 9, want: .init(requiredString: "/srv/none")).isEmpty)
        // A path it holds: only the rows with that path or rename target are built.
        let file6 = try SegmentFormat.decode(bytes, segmentId: 9, want: .init(requiredString: "/srv/data/file-6"))
        #expect(file6 == all.filter { $0.path == "/srv/data/file-6" || $0.targetPath == "/srv/data/file-6" })
        #expect(file6.count == 7)
    }

    @Test func segmentsOfFormatOneStayReadable() throws {
        let rows = SegmentStoreTests.sample()
        var v1 = SegmentEncoderV1()
        for row in rows { v1.append(row) }
        let old = v1.encoded()
        #expect(old[4] == 1)
        let decoded = try SegmentFormat.decode(old, segmentId: 3)
        for (i, (got, want)) in zip(decoded, rows).enumerated() {
            var expected = want
            expected.id = 3 * 65_536 + Int64(i)
            #expect(got == expected)
        }
        #expect(try SegmentFormat.decode(old, segmentId: 3, want: .init(entities: ["E2"])) == decoded.filter { $0.entityId == "E2" })
        let oldFile6 = try SegmentFormat.decode(old, segmentId: 3, want: .init(requiredString: "/srv/data/file-6"))
        #expect(oldFile6 == decoded.filter { $0.path == "/srv/data/file-6" })

        // A store holding one format-1 segment (written by the previous release) and one
        // format-2 segment: every query reads both.
        let dir = TempDir()
        let store = try EventStore(path: dir.dbPath)
        try Self.storeRaw(store, old, rows: rows, entities: v1.entityIds)
        let later = rows.map { r -> EventRow in
            var r = r
            r.tsUnixNs += 3_600 * Rows.second
            r.lastTsUnixNs = r.lastTsUnixNs.map { $0 + 3_600 * Rows.second }
            return r
        }
        try store.write(later.map(StoreItem.event))
        let reader = try EventStore(path: dir.dbPath, mode: .readOnly)
        #expect(try reader.events(filter: EventFilter(limit: 0)).count == 2 * rows.count)
        let e2 = try reader.events(filter: EventFilter(entityId: "E2", limit: 0))
        let e2Count = rows.filter { $0.entityId == "E2" }.count
        #expect(e2.count == 2 * e2Count)
        let e12 = rows.filter { $0.entityId == "E1" || $0.entityId == "E2" }.count
        #expect(try reader.events(forEntities: ["E1", "E2"]).count == 2 * e12)
        #expect(try reader.events(filter: EventFilter(path: .exact("/srv/data/file-6"), limit: 0)).count == 14)
        #expect(reader.segmentCache.corrupt.isEmpty)
    }

    @Test func corruptGroupHeadersThrowNeverTrap() throws {
        var encoder = SegmentEncoder()
        for row in SegmentStoreTests.sample() { encoder.append(row) }
        let good = encoder.encoded()
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            var bytes = good
            for _ in 0..<3 { bytes[Int.random(in: 5..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            _ = try? SegmentFormat.decode(bytes, segmentId: 1)  // must not trap
            _ = try? SegmentFormat.decode(bytes, segmentId: 1, want: .init(entities: ["E1"]))
        }
        for cut in stride(from: 5, to: good.count - 1, by: 5) {
            #expect(throws: (any Error).self) { try SegmentFormat.decode(Array(good[..<cut]), segmentId: 1) }
        }
    }
}
