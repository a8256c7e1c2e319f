import Foundation
import Glibc
import Testing
@testable import MamoriExport

/// Parses the text exposition into "name{labels}" → value.
func parseExposition(_ text: String) -> [String: Double] {
    var samples: [String: Double] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
        samples[String(line[..<space])] = value
    }
    return samples
}

@Suite(.serialized) struct MetricsHTTPServerTests {
    private func scrape(_ port: UInt16) -> (status: String, body: String)? {
        guard let response = httpExchange(port: port, request: "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n") else { return nil }
        guard let split = response.range(of: "\r\n\r\n") else { return nil }
        let head = String(response[..<split.lowerBound])
        return (head.components(separatedBy: "\r\n")[0], String(response[split.upperBound...]))
    }

    @Test func scrapeShowsValuesMoving() throws {
        let metrics = MamoriMetrics()
        let server = try MetricsHTTPServer(listen: "127.0.0.1:0", metrics: metrics)
        defer { server.stop() }
        let exec = metrics.events(kind: "exec")
        exec.increment(by: 3)
        metrics.queueDepth.set(17)
        metrics.alerts(.high).increment()
        metrics.ruleMatchLatency.recordNanoseconds(3_000)   // 3 µs
        metrics.ruleMatchLatency.recordNanoseconds(700_000) // 700 µs
        metrics.actions(kind: "kill", result: "done").increment()
        metrics.kernelDrops(lane: "bulk").increment(by: 7)
        metrics.queueDrops.increment(by: 2)

        let first = try #require(scrape(server.port))
        #expect(first.status == "HTTP/1.1 200 OK")
        let s1 = parseExposition(first.body)
        #expect(s1[#"mamori_events_total{kind="exec"}"#] == 3)
        #expect(s1["mamori_queue_depth"] == 17)
        #expect(s1[#"mamori_alerts_total{severity="high"}"#] == 1)
        #expect(s1[#"mamori_alerts_total{severity="critical"}"#] == 0)
        #expect(s1[#"mamori_actions_total{kind="kill",result="done"}"#] == 1)
        #expect(s1[#"mamori_kernel_drops_total{lane="bulk"}"#] == 7)
        #expect(s1["mamori_queue_drops_total"] == 2)
        #expect(s1[#"mamori_rule_match_duration_seconds_bucket{le="2e-06"}"#] == 0
                || s1[#"mamori_rule_match_duration_seconds_bucket{le="2e-06"}"#] == nil)
        #expect(s1["mamori_rule_match_duration_seconds_count"] == 2)
        let bucketKeys = s1.keys.filter { $0.hasPrefix("mamori_rule_match_duration_seconds_bucket") }
        #expect(bucketKeys.count == MamoriMetrics.ruleMatchBuckets.count + 1)  // + Inf
        #expect(first.body.contains("# TYPE mamori_events_total counter"))

        exec.increment()
        metrics.events(kind: "exec").increment()  // same handle through the memo
        metrics.queueDepth.set(2)
        let s2 = parseExposition(try #require(scrape(server.port)).body)
        #expect(s2[#"mamori_events_total{kind="exec"}"#] == 5)
        #expect(s2["mamori_queue_depth"] == 2)
    }

    @Test func refusesNonLoopbackUnlessAllowed() throws {
        let metrics = MamoriMetrics()
        #expect(throws: ExportError.self) { try MetricsHTTPServer(listen: "0.0.0.0:0", metrics: metrics) }
        #expect(throws: ExportError.self) { try MetricsHTTPServer(listen: "localhost:0", metrics: metrics) }
        #expect(throws: ExportError.self) { try MetricsHTTPServer(listen: "127.0.0.1", metrics: metrics) }
        let v6 = try MetricsHTTPServer(listen: "[::1]:0", metrics: metrics)
        v6.stop()
        let any = try MetricsHTTPServer(listen: "0.0.0.0:0", metrics: metrics, allowNonLoopback: true)
        any.stop()
    }

    @Test func toleratesSlowAndHostileClients() throws {
        let metrics = MamoriMetrics()
        let server = try MetricsHTTPServer(listen: "127.0.0.1:0", metrics: metrics, clientTimeout: 0.5)
        defer { server.stop() }
        // A client that connects and says nothing is cut off after the timeout…
        let silent = connectLoopback(server.port)
        #expect(silent >= 0)
        defer { close(silent) }
        // …and a scrape behind it still succeeds.
        #expect(scrape(server.port)?.status == "HTTP/1.1 200 OK")
        // Oversized request: refused, bounded.
        let huge = "GET /metrics HTTP/1.1\r\nX-Pad: " + String(repeating: "a", count: 20_000) + "\r\n\r\n"
        #expect(httpExchange(port: server.port, request: huge)?.hasPrefix("HTTP/1.1 431") == true)
        #expect(httpExchange(port: server.port, request: "GET /secret HTTP/1.1\r\n\r\n")?.hasPrefix("HTTP/1.1 404") == true)
        #expect(httpExchange(port: server.port, request: "POST /metrics HTTP/1.1\r\n\r\n")?.hasPrefix("HTTP/1.1 405") == true)
        #expect(httpExchange(port: server.port, request: "garbage\r\n\r\n")?.hasPrefix("HTTP/1.1 400") == true)
        #expect(scrape(server.port)?.status == "HTTP/1.1 200 OK")
    }
}

@Suite struct MetricsCostBenchmark {
    /// Measures (prints; no timing assert) the cost of the hot-path metric operations.
    @Test func nanosecondsPerIncrement() {
        let metrics = MamoriMetrics()
        let counter = metrics.events(kind: "exec")
        let iterations = 2_000_000
        func measure(_ label: String, _ body: () -> Void) {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            let ns = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations)
            print("metrics-cost \(label): \(String(format: "%.1f", ns)) ns/op")
        }
        measure("counter.increment") { for _ in 0..<iterations { counter.increment() } }
        measure("histogram.recordNanoseconds") { for i in 0..<iterations { metrics.ruleMatchLatency.recordNanoseconds(Int64(i & 4095)) } }
        measure("gauge.set") { for i in 0..<iterations { metrics.queueDepth.set(i) } }
        #expect(parseExposition(String(decoding: { var b: [UInt8] = []; metrics.exposition(into: &b); return b }(), as: UTF8.self))[#"mamori_events_total{kind="exec"}"#] == Double(iterations))
    }
}
