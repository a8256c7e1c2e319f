/// Encodes alerts as an OTLP/HTTP JSON `ExportLogsServiceRequest`:
/// `resourceLogs[0].resource.attributes` (service.name, host.name) →
/// `scopeLogs[0].scope` (name "mamori") → `logRecords[]`.
///
/// Each log record carries `timeUnixNano`/`observedTimeUnixNano` (decimal strings, as the
/// proto3 JSON mapping writes 64-bit integers), `severityNumber`/`severityText`
/// (`AlertSeverity`), `body.stringValue` = the ECS JSON document unchanged (a string, not a
/// kvlist: collectors and backends keep it byte-identical to the file and syslog exports and can
/// parse it with their JSON processors), and attributes `rule.id`, `event.risk_score`,
/// `mamori.incident.id`, `threat.technique.id` (array), `event.severity`.
/// Value type; any thread may use it.
public struct OTLPLogEncoder: Sendable {
    public var serviceName: String
    public var hostName: String
    public var serviceVersion: String?

    public init(serviceName: String = "mamori", hostName: String = SyslogFormatter.localHostname(), serviceVersion: String? = nil) {
        self.serviceName = serviceName; self.hostName = hostName; self.serviceVersion = serviceVersion
    }

    public func encode(_ alerts: [ExportAlert], observedUnixNano: UInt64 = WallClock.nowNanos()) -> [UInt8] {
        var j = JSONBytes()
        j.bytes.reserveCapacity(512 + alerts.reduce(0) { $0 + $1.line.count + 400 })
        j.raw(#"{"resourceLogs":[{"resource":{"attributes":["#)
        stringAttribute("service.name", serviceName, into: &j)
        j.raw(",")
        stringAttribute("host.name", hostName, into: &j)
        if let serviceVersion { j.raw(","); stringAttribute("service.version", serviceVersion, into: &j) }
        j.raw(#"]},"scopeLogs":[{"scope":{"name":"mamori"},"logRecords":["#)
        for (i, alert) in alerts.enumerated() {
            if i > 0 { j.raw(",") }
            record(alert, observed: observedUnixNano, into: &j)
        }
        j.raw("]}]}]}")
        return j.bytes
    }

    private func record(_ alert: ExportAlert, observed: UInt64, into j: inout JSONBytes) {
        j.raw(#"{"timeUnixNano":""#); j.raw(String(alert.timeUnixNano))
        j.raw(#"","observedTimeUnixNano":""#); j.raw(String(observed))
        j.raw(#"","severityNumber":"#); j.raw(String(alert.severity.otlpSeverityNumber))
        j.raw(#","severityText":"#); j.string(alert.severity.otlpSeverityText)
        j.raw(#","body":{"stringValue":"#); j.string(alert.document)
        j.raw(#"},"attributes":["#)
        stringAttribute("rule.id", alert.ruleId, into: &j)
        j.raw(#",{"key":"event.risk_score","value":{"intValue":""#); j.raw(String(alert.riskScore)); j.raw(#""}}"#)
        j.raw(",")
        stringAttribute("mamori.incident.id", alert.incidentId, into: &j)
        j.raw(",")
        stringAttribute("event.severity", alert.severity.word, into: &j)
        j.raw(#",{"key":"threat.technique.id","value":{"arrayValue":{"values":["#)
        for (i, t) in alert.techniques.enumerated() {
            if i > 0 { j.raw(",") }
            j.raw(#"{"stringValue":"#); j.string(t); j.raw("}")
        }
        j.raw("]}}}]}")
    }

    private func stringAttribute(_ key: String, _ value: String, into j: inout JSONBytes) {
        j.raw(#"{"key":"#); j.string(key); j.raw(#","value":{"stringValue":"#); j.string(value); j.raw("}}")
    }
}
