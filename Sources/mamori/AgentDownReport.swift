import Foundation
import Glibc
import MamoriControl
import MamoriStore

/// What read-only commands print when the agent is down: what the store still knows (alert
/// count, last alert, last level change), so `status` answers instead of just failing.
/// The caller still exits 3 (agent not running). Main thread.
enum AgentDownReport {
    /// Reads at most this many recent alerts to count them.
    static let countLimit = 10_000

    static func status(db: String, json: Bool) {
        let size = fileSize(db)
        var summary = DownStatus(agentRunning: false, storePath: db, storeSizeBytes: size)
        do {
            let store = try StoreLocation.openReadOnly(db)
            let day = AlertFilter(since: nowNs() - 86_400 * 1_000_000_000, limit: countLimit, order: .newestFirst)
            summary.alertsLast24h = try store.alerts(filter: day).count
            summary.lastAlert = try store.alerts(filter: AlertFilter(limit: 1, order: .newestFirst)).first.map(notice)
            summary.lastLevelChange = try lastLevelChange(store)
        } catch {
            summary.storeError = "\(error)"
        }
        if json { ControlCLI.printJSON(summary); return }
        var out = "agent:       NOT RUNNING (read from the store only)\n"
        out += "store:       \(db)" + (size.map { " (\(ControlText.bytes($0)))" } ?? "") + "\n"
        if let e = summary.storeError { out += "             \(e)\n" }
        if let n = summary.alertsLast24h { out += "alerts 24h:  \(n == countLimit ? "\(n)+" : "\(n)")\n" }
        if summary.storeError == nil {
            out += "last alert:  " + (summary.lastAlert.map(ControlText.alertLine) ?? "none") + "\n"
        }
        if let change = summary.lastLevelChange { out += "last level:  \(change)\n" }
        QueryCLI.write(out)
    }

    static func level(db: String, json: Bool) {
        let change = (try? StoreLocation.openReadOnly(db)).flatMap { try? lastLevelChange($0) }
        if json {
            ControlCLI.printJSON(DownStatus(agentRunning: false, storePath: db, lastLevelChange: change))
            return
        }
        QueryCLI.write("level:       unknown, the agent is not running\n"
                       + "last change: \(change ?? "none recorded in \(db)")\n")
    }

    /// `from → to at time by uid N (reason)` of the newest level audit entry.
    private static func lastLevelChange(_ store: EventStore) throws -> String? {
        guard let row = try store.auditEntries(limit: 1_000).filter({ $0.action.hasPrefix("level") })
            .max(by: { $0.tsUnixNs < $1.tsUnixNs }) else { return nil }
        var text = "\(row.fromValue ?? "?") → \(row.toValue ?? "?") at "
            + ControlCLI.time(unixSeconds: row.tsUnixNs / 1_000_000_000)
        if let uid = row.actorUid { text += " by uid \(uid)" }
        if let reason = row.reason { text += " (\(reason))" }
        return text
    }

    private static func notice(_ a: AlertRow) -> AlertNotice {
        AlertNotice(alertUUID: a.alertUUID, tsUnixNs: a.tsUnixNs, ruleId: a.ruleId, ruleName: a.ruleName,
                    severity: a.severity, riskScore: a.riskScore, entityId: a.entityId,
                    incidentUUID: a.incidentUUID, response: a.response)
    }

    private static func fileSize(_ path: String) -> Int64? {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : nil
    }

    private static func nowNs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1e9) }
}

/// The `--json` form of the agent-down answer.
struct DownStatus: Encodable {
    var agentRunning: Bool
    var storePath: String
    var storeSizeBytes: Int64?
    var alertsLast24h: Int?
    var lastAlert: AlertNotice?
    var lastLevelChange: String?
    var storeError: String?
}
