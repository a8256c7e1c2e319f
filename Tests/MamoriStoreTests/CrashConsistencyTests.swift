import Foundation
import Testing
@testable import MamoriStore

/// SIGKILLs a child process while it writes, then checks that the database is sound and holds
/// whole batches only. The child is this test binary re-executed with
/// `MAMORI_STORE_CRASH_CHILD_DB` set, running `crashChildWriterLoop` alone.
@Suite struct CrashConsistencyTests {
    static let childVariable = "MAMORI_STORE_CRASH_CHILD_DB"
    /// Events per batch; each batch also upserts one process row in the same transaction. Big
    /// enough (~4 MB) that SQLite spills pages into the WAL before the commit, so the parent
    /// can see a transaction in progress and kill right then.
    static let batchEvents = 5_000

    /// The child's body: a no-op in a normal test run.
    @Test func crashChildWriterLoop() throws {
        guard let path = ProcessInfo.processInfo.environment[Self.childVariable] else { return }
        let writer = try StoreWriter(configuration: StoreWriter.Configuration(
            path: path, capacity: 10_000, batchSize: Self.batchEvents + 1, flushInterval: .seconds(3_600),
            retention: .keepEverything))
        let resume = try EventStore(path: path).connection.scalarInt("SELECT count(*) FROM processes") ?? 0
        var batch = Int(resume)
        while true {
            var items = (0..<Self.batchEvents).map { i in
                StoreItem.event(Rows.event(i, pid: UInt32(batch), entity: "batch-\(batch)",
                                           json: Rows.json(600, tag: i)))
            }
            items.append(.process(Rows.process("batch-\(batch)", pid: UInt32(batch), parent: nil)))
            precondition(writer.enqueue(contentsOf: items) == items.count)
            writer.flush()  // exactly one transaction per batch
            batch += 1
        }
    }

    @Test func sigkillMidWriteLeavesWholeBatches() throws {
        let dir = TempDir()
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var lastBatches = 0
        var killsMidTransaction = 0
        for round in 0..<4 {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: executable)
            child.arguments = ["--testing-library", "swift-testing", "--filter", "crashChildWriterLoop"]
            child.environment = ProcessInfo.processInfo.environment.merging(
                [Self.childVariable: dir.dbPath]) { $1 }
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()

            // Let it commit a few batches beyond the previous round, then kill at a random moment.
            let progressed = try waitUntil(seconds: 60) {
                guard child.isRunning else { return true }
                guard FileManager.default.fileExists(atPath: dir.dbPath) else { return false }
                let reader = try? EventStore(path: dir.dbPath, mode: .readOnly)
                return (try reader?.connection.scalarInt("SELECT count(*) FROM processes") ?? 0) >= lastBatches + 3
            }
            #expect(progressed && child.isRunning, "round \(round): the child never made progress")
            // Kill while uncommitted frames sit at the end of the WAL: mid-transaction.
            let midTransaction = waitUntil(seconds: 20) { WALInspector.hasUncommittedTail(dir.dbPath + "-wal") }
            kill(child.processIdentifier, SIGKILL)
            if midTransaction { killsMidTransaction += 1 }
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal && child.terminationStatus == SIGKILL)

            let batches = try Self.checkWholeBatches(dir.dbPath)
            #expect(batches >= lastBatches + 3, "round \(round): committed batches were lost")
            lastBatches = batches
        }
        #expect(killsMidTransaction >= 1, "no kill landed inside a transaction")
    }

    /// Opens the database as the agent would after a crash and verifies it. Returns the batches.
    static func checkWholeBatches(_ path: String) throws -> Int {
        let store = try EventStore(path: path)
        #expect(try store.connection.integrityCheck() == "ok")
        #expect(try store.connection.scalarText("PRAGMA foreign_key_check") == nil)
        let c = store.connection
        let batches = Int(try c.scalarInt("SELECT count(*) FROM processes") ?? 0)
        let rows = try store.events(filter: EventFilter(limit: 0))
        #expect(rows.count == batches * batchEvents, "events \(rows.count) vs \(batches) batches: a half transaction")
        // Batches 0..<n, each exactly complete, each with its process row.
        let groups = Dictionary(grouping: rows, by: { Int($0.pid) })
        #expect(groups.keys.sorted() == Array(0..<batches))
        #expect(groups.values.allSatisfy { $0.count == batchEvents && Set($0.map(\.ecsJSON)).count == batchEvents })
        let entities = Set(try c.prepare("SELECT entity_id FROM processes").rows { $0.string(0) })
        #expect(rows.allSatisfy { $0.entityId.map(entities.contains) == true }, "an event without its process row")
        return batches
    }
}

/// Reads a SQLite WAL file (format: https://sqlite.org/fileformat2.html#walformat) to tell
/// whether its valid frames end with frames of a transaction that has not committed yet.
enum WALInspector {
    static func hasUncommittedTail(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path), data.count >= 32 else { return false }
        let bytes = [UInt8](data)
        func be32(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
        }
        let pageSize = Int(be32(8))
        let salt1 = be32(16), salt2 = be32(20)
        guard pageSize >= 512 else { return false }
        var offset = 32
        var lastWasCommit = true
        var frames = 0
        while offset + 24 + pageSize <= bytes.count {
            guard be32(offset + 8) == salt1 && be32(offset + 12) == salt2 else { break }  // stale frame
            lastWasCommit = be32(offset + 4) != 0  // "size of the database after commit", 0 otherwise
            frames += 1
            offset += 24 + pageSize
        }
        return frames > 0 && !lastWasCommit
    }
}
