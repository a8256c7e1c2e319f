import MamoriProcess

/// What turns an ECS event document into an ECS alert document: the rule, the ATT&CK mapping,
/// the score, the incident and the response.
///
/// Exists so that the output layer can write alerts without depending on the detection
/// engine: triage fills this value from a rule hit. Immutable; any thread may use it.
public struct AlertFields: Sendable {
    public var alertId: String
    public var ruleId: String
    public var ruleName: String
    public var ruleDescription: String?
    public var ruleRuleset: String
    /// "informational", "low", "medium", "high", "critical".
    public var severityWord: String
    /// 0–100: severity weighed by confidence and rarity (`event.severity`, `event.risk_score`).
    public var riskScore: Int
    public var tacticIds: [String]
    public var tacticNames: [String]
    /// Technique ids: "T1059" or sub-technique "T1059.004".
    public var techniques: [String]
    public var incidentId: String
    /// Occurrences folded into this alert by deduplication (1 for a fresh alert).
    public var count: Int
    /// Ancestors of the process, parent first.
    public var ancestry: [ProcessRecord]
    /// What the response layer did or would do ("none", "kill: done", "kill: simulated at level 0").
    public var response: String?
    /// How many times this host has seen the command before (rarity input).
    public var seenBefore: Int?
    /// `event.kind` of the line: `.alert` for detections and enforced actions, `.notice` for
    /// what the next prevention level up would do (written as ECS `signal`, so alert queries
    /// on `event.kind: alert` do not count it).
    public var kind: Kind = .alert
    /// For a behavioural-baseline deviation: the unit, what is new and what the profile holds
    /// (`mamori.baseline.*`); nil for every other alert.
    public var baseline: BaselineAlertDetail? = nil
    /// For `pipeline` rules: the process writing the acting process's stdin (`curl` in
    /// `curl … | sh`), written as `mamori.stdin_writer`.
    public var stdinWriter: ProcessRecord?

    /// What an alert line is: a detection/action, or a prevention notice.
    public enum Kind: Sendable { case alert, notice }

    public init(alertId: String, ruleId: String, ruleName: String, ruleDescription: String?,
                ruleRuleset: String = "mamori", severityWord: String, riskScore: Int,
                tacticIds: [String], tacticNames: [String], techniques: [String], incidentId: String,
                count: Int = 1, ancestry: [ProcessRecord] = [], response: String? = nil, seenBefore: Int? = nil) {
        self.alertId = alertId; self.ruleId = ruleId; self.ruleName = ruleName
        self.ruleDescription = ruleDescription; self.ruleRuleset = ruleRuleset
        self.severityWord = severityWord; self.riskScore = riskScore
        self.tacticIds = tacticIds; self.tacticNames = tacticNames; self.techniques = techniques
        self.incidentId = incidentId; self.count = count; self.ancestry = ancestry
        self.response = response; self.seenBefore = seenBefore
    }
}

extension ECSEncoder {
    /// Writes `rule.*`, `threat.*` and the alert part of `mamori.*` (see docs/alerts.md).
    func writeAlertObjects(_ alert: AlertFields, to writer: inout JSONWriter) {
        writer.beginObject("rule")
        writer.string("id", alert.ruleId)
        writer.string("name", alert.ruleName)
        if let d = alert.ruleDescription { writer.string("description", d) }
        writer.string("ruleset", alert.ruleRuleset)
        writer.endObject()

        writer.beginObject("threat")
        writer.literal("framework", "MITRE ATT&CK")
        writer.beginArray("tactic")
        for (i, id) in alert.tacticIds.enumerated() {
            writer.beginObject()
            writer.string("id", id)
            if i < alert.tacticNames.count { writer.string("name", alert.tacticNames[i]) }
            writer.endObject()
        }
        writer.endArray()
        writer.beginArray("technique")
        for technique in alert.techniques where !technique.contains(".") {
            writer.beginObject()
            writer.string("id", technique)
            let subs = alert.techniques.filter { $0.hasPrefix(technique + ".") }
            if !subs.isEmpty {
                writer.beginArray("subtechnique")
                for sub in subs {
                    writer.beginObject()
                    writer.string("id", sub)
                    writer.endObject()
                }
                writer.endArray()
            }
            writer.endObject()
        }
        // Sub-techniques whose parent technique is not tagged on its own.
        for sub in alert.techniques where sub.contains(".") {
            let base = String(sub.prefix { $0 != "." })
            guard !alert.techniques.contains(base) else { continue }
            writer.beginObject()
            writer.string("id", base)
            writer.beginArray("subtechnique")
            writer.beginObject()
            writer.string("id", sub)
            writer.endObject()
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }

    /// `mamori.alert`, `mamori.incident`, `mamori.ancestry`, `mamori.response`.
    func writeAlertMamoriFields(_ alert: AlertFields, to writer: inout JSONWriter) {
        writer.beginObject("alert")
        writer.string("id", alert.alertId)
        writer.string("severity", alert.severityWord)
        writer.number("count", UInt64(alert.count))
        if let seen = alert.seenBefore { writer.number("seen_before", UInt64(seen)) }
        writer.endObject()
        writer.beginObject("incident")
        writer.string("id", alert.incidentId)
        writer.endObject()
        if let response = alert.response { writer.string("response", response) }
        if let baseline = alert.baseline { writeBaseline(baseline, to: &writer) }
        writer.beginArray("ancestry")
        for a in alert.ancestry {
            writer.beginObject()
            writer.number("pid", a.pid)
            writer.string("entity_id", a.entityId)
            if !a.executable.isEmpty { writer.string("executable", a.executable) }
            if !a.args.isEmpty { writer.string("command_line", a.commandLine) }
            if let unit = a.unit { writer.string("unit", unit) }
            writer.endObject()
        }
        writer.endArray()
        if let w = alert.stdinWriter {
            writer.beginObject("stdin_writer")
            writer.number("pid", w.pid)
            writer.string("entity_id", w.entityId)
            if !w.executable.isEmpty { writer.string("executable", w.executable) }
            if !w.args.isEmpty { writer.string("command_line", w.commandLine) }
            writer.endObject()
        }
    }
}
