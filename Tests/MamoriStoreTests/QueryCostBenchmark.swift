import Foundation
import Testing
@testable import MamoriStore

/// Query cost on 24 h of synthetic history in segments. Measures, does not assert: run with
/// `MAMORI_STORE_BENCH=1 swift test --skip-build --filter QueryCostBenchmark`.
/// 24 h at 5 events/s (432,000 events, batches of 4,096) from 200 background processes plus
/// an "incident" tree of 10 processes whose events are spread over the whole day; prints the
/// process CPU (getrusage) of the queries a story makes (each process's events, paged as
/// `StoryScan` pages) and of `mamori events` listings.
@Suite struct QueryCostBenchmark {
    @Test(.enabled(if: StoreCostBenchmark.enabled)) func storyOnADayOfHistory() throws {
        let dir = TempDir()
        let store = try EventStore(path: dir.dbPath)
        let total = 432_000
        let step = 86_400 * Rows.second / Int64(total)
        var batch = [StoreItem]()
        // MAMORI_STORE_BENCH_V1=1 writes the segments in format 1 (as main wrote them before
        // format 2), to compare both layouts with the same reader.
        let v1 = ProcessInfo.processInfo.environment["MAMORI_STORE_BENCH_V1"] == "1"
        func write(_ items: [StoreItem]) throws {
            guard v1 else { return try store.write(items) }
            let rows = items.compactMap { if case .event(let e) = $0 { e } else { nil } }
            var encoder = SegmentEncoderV1()
            for row in rows { encoder.append(row) }
            try SegmentFormatVersionTests.storeRaw(store, encoder.encoded(), rows: rows, entities: encoder.entityIds)
        }
        for n in 0..<total {
            let incident = n % 500 == 0
            let entity = incident ? "INC\(n / 500 % 10)" : "BG\(n % 200)"
            batch.append(.event(EventRow(tsNs: UInt64(n), tsUnixNs: Rows.t0 + Int64(n) * step, kind: "file",
                                         action: "open-write", pid: UInt32(1000 + n % 200), ppid: 1, entityId: entity,
                                         executable: "/usr/bin/app", commandLine: "app --serve",
                                         path: "/srv/data/\(n % 5_000).dat", result: 0, uid: 0, unit: "app.service")))
            if batch.count == 4_096 { try write(batch); batch = [] }
        }
        try write(batch)
        // The incident tree for `mamori story INC0`: INC0 parent of INC1...INC9.
        try store.write((0..<10).map { i in
            .process(Rows.process("INC\(i)", pid: UInt32(5_000 + i), parent: i == 0 ? nil : "INC0", exe: "/usr/bin/app"))
        })
        let reader = try EventStore(path: dir.dbPath, mode: .readOnly)
        let before = StoreCostBenchmark.cpuSeconds()
        var found = 0
        for i in 0..<10 {
            found += try reader.events(filter: EventFilter(entityId: "INC\(i)", limit: 10_000)).count
        }
        let story = StoreCostBenchmark.cpuSeconds() - before
        let t0 = StoreCostBenchmark.cpuSeconds()
        let together = try reader.events(forEntities: (0..<10).map { "INC\($0)" }, limit: 0).count
        let forEntities = StoreCostBenchmark.cpuSeconds() - t0
        let t1 = StoreCostBenchmark.cpuSeconds()
        let newest = try reader.events(filter: EventFilter(limit: 1_000, order: .newestFirst)).count
        let listing = StoreCostBenchmark.cpuSeconds() - t1
        let t2 = StoreCostBenchmark.cpuSeconds()
        let byPath = try reader.events(filter: EventFilter(path: .exact("/srv/data/42.dat"), limit: 0)).count
        let pathScan = StoreCostBenchmark.cpuSeconds() - t2
        let t3 = StoreCostBenchmark.cpuSeconds()
        _ = try reader.events(filter: EventFilter(path: .exact("/srv/none.dat"), limit: 0)).count
        let absentScan = StoreCostBenchmark.cpuSeconds() - t3
        let segments = try reader.connection.scalarInt("SELECT count(*) FROM event_segments") ?? 0
        print("query cost on 24 h (format \(v1 ? 1 : 2), \(total) events, \(segments) segments, \(try reader.databaseBytes()) bytes): "
              + "story of 10 processes (\(found) events) \(String(format: "%.3f", story)) s CPU; "
              + "newest 1000 \(newest) rows \(String(format: "%.3f", listing)) s; "
              + "path = (whole day, \(byPath) rows) \(String(format: "%.3f", pathScan)) s; "
              + "path = absent from every segment \(String(format: "%.3f", absentScan)) s; "
              + "events(forEntities:) of the 10 (\(together) events) \(String(format: "%.3f", forEntities)) s")
        // MAMORI_STORE_BENCH_KEEP=/path keeps the database for `mamori story INC0 --db /path`
        // (release-build timings).
        if let keep = ProcessInfo.processInfo.environment["MAMORI_STORE_BENCH_KEEP"] {
            try? FileManager.default.removeItem(atPath: keep)
            try store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            try store.connection.execute("VACUUM INTO '\(keep)'")
            print("kept the database at \(keep)")
        }
    }
}
