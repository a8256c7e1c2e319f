import Foundation
import MamoriOutput
import MamoriText

/// The ECS line of an alert the agent raises about itself (events lost, a flood, config drift).
///
/// Exists so those notices share one document shape — event, rule, ATT&CK T1562.001 (impair
/// defenses), host, message — and differ only in their `mamori.<section>` detail and, for a flood,
/// the `user.id` it names. Rare (at most a few a minute), so Foundation's serializer is fine here.
enum AgentNoticeDocument {
    static func line(_ fields: AlertFields, category: String = "host", type: String = "info",
                     section: String, detail: Any, userId: String? = nil,
                     hostName: String, unixNs: Int64) -> [UInt8]? {
        var doc: [String: Any] = [
            "@timestamp": RFC3339.string(unixNanoseconds: unixNs),
            "event": ["kind": "alert", "category": [category], "type": [type],
                      "severity": fields.riskScore, "action": fields.ruleId],
            "rule": ["id": fields.ruleId, "name": fields.ruleName, "ruleset": "mamori"],
            "threat": ["framework": "MITRE ATT&CK", "technique": [["id": "T1562.001"]]],
            "host": ["name": hostName],
            "message": fields.ruleName,
            "mamori": [section: detail],
        ]
        if let userId { doc["user"] = ["id": userId] }
        guard var line = try? JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys]) else { return nil }
        line.append(0x0a)
        return [UInt8](line)
    }
}
