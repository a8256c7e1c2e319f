import Foundation
import Testing
@testable import MamoriStore
#if canImport(Glibc)
import Glibc
#endif

/// Store cost per event for the file workload of issue 12 (create/write/rename/chmod/unlink
/// loop). Measures, does not assert: run with
/// `MAMORI_STORE_BENCH=1 swift test --skip-build --filter StoreCostBenchmark`.
/// Prints bytes per event (database + WAL after a TRUNCATE checkpoint, divided by the events
/// enqueued) and process CPU seconds per event (getrusage, user + system, enqueue included).
@Suite struct StoreCostBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["MAMORI_STORE_BENCH"] != nil
    static let events = Int(ProcessInfo.processInfo.environment["MAMORI_STORE_BENCH_N"] ?? "") ?? 200_000
    /// `MAMORI_STORE_BENCH_DISTINCT=1`: every cycle uses a new file name (nothing repeats, the
    /// worst case for folding).
    static let distinct = ProcessInfo.processInfo.environment["MAMORI_STORE_BENCH_DISTINCT"] != nil

    /// Event `n` of the loop: 8 worker processes, each cycling over 4 file names with
    /// creation, open-write ×3, chmod, rename, deletion; ~20 µs apart.
    static func fileLoopEvent(_ n: Int) -> EventRow {
        let ops = ["creation", "open-write", "open-write", "open-write", "chmod", "rename", "deletion"]
        let worker = n % 8
        let step = (n / 8) % ops.count
        let file = distinct ? n / (8 * ops.count) : (n / (8 * ops.count)) % 4
        let op = ops[step]
        let path = "/var/tmp/mamori-bench/w\(worker)/file-\(file).dat"
        return EventRow(tsNs: UInt64(n) * 20_000, tsUnixNs: Rows.t0 + Int64(n) * 20_000, kind: "file", action: op,
                        pid: UInt32(4000 + worker), ppid: 3999, entityId: "Zm9vYmFyYmF6cXV4cXV1eA\(worker)",
                        parentEntityId: "cGFyZW50cGFyZW50cGFyZW4", executable: "/usr/bin/python3.12",
                        commandLine: "python3 bench/file_loop.py --workers 8 --seconds 30",
                        path: op == "rename" ? path + ".tmp" : path, targetPath: op == "rename" ? path : nil,
                        result: 0, uid: 1000, unit: "session-3.scope")
    }

    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    @Test(.enabled(if: enabled)) func fileLoopCostPerEvent() throws {
        let dir = TempDir()
        let n = Self.events
        let items = (0..<n).map { StoreItem.event(Self.fileLoopEvent($0)) }
        let writer = try StoreWriter(configuration: StoreWriter.Configuration(
            path: dir.dbPath, capacity: 65_536, capacityBytes: 1 << 30, retention: .keepEverything))
        let cpu0 = Self.cpuSeconds()
        let t0 = DispatchTime.now().uptimeNanoseconds
        for item in items {
            while !writer.enqueue(item) { usleep(200) }
        }
        writer.flush()
        let cpu = Self.cpuSeconds() - cpu0
        let wall = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        let stats = writer.stats
        writer.close()
        let store = try EventStore(path: dir.dbPath)
        try store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let rows = try store.eventCount()
        let bytes = Self.fileSize(dir.dbPath) + Self.fileSize(dir.dbPath + "-wal")
        print("store cost\(Self.distinct ? " (distinct paths)" : ""): \(n) file events -> \(rows) rows, \(bytes) bytes = \(bytes / Int64(n)) B/event; "
              + "CPU \(String(format: "%.2f", cpu)) s = \(String(format: "%.2f", cpu / Double(n) * 1e6)) µs/event; "
              + "wall \(String(format: "%.2f", wall)) s; written \(stats.written), dropped \(stats.dropped)")
    }
}
