import Foundation
import Testing
@testable import MamoriStore

@Suite struct StoreWriterTests {
    static func config(_ dir: TempDir, capacity: Int = 10_000, capacityBytes: Int = 64 << 20, batchSize: Int = 100,
                       flushInterval: Duration = .seconds(3_600), retryInterval: Duration = .seconds(3_600),
                       retention: RetentionPolicy = .keepEverything,
                       hardLimitBytes: Int64? = nil) -> StoreWriter.Configuration {
        StoreWriter.Configuration(path: dir.dbPath, capacity: capacity, capacityBytes: capacityBytes, batchSize: batchSize,
                                  flushInterval: flushInterval, retryInterval: retryInterval,
                                  retention: retention, hardLimitBytes: hardLimitBytes)
    }

    @Test func flushWritesEverythingInOrder() throws {
        let dir = TempDir()
        let writer = try StoreWriter(configuration: Self.config(dir))
        for n in 0..<1_050 { #expect(writer.enqueue(.event(Rows.event(n)))) }
        writer.enqueue(.process(Rows.process("P", pid: 1, parent: nil)))
        writer.flush()
        let stats = writer.stats
        #expect(stats.enqueued == 1_051 && stats.written == 1_051 && stats.dropped == 0 && stats.unstored == 0)
        #expect(stats.batches >= 11 && stats.pending == 0)  // at most 100 rows per transaction
        let store = try EventStore(path: dir.dbPath, mode: .readOnly)
        let ids = try store.events(filter: EventFilter(limit: 0)).map { $0.commandLine ?? "" }
        #expect(ids == (0..<1_050).map { "test \($0)" })
        #expect(try store.process(entityId: "P") != nil)
        writer.close()
    }

    @Test func flushIntervalWritesPartialBatches() throws {
        let dir = TempDir()
        let writer = try StoreWriter(configuration: Self.config(dir, batchSize: 1_000, flushInterval: .milliseconds(50)))
        for n in 0..<5 { writer.enqueue(.event(Rows.event(n))) }
        let reader = try EventStore(path: dir.dbPath, mode: .readOnly)
        #expect(try waitUntil(seconds: 10) { try reader.eventCount() == 5 })  // no flush() call
        #expect(writer.stats.written == 5)
        writer.close()
    }

    @Test func fullBufferDropsAndCounts() throws {
        let dir = TempDir()
        let writer = try StoreWriter(configuration: Self.config(dir, capacity: 10, batchSize: 4))
        writer.hold(true)
        var accepted = 0
        for n in 0..<25 where writer.enqueue(.event(Rows.event(n))) { accepted += 1 }
        #expect(accepted == 10)
        var stats = writer.stats
        #expect(stats.enqueued == 10 && stats.dropped == 15 && stats.pending == 10 && stats.written == 0)
        #expect(writer.enqueue(contentsOf: [.event(Rows.event(99)), .event(Rows.event(100))]) == 0)
        writer.hold(false)
        writer.flush()
        stats = writer.stats
        #expect(stats.written == 10 && stats.dropped == 17 && stats.pending == 0)
        // The kept rows are the first ten, in order.
        let store = try EventStore(path: dir.dbPath, mode: .readOnly)
        #expect(try store.events(filter: EventFilter()).map(\.commandLine) == (0..<10).map { "test \($0)" })
        writer.close()
        #expect(!writer.enqueue(.event(Rows.event(1))))
        #expect(writer.stats.dropped == 18)
    }

    @Test func byteBoundDropsLargeRows() throws {
        let dir = TempDir()
        let writer = try StoreWriter(configuration: Self.config(dir, capacityBytes: 50_000))
        writer.hold(true)
        var accepted = 0
        for n in 0..<200 where writer.enqueue(.event(Rows.event(n, json: Rows.json(2_000)))) { accepted += 1 }
        let stats = writer.stats
        #expect(accepted > 10 && accepted < 25)  // ~2.5 KB each
        #expect(stats.pendingBytes <= 50_000 && stats.dropped == UInt64(200 - accepted))
        #expect(writer.enqueue(.audit(AuditRow(tsUnixNs: 1, action: "x"))))  // small items still fit
        writer.hold(false)
        writer.flush()
        #expect(writer.stats.pendingBytes == 0 && writer.stats.written == UInt64(accepted + 1))
        writer.close()
    }

    @Test func diskFullKeepsRunningCountsAndRecovers() throws {
        let dir = TempDir()
        let writer = try StoreWriter(configuration: Self.config(dir, batchSize: 50, hardLimitBytes: 512 * 1024))
        for n in 0..<2_000 { writer.enqueue(.event(Rows.event(n, json: Rows.json(1_000, tag: n)))) }
        writer.flush()
        var stats = writer.stats
        #expect(stats.written > 0 && stats.unstored > 0)
        #expect(stats.written + stats.unstored == 2_000)
        #expect(stats.diskFullCount >= 1 && stats.failedBatches >= 1 && stats.pending == 0)
        #expect(stats.lastError?.contains("full") == true)

        // Still running: once space is freed, new rows are stored again.
        let other = try Connection(path: dir.dbPath)
        try other.execute("DELETE FROM segment_entities; DELETE FROM event_segments")
        let writtenBefore = stats.written
        for n in 0..<10 { #expect(writer.enqueue(.event(Rows.event(n)))) }
        writer.flush()
        stats = writer.stats
        #expect(stats.written == writtenBefore + 10 && !stats.isDiskFull)
        writer.close()
        #expect(try Connection(path: dir.dbPath).integrityCheck() == "ok")
    }

    @Test func diskFullTriggersRetentionAndRetries() throws {
        let dir = TempDir()
        var retention = RetentionPolicy.keepEverything
        retention.maxDatabaseBytes = 256 * 1024
        retention.interval = .seconds(3_600)
        let writer = try StoreWriter(configuration: Self.config(
            dir, batchSize: 50, retryInterval: .milliseconds(20), retention: retention, hardLimitBytes: 640 * 1024))
        // Paced below the buffer so nothing is dropped: the writer must make room by itself.
        for n in 0..<3_000 {
            while !writer.enqueue(.event(Rows.event(n, json: Rows.json(1_000, tag: n)))) { usleep(1_000) }
        }
        #expect(try waitUntil(seconds: 60) { writer.stats.pending == 0 })
        let stats = writer.stats
        #expect(stats.diskFullCount >= 1)
        #expect(stats.retentionDeletedRows > 0)
        #expect(stats.written + stats.unstored == 3_000)
        #expect(stats.written > 1_000)  // far more than fits under the cap at once
        writer.close()
        let store = try EventStore(path: dir.dbPath)
        #expect(try store.events(filter: EventFilter(limit: 1, order: .newestFirst)).first?.commandLine == "test 2999")
        #expect(try store.connection.integrityCheck() == "ok")
    }

    @Test func badRowIsIsolatedFromItsBatch() throws {
        let dir = TempDir()
        do {
            let setup = try EventStore(path: dir.dbPath)
            try setup.connection.execute("""
                CREATE TRIGGER poison BEFORE INSERT ON processes WHEN NEW.executable = '/poison'
                BEGIN SELECT RAISE(ABORT, 'poison row'); END
                """)
        }
        let writer = try StoreWriter(configuration: Self.config(dir, batchSize: 100))
        for n in 0..<10 {
            writer.enqueue(n == 4 ? .process(Rows.process("P4", pid: 4, parent: nil, exe: "/poison"))
                                  : .event(Rows.event(n, path: "/ok")))
        }
        writer.flush()
        let stats = writer.stats
        #expect(stats.written == 9 && stats.unstored == 1)
        #expect(stats.lastError?.contains("poison row") == true)
        writer.close()
    }

    @Test func closeWritesWhatIsBuffered() throws {
        let dir = TempDir()
        let writer = try StoreWriter(configuration: Self.config(dir, batchSize: 1_000))
        for n in 0..<123 { writer.enqueue(.event(Rows.event(n))) }
        writer.close()
        writer.close()  // idempotent
        #expect(writer.stats.written == 123)
        #expect(try EventStore(path: dir.dbPath, mode: .readOnly).eventCount() == 123)
    }

    @Test func openErrorsSurfaceInInit() throws {
        let dir = TempDir()
        try Connection(path: dir.dbPath).execute("PRAGMA user_version = 999")
        #expect(throws: StoreError.self) { try StoreWriter(configuration: Self.config(dir)) }
        #expect(throws: StoreError.invalidArgument("capacity, capacityBytes and batchSize must be positive")) {
            try StoreWriter(configuration: Self.config(TempDir(), capacity: 0))
        }
    }

    @Test func periodicRetentionRunsOnTheWriterThread() throws {
        let dir = TempDir()
        do {
            let store = try EventStore(path: dir.dbPath)
            try store.insert(Rows.event(1, at: 1_000))  // 1970: far beyond any age limit
        }
        var retention = RetentionPolicy.keepEverything
        retention.maxEventAge = .seconds(86_400)
        retention.interval = .milliseconds(20)
        let writer = try StoreWriter(configuration: Self.config(dir, retention: retention))
        let reader = try EventStore(path: dir.dbPath, mode: .readOnly)
        #expect(waitUntil(seconds: 10) { writer.stats.retentionDeletedRows == 1 })
        #expect(try reader.eventCount() == 0 && writer.stats.retentionPasses >= 1)
        writer.close()
    }
}
