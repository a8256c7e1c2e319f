import MamoriEvents
import MamoriProcess

/// The Detection Finding (2004) parts of an OCSF alert line: `finding_info` (rule as the
/// analytic, ATT&CK as `attacks`), `risk_score`, `status_id`, `count`, and `evidences` built
/// from the triggering event.
extension OCSFEncoder {
    func writeFinding(_ alert: AlertFields, to writer: inout JSONWriter) {
        writer.number("status_id", UInt64(1))  // New
        writer.number("risk_score", UInt64(max(0, alert.riskScore)))
        writer.number("count", UInt64(max(1, alert.count)))
        writer.beginObject("finding_info")
        writer.string("uid", alert.alertId)
        writer.string("title", alert.ruleName)
        if let d = alert.ruleDescription { writer.string("desc", d) }
        writer.beginObject("analytic")
        writer.string("uid", alert.ruleId)
        writer.string("name", alert.ruleName)
        writer.number("type_id", UInt64(1))  // Rule
        writer.string("category", alert.ruleRuleset)
        writer.endObject()
        writeAttacks(alert, to: &writer)
        writer.endObject()
    }

    /// One `attack` per technique (a sub-technique "T1059.004" goes to `sub_technique` under
    /// its parent), each carrying every tactic of the rule; one `attack` per tactic when the
    /// rule names no technique.
    private func writeAttacks(_ alert: AlertFields, to writer: inout JSONWriter) {
        guard !alert.techniques.isEmpty || !alert.tacticIds.isEmpty else { return }
        writer.beginArray("attacks")
        if alert.techniques.isEmpty {
            for (i, id) in alert.tacticIds.enumerated() {
                writer.beginObject()
                writer.beginObject("tactic")
                writer.string("uid", id)
                if i < alert.tacticNames.count { writer.string("name", alert.tacticNames[i]) }
                writer.endObject()
                writer.endObject()
            }
        }
        for technique in alert.techniques {
            writer.beginObject()
            if let dot = technique.firstIndex(of: ".") {
                writer.beginObject("technique")
                writer.string("uid", String(technique[..<dot]))
                writer.endObject()
                writer.beginObject("sub_technique")
                writer.string("uid", technique)
                writer.endObject()
            } else {
                writer.beginObject("technique")
                writer.string("uid", technique)
                writer.endObject()
            }
            writeTactics(alert, to: &writer)
            writer.endObject()
        }
        writer.endArray()
    }

    private func writeTactics(_ alert: AlertFields, to writer: inout JSONWriter) {
        guard !alert.tacticIds.isEmpty else { return }
        writer.beginArray("tactics")
        for (i, id) in alert.tacticIds.enumerated() {
            writer.beginObject()
            writer.string("uid", id)
            if i < alert.tacticNames.count { writer.string("name", alert.tacticNames[i]) }
            writer.endObject()
        }
        writer.endArray()
    }

    /// `evidences`: the actor (process and user) and what it acted on.
    mutating func writeEvidence(_ event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?,
                                to writer: inout JSONWriter) {
        guard let subject = event.subject else { return }
        let header = event.header
        writer.beginArray("evidences")
        writer.beginObject()
        let fields: ProcessFields
        if case .exec(let e) = event {
            fields = ProcessFields(exec: e, record: process)
        } else {
            fields = ProcessFields(header: header, subject: subject, record: process)
        }
        writeActor(fields, parent: parent, subject: subject, to: &writer)
        switch event {
        case .file(let e):
            writer.beginObject("file")
            writer.string("path", e.targetPath ?? e.path)
            writer.string("name", ProcessFields.baseName(e.targetPath ?? e.path) ?? e.path)
            writer.number("type_id", UInt64(1))
            writer.endObject()
        case .network(let e):
            switch e.op {
            case .accept:
                writeEndpoint("src_endpoint", e.destination, e.destinationPort, to: &writer)
                writeEndpoint("dst_endpoint", e.source, e.sourcePort, to: &writer)
            case .listen:
                writeEndpoint("dst_endpoint", e.source, e.sourcePort, to: &writer)
            case .connect, .send:
                writeEndpoint("src_endpoint", e.source, e.sourcePort, to: &writer)
                writeEndpoint("dst_endpoint", e.destination, e.destinationPort, to: &writer)
            }
        case .action(let e):
            if let d = e.destination { writeEndpoint("dst_endpoint", d, e.destinationPort, to: &writer) }
        default:
            break
        }
        writer.endObject()
        writer.endArray()
    }
}
