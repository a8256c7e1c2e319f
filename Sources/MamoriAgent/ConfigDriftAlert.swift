import MamoriText
import Foundation
import MamoriOutput
import MamoriSensor
import MamoriTriage

/// Turns a rewritten `mamori_config` map into a critical alert (`mamori.tamper.config`).
///
/// Exists because the config map is the one word that decides who the agent is (`self_tgid`,
/// never reported) and which hooks and enforcement run: another root process writing it is
/// tampering whether or not the kernel hook saw the bpf(2) call (it may have come before the
/// agent started, or through a path the hook does not cover). The worker checks about once a
/// second (`ConfigGuard.verify`, which also restores the value). Worker thread only.
enum ConfigDriftAlert {
    static func fields(_ drift: ConfigGuard.Drift) -> AlertFields {
        AlertFields(alertId: Identifiers.uuid(), ruleId: "mamori.tamper.config",
                    ruleName: "Agent configuration map rewritten by another process: " + drift.changes.joined(separator: ", "),
                    ruleDescription: "The kernel copy of mamori_config differed from the value the agent wrote (\(drift.restored ? "restored" : "could not be restored")). A process with CAP_BPF/root wrote the agent's BPF map, e.g. to make itself unreported (self_tgid) or to switch hooks or enforcement off.",
                    severityWord: "critical", riskScore: 99, tacticIds: ["TA0005"], tacticNames: ["Defense Evasion"],
                    techniques: ["T1562.001"], incidentId: "")
    }

    static func ecsLine(_ fields: AlertFields, _ drift: ConfigGuard.Drift, hostName: String, unixNs: Int64) -> [UInt8]? {
        AgentNoticeDocument.line(fields, category: "configuration", type: "change", section: "config_drift",
                                 detail: ["changes": drift.changes, "restored": drift.restored,
                                          "found_self_tgid": drift.found.self_tgid,
                                          "intended_self_tgid": drift.intended.self_tgid] as [String: Any],
                                 hostName: hostName, unixNs: unixNs)
    }
}
