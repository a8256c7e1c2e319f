import Foundation
import MamoriOutput
import MamoriPipeline
import MamoriText
import MamoriTriage

/// Turns the ring reader's per-uid budget reports into `mamori.flood` alerts that name the
/// user and the counts.
///
/// Exists because a flood must not hide itself: the admission policy (`FairAdmission`) keeps
/// other users' and sensitive events flowing by putting an over-budget user last, and the
/// analyst must learn who that was and how much of their activity may be missing. The first
/// report of a uid alerts at once; later ones for the same uid are summed and alert at most
/// once per `interval`. High when events were refused or suppressed in the kernel (lost for
/// detection), medium when
/// everything over budget still got queued. Worker thread only.
struct FloodMonitor {
    /// What has been seen of one uid since its last alert.
    struct Pending {
        var overBudget: UInt64 = 0
        var refused: UInt64 = 0
        var criticalDemoted: UInt64 = 0
        var kernelSuppressed: UInt64 = 0
    }

    let interval: Double
    private var lastAlertAt: [UInt32: Double] = [:]
    private var pending: [UInt32: Pending] = [:]
    private var names = UserNames()

    init(interval: Double = 60) { self.interval = interval }

    /// Adds `reports` and returns the alerts due now (at most one per uid).
    mutating func check(_ reports: [UidBudget.Report], at seconds: Double) -> [(fields: AlertFields, detail: [String: Any])] {
        for r in reports {
            var p = pending[r.uid] ?? Pending()
            p.overBudget &+= r.overBudget
            p.refused &+= r.refused
            p.criticalDemoted &+= r.criticalDemoted
            p.kernelSuppressed &+= r.kernelSuppressed
            pending[r.uid] = p
        }
        var out: [(AlertFields, [String: Any])] = []
        for (uid, p) in pending.sorted(by: { $0.key < $1.key }) {
            if let last = lastAlertAt[uid], seconds - last < interval { continue }
            pending[uid] = nil
            lastAlertAt[uid] = seconds
            let user = uid == UidBudget.overflowUid ? "uids beyond the budget table" : (names.name(for: uid).map { "uid \(uid) (\($0))" } ?? "uid \(uid)")
            let name = "Event flood by \(user): \(p.overBudget) events over budget, \(p.refused) refused"
                + (p.kernelSuppressed > 0 ? ", \(p.kernelSuppressed) file events counted in the kernel instead of reported" : "")
                + (p.criticalDemoted > 0 ? ", \(p.criticalDemoted) sensitive events over the critical budget" : "")
            let fields = AlertFields(alertId: Identifiers.uuid(), ruleId: "mamori.flood", ruleName: name,
                                     ruleDescription: "A user sent events faster than its budget: its events were queued behind other users' and sensitive events, and those counted as refused are missing from alerts and history.",
                                     severityWord: p.refused + p.kernelSuppressed > 0 ? "high" : "medium",
                                     riskScore: p.refused + p.kernelSuppressed > 0 ? 70 : 45,
                                     tacticIds: ["TA0005"], tacticNames: ["Defense Evasion"], techniques: ["T1562.001"], incidentId: "")
            var detail: [String: Any] = ["over_budget": p.overBudget, "refused": p.refused, "critical_demoted": p.criticalDemoted,
                                          "kernel_suppressed": p.kernelSuppressed]
            if uid != UidBudget.overflowUid { detail["uid"] = uid }
            out.append((fields, detail))
        }
        return out
    }

    /// The ECS line for a flood alert: `user.id` is the flooding uid.
    static func ecsLine(_ fields: AlertFields, detail: [String: Any], hostName: String, unixNs: Int64) -> [UInt8]? {
        AgentNoticeDocument.line(fields, section: "flood", detail: detail, userId: (detail["uid"] as? UInt32).map { String($0) },
                                 hostName: hostName, unixNs: unixNs)
    }
}
