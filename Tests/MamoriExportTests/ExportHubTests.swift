import Foundation
import Glibc
import Testing
@testable import MamoriExport

@Suite(.serialized) struct ExportHubTests {
    @Test func fansOutToEveryExporterAndReportsStats() throws {
        let dir = TempDir(); defer { dir.remove() }
        let server = RecordingHTTPServer(statuses: [200]); defer { server.stop() }
        var otlp = OTLPConfig()
        otlp.endpoint = "http://127.0.0.1:\(server.port)"
        otlp.batchDelay = 0.1
        var alerts = LineFileConfig(path: dir.file("alerts.json"))
        alerts.rotateBytes = 1 << 20
        let metrics = MamoriMetrics()
        let hub = try ExportHub(config: ExportHubConfig(alertsFile: alerts, eventsFile: LineFileConfig(path: dir.file("events.json")), otlp: otlp),
                                metrics: metrics)
        for i in 0..<4 {
            let a = sampleAlert(n: i, incident: "inc-\(i)")
            #expect(hub.publish(alertLine: a.line, severity: "high", ruleId: a.ruleId, riskScore: a.riskScore,
                                incidentId: a.incidentId, techniques: a.techniques) == 2)
        }
        #expect(hub.publishEvent(line: Array("{\"event\":1}\n".utf8)))
        #expect(hub.shutdown(flushTimeout: 5))
        #expect(readLines(dir.file("alerts.json")).count == 4)
        #expect(readLines(dir.file("events.json")) == ["{\"event\":1}"])
        let stats = Dictionary(uniqueKeysWithValues: hub.stats.map { ($0.name, $0) })
        #expect(stats["alerts-file"]?.sent == 4)
        #expect(stats["events-file"]?.sent == 1)
        #expect(stats["otlp"]?.sent == 4)
        #expect(stats.values.allSatisfy { $0.dropped == 0 && $0.failed == 0 && $0.queueDepth == 0 })
        #expect(server.received.reduce(0) { $0 + (try! JSONSerialization.jsonObject(with: Data($1.body)) as! [String: Any]).description.components(separatedBy: "timeUnixNano").count - 1 } >= 4)
        var exposition: [UInt8] = []
        metrics.exposition(into: &exposition)
        let samples = parseExposition(String(decoding: exposition, as: UTF8.self))
        #expect(samples[#"mamori_export_sent_total{exporter="otlp"}"#] == 4)
        #expect(samples[#"mamori_export_sent_total{exporter="alerts-file"}"#] == 4)
        #expect(hub.publish(sampleAlert()) == 0, "after shutdown nothing is accepted")
    }

    @Test func aStuckDestinationDropsInsteadOfBlocking() throws {
        // A TCP listener that never accepts nor answers: connect succeeds (backlog), the
        // response never comes.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &sin) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(fd, 64)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &sin) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }

        var otlp = OTLPConfig()
        otlp.endpoint = "http://127.0.0.1:\(UInt16(bigEndian: sin.sin_port))"
        otlp.timeout = 1
        otlp.maxBatch = 1
        otlp.batchDelay = 0
        otlp.queueCapacity = 2
        let metrics = MamoriMetrics()
        let hub = try ExportHub(config: ExportHubConfig(otlp: otlp), metrics: metrics)
        var accepted = 0
        for i in 0..<10 { accepted += hub.publish(sampleAlert(n: i)) }  // returns at once
        #expect(accepted <= 3)
        let before = try #require(hub.stats.first)
        #expect(before.dropped == UInt64(10 - accepted))
        #expect(!hub.shutdown(flushTimeout: 0.2))
        let after = try #require(hub.stats.first)
        #expect(after.sent == 0)
        #expect(after.dropped + after.failed == 10)
        var exposition: [UInt8] = []
        metrics.exposition(into: &exposition)
        #expect(parseExposition(String(decoding: exposition, as: UTF8.self))[#"mamori_export_dropped_total{exporter="otlp"}"#] == Double(after.dropped))
    }

    @Test func badConfigurationFailsAtStartupAndStartsNothing() {
        var syslog = SyslogConfig()
        syslog.maxDatagramBytes = 100
        #expect(throws: ExportError.self) {
            try ExportHub(config: ExportHubConfig(alertsFile: LineFileConfig(path: "/tmp/mamori-hub-ok.json"), syslog: syslog))
        }
        unlink("/tmp/mamori-hub-ok.json")
        #expect(throws: ExportError.file(path: "/no/such/dir/a.json", operation: "open", errno: ENOENT)) {
            try ExportHub(config: ExportHubConfig(alertsFile: LineFileConfig(path: "/no/such/dir/a.json")))
        }
    }
}
