import Foundation
import Testing
@testable import MamoriStore

/// Measures the batched writer's sustained insert rate. Benchmarks measure, they do not
/// assert: run with `MAMORI_STORE_BENCH=1 swift test --filter WriterThroughputBenchmark`
/// (add `-c release -Xswiftc -enable-testing` for optimised numbers).
@Suite struct WriterThroughputBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["MAMORI_STORE_BENCH"] != nil

    /// An exec-like row with a ~700-byte ECS document, as the pipeline would store it.
    static func realistic(_ n: Int) -> EventRow {
        let json = """
            {"@timestamp":"2026-01-01T00:00:\(n % 60).123456789Z","event":{"kind":"event","category":["process"],\
            "type":["start"],"action":"exec","outcome":"success"},"process":{"pid":\(1000 + n % 30000),\
            "entity_id":"Zm9vYmFyYmF6cXV4cXV1eA","executable":"/usr/bin/curl","name":"curl",\
            "command_line":"curl -s https://example.com/install.sh -o /tmp/i\(n).sh","args":["curl","-s",\
            "https://example.com/install.sh","-o","/tmp/i\(n).sh"],"working_directory":"/home/deploy",\
            "parent":{"pid":812,"entity_id":"cGFyZW50cGFyZW50cGFyZW4","executable":"/bin/bash","name":"bash"},\
            "user":{"id":"1000","name":"deploy"},"tty":{"char_device":{"major":136,"minor":3}}},\
            "host":{"name":"web-01"},"user":{"id":"1000","name":"deploy"},"ecs":{"version":"8.11.0"}}
            """
        return EventRow(tsNs: UInt64(n) * 1_000, tsUnixNs: Rows.t0 + Int64(n) * 1_000, kind: "exec", action: "exec",
                        pid: UInt32(1000 + n % 30000), ppid: 812, entityId: "Zm9vYmFyYmF6cXV4cXV1eA\(n % 500)",
                        parentEntityId: "cGFyZW50cGFyZW50cGFyZW4", executable: "/usr/bin/curl",
                        commandLine: "curl -s https://example.com/install.sh -o /tmp/i\(n).sh",
                        path: "/usr/bin/curl", uid: 1000, unit: "deploy.service", ecsJSON: json)
    }

    static func measure(rows: Int, batchSize: Int, withJSON: Bool) throws -> (rate: Double, stats: StoreWriterStats) {
        let dir = TempDir()
        let writer = try StoreWriter(configuration: StoreWriter.Configuration(
            path: dir.dbPath, capacity: 65_536, batchSize: batchSize, retention: .keepEverything))
        let items = (0..<rows).map { n -> StoreItem in
            var row = realistic(n)
            if !withJSON { row.ecsJSON = nil }
            return .event(row)
        }
        let start = DispatchTime.now().uptimeNanoseconds
        for item in items {
            while !writer.enqueue(item) { usleep(200) }  // paced by the writer: measures the writer
        }
        writer.flush()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let stats = writer.stats
        writer.close()
        return (Double(rows) / seconds, stats)
    }

    @Test(.enabled(if: enabled)) func enqueueCost() throws {
        let dir = TempDir()
        let writer = try StoreWriter(configuration: StoreWriter.Configuration(
            path: dir.dbPath, capacity: 65_536, capacityBytes: 1 << 30, retention: .keepEverything))
        let items = (0..<60_000).map { StoreItem.event(Self.realistic($0)) }
        for _ in 0..<2 {  // warm up: after two swaps both buffers keep their capacity
            for item in items { writer.enqueue(item) }
            writer.flush()
        }
        writer.hold(true)  // measure the buffer alone, the writer takes nothing
        let start = DispatchTime.now().uptimeNanoseconds
        for item in items { writer.enqueue(item) }
        let perItem = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(items.count)
        writer.hold(false)
        writer.close()
        print("store writer: enqueue \(Int(perItem)) ns per item (steady state, writer held)")
    }

    @Test(.enabled(if: enabled)) func sustainedInsertRate() throws {
        for (batch, json) in [(4_096, true), (4_096, false), (1_000, true), (100, true)] {
            let (rate, stats) = try Self.measure(rows: 200_000, batchSize: batch, withJSON: json)
            print("store writer: batch \(batch), ecs_json \(json ? "~700 B" : "none"): "
                  + "\(Int(rate)) rows/s (\(stats.batches) transactions, \(stats.dropped) enqueue retries on a full buffer)")
        }
    }
}
