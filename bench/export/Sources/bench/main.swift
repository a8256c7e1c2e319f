// Release-mode cost of the hot-path calls the agent makes (docs/exports.md, "Cost").
import Foundation
import MamoriExport

let metrics = MamoriMetrics()
let counter = metrics.events(kind: "exec")
let n = 20_000_000

func measure(_ label: String, _ iterations: Int = n, _ body: () -> Void) {
    var best = Double.infinity
    for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations))
    }
    print("\(label): \(String(format: "%.1f", best)) ns/op (best of 5, \(iterations) ops)")
}

measure("counter.increment") { for _ in 0..<n { counter.increment() } }
measure("meter.set (queue depth)") { for i in 0..<n { metrics.queueDepth.set(i) } }
measure("timer.recordNanoseconds (rule latency)", n / 10) { for i in 0..<(n / 10) { metrics.ruleMatchLatency.recordNanoseconds(Int64(i & 8191)) } }
measure("alerts(severity).increment") { for _ in 0..<n { metrics.alerts(.high).increment() } }

// ExportHub.publish into an events file queue (includes the queue lock; the file thread drains).
let dir = "/tmp/export-bench-out"
try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
var cfg = LineFileConfig(path: dir + "/events.json")
cfg.queueCapacity = 1 << 20
cfg.fsync = .never
let hub = try ExportHub(config: ExportHubConfig(eventsFile: cfg))
let line = Array(#"{"event":{"kind":"event","category":["process"]},"process":{"pid":1234,"executable":"/usr/bin/ls"}}"#.utf8) + [0x0A]
let m = 200_000
measure("ExportHub.publishEvent (bounded queue offer)", m) { for _ in 0..<m { hub.publishEvent(line: line) } }
hub.shutdown(flushTimeout: 30)
print(hub.stats)
try? FileManager.default.removeItem(atPath: dir)
