import MamoriText
import Foundation
import MamoriOutput
import MamoriTriage

/// Turns lost events into an alert: kernel ring drops, queue drops, store refusals and rows
/// the store could not write (disk full).
///
/// Exists because loss nobody hears about is blindness an attacker can buy with an event
/// flood: a counter in `mamori status` is not enough, the analyst must see it where alerts
/// are. One `mamori.loss` alert (high) when any counter moves, then at most one per
/// `interval` while loss goes on, each saying how much of each kind since the last one.
/// Worker thread only.
struct LossMonitor {
    /// The loss counters at one moment (all monotonic).
    struct Counters: Equatable {
        var kernel: UInt64 = 0
        var queue: UInt64 = 0
        var storeRefused: UInt64 = 0
        var storeUnstored: UInt64 = 0
        var diskFull: UInt64 = 0
    }

    let interval: Double
    private var reported = Counters()
    private var lastAlertAt: Double?

    init(interval: Double = 60) { self.interval = interval }

    /// The alert to raise now, if counters moved and the last one is `interval` old.
    mutating func check(_ now: Counters, at seconds: Double) -> (fields: AlertFields, detail: [String: UInt64])? {
        guard now != reported else { return nil }
        if let last = lastAlertAt, seconds - last < interval { return nil }
        let detail: [String: UInt64] = [
            "kernel_drops": now.kernel &- reported.kernel, "queue_drops": now.queue &- reported.queue,
            "store_refused": now.storeRefused &- reported.storeRefused,
            "store_unstored": now.storeUnstored &- reported.storeUnstored,
            "disk_full_episodes": now.diskFull &- reported.diskFull,
        ]
        reported = now
        lastAlertAt = seconds
        let parts = detail.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        let fields = AlertFields(alertId: Identifiers.uuid(), ruleId: "mamori.loss",
                                 ruleName: "Events lost: " + parts.joined(separator: ", "),
                                 ruleDescription: "The sensor lost events (ring, queue or store): activity in this window may be missing from alerts and history.",
                                 severityWord: "high", riskScore: 70, tacticIds: ["TA0005"], tacticNames: ["Defense Evasion"],
                                 techniques: ["T1562.001"], incidentId: "")
        return (fields, detail)
    }

    /// The ECS line for a loss alert.
    static func ecsLine(_ fields: AlertFields, detail: [String: UInt64], hostName: String, unixNs: Int64) -> [UInt8]? {
        AgentNoticeDocument.line(fields, section: "loss", detail: detail, hostName: hostName, unixNs: unixNs)
    }
}
