import Foundation
import Testing
@testable import MamoriExport

@Suite(.serialized) struct OTLPLogExporterTests {
    private func config(_ server: RecordingHTTPServer) -> OTLPConfig {
        var c = OTLPConfig()
        c.endpoint = "http://127.0.0.1:\(server.port)/otlp/"
        c.headers = [("Authorization", "Bearer t0k3n")]
        c.batchDelay = 0.2
        c.hostName = "sensor-01"
        c.timeout = 5
        return c
    }

    private func logRecords(_ body: [UInt8]) throws -> (resource: [[String: Any]], records: [[String: Any]]) {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let resourceLogs = try #require(root["resourceLogs"] as? [[String: Any]])
        #expect(resourceLogs.count == 1)
        let resource = try #require(resourceLogs[0]["resource"] as? [String: Any])
        let scopeLogs = try #require(resourceLogs[0]["scopeLogs"] as? [[String: Any]])
        #expect((scopeLogs[0]["scope"] as? [String: Any])?["name"] as? String == "mamori")
        return (try #require(resource["attributes"] as? [[String: Any]]), try #require(scopeLogs[0]["logRecords"] as? [[String: Any]]))
    }

    private func attribute(_ attributes: [[String: Any]], _ key: String) -> [String: Any]? {
        attributes.first { $0["key"] as? String == key }?["value"] as? [String: Any]
    }

    @Test func postsBatchedLogRecordsWithTheDocumentedStructure() throws {
        let server = RecordingHTTPServer(statuses: [200]); defer { server.stop() }
        let exporter = try OTLPLogExporter(config: config(server))
        for i in 0..<3 { #expect(exporter.submit(sampleAlert(severity: .critical, n: i, incident: "inc-\(i)"))) }
        #expect(eventually { exporter.stats.sent == 3 })
        #expect(exporter.shutdown(flushTimeout: 2))
        let requests = server.received
        #expect(requests.count == 1, "three alerts within batchDelay make one request")
        let request = try #require(requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/otlp/v1/logs")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["authorization"] == "Bearer t0k3n")

        let (resource, records) = try logRecords(request.body)
        #expect(attribute(resource, "service.name")?["stringValue"] as? String == "mamori")
        #expect(attribute(resource, "host.name")?["stringValue"] as? String == "sensor-01")
        #expect(records.count == 3)
        let first = records[0]
        #expect(first["timeUnixNano"] as? String == "1795763533123456789")
        #expect(first["severityNumber"] as? Int == 21)
        #expect(first["severityText"] as? String == "FATAL")
        let body = try #require((first["body"] as? [String: Any])?["stringValue"] as? String)
        #expect(body == String(decoding: sampleAlert(severity: .critical, n: 0, incident: "inc-0").document, as: UTF8.self))
        let attributes = try #require(first["attributes"] as? [[String: Any]])
        #expect(attribute(attributes, "rule.id")?["stringValue"] as? String == "proc_reverse_shell")
        #expect(attribute(attributes, "event.risk_score")?["intValue"] as? String == "80")
        #expect(attribute(attributes, "mamori.incident.id")?["stringValue"] as? String == "inc-0")
        let techniques = (attribute(attributes, "threat.technique.id")?["arrayValue"] as? [String: Any])?["values"] as? [[String: Any]]
        #expect(techniques?.compactMap { $0["stringValue"] as? String } == ["T1059.004", "T1071"])
    }

    @Test func retriesAfter503ThenSucceeds() throws {
        let server = RecordingHTTPServer(statuses: [503, 503, 200]); defer { server.stop() }
        let exporter = try OTLPLogExporter(config: config(server))
        exporter.submit(sampleAlert())
        #expect(eventually(timeout: 15) { exporter.stats.sent == 1 })
        #expect(server.received.count == 3)
        let bodies = try server.received.map { try logRecords($0.body).records.map { ($0["body"] as? [String: Any])?["stringValue"] as? String } }
        #expect(bodies.allSatisfy { $0 == bodies[0] && $0.count == 1 }, "the same batch is resent")
        #expect(exporter.stats.failed == 0)
        #expect(exporter.stats.lastError == "HTTP status 503")
        exporter.shutdown(flushTimeout: 1)
    }

    @Test func clientErrorIsNotRetriedAndCountsAsFailed() throws {
        let server = RecordingHTTPServer(statuses: [400]); defer { server.stop() }
        let exporter = try OTLPLogExporter(config: config(server))
        exporter.submit(sampleAlert())
        exporter.submit(sampleAlert(n: 1))
        #expect(eventually { exporter.stats.failed == 2 })
        #expect(server.received.count == 1)
        exporter.shutdown(flushTimeout: 1)
    }

    @Test func connectionRefusedIsRetriedThenGivenUp() throws {
        var c = OTLPConfig()
        c.endpoint = "http://127.0.0.1:\(freeLoopbackPort())"
        c.batchDelay = 0
        c.maxAttempts = 2
        let exporter = try OTLPLogExporter(config: c)
        exporter.submit(sampleAlert())
        #expect(eventually(timeout: 10) { exporter.stats.failed == 1 })
        #expect(exporter.stats.lastError?.contains("connect") == true)
        exporter.shutdown(flushTimeout: 1)
    }

    @Test func endpointValidation() throws {
        #expect(try HTTPEndpoint(parsing: "http://[::1]:4318/a/") == { var e = try! HTTPEndpoint(parsing: "http://x"); e.host = "::1"; e.port = 4318; e.basePath = "/a"; return e }())
        #expect(try HTTPEndpoint(parsing: "http://collector").port == 4318)
        #expect(throws: ExportError.self) { try HTTPEndpoint(parsing: "https://collector:4318") }
        #expect(throws: ExportError.self) { try HTTPEndpoint(parsing: "http://collector:99999") }
        var c = OTLPConfig(); c.headers = [("X-Evil", "a\r\nInjected: 1")]
        #expect(throws: ExportError.self) { try OTLPLogExporter(config: c) }
    }
}

@Suite struct OTLPBatchingTests {
    @Test func aFullBatchIsSentWithoutWaitingForTheDelay() throws {
        let server = RecordingHTTPServer(statuses: [200]); defer { server.stop() }
        var c = OTLPConfig()
        c.endpoint = "http://127.0.0.1:\(server.port)"
        c.maxBatch = 3
        c.batchDelay = 60  // would never elapse within the test
        let exporter = try OTLPLogExporter(config: c)
        for i in 0..<3 { exporter.submit(sampleAlert(n: i)) }
        #expect(eventually(timeout: 10) { exporter.stats.sent == 3 })
        #expect(server.received.count == 1)
        exporter.submit(sampleAlert(n: 4))  // a lone alert: flushed by shutdown, not by the delay
        #expect(exporter.shutdown(flushTimeout: 5))
        #expect(exporter.stats.sent == 4)
        #expect(server.received.count == 2)
    }
}
