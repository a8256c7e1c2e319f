import MamoriDetection
import MamoriEvents
import MamoriOutput
import MamoriProcess

/// An incident: alerts that share a causal root (session or service), scored and ordered.
public struct IncidentState: Sendable, Equatable {
    public var uuid: String
    public var rootEntityId: String
    public var rootDescription: String
    public var title: String
    public var firstSeenUnixNs: Int64
    public var lastSeenUnixNs: Int64
    public var riskScore: Int
    public var alertCount: Int
    /// Distinct rule ids in the incident.
    public var rules: Set<String>
}

/// The outcome of triaging one rule hit.
public struct TriagedAlert: Sendable {
    public var hit: RuleHit
    public var fields: AlertFields
    /// Stable key of the deduplicated alert: rule + causal root.
    public var dedupKey: String
    /// False when the hit was folded into an alert already raised within the window.
    public var isNew: Bool
    /// Whether the alert log should get a line for this occurrence: the first one, then
    /// every time the count reaches 10, 100, 1000, ... (the store always has the exact count).
    public var shouldEmit: Bool
    public var incident: IncidentState
    public var firstSeenUnixNs: Int64
}

/// Deduplication, risk scoring and incident grouping of rule hits.
///
/// Exists so that one misbehaving lineage becomes one alert with a count inside one incident,
/// instead of a thousand lines. State is bounded (oldest entries are evicted past the caps).
/// Owned by the pipeline worker: single-threaded, not Sendable.
public final class Triage {
    public struct Configuration: Sendable {
        /// The same rule on the same causal root within this window is one alert.
        public var dedupWindowNs: Int64 = 600_000_000_000
        /// An incident stays open this long after its last alert.
        public var incidentIdleNs: Int64 = 3_600_000_000_000
        public var maxAlerts = 8_192
        public var maxIncidents = 2_048
        public init() {}
    }

    private struct AlertState {
        var uuid: String
        var count: Int
        var firstSeen: Int64
        var lastSeen: Int64
        var risk: Int
    }

    public let configuration: Configuration
    private let scorer = RiskScorer()
    private var alerts: [String: AlertState] = [:]
    private var incidents: [String: IncidentState] = [:]  // by root entity id

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Triage one hit. `process`/`ancestry` describe the triggering process (ancestry parent
    /// first); `seenBefore` is the host's count of this command shape (rarity), when known.
    public func triage(_ hit: RuleHit, process: ProcessRecord?, ancestry: [ProcessRecord],
                       seenBefore: Int?, nowUnixNs: Int64) -> TriagedAlert {
        let root = process.map { IncidentRoot.root(of: $0, ancestry: ancestry) }
        let rootId = root?.entityId ?? "pid:\(hit.process.pid)@\(hit.process.startTicks)"
        let risk = scorer.score(level: hit.level, confidence: hit.confidence, seenBefore: seenBefore)
        let dedupKey = hit.id + "|" + rootId

        var isNew = true
        var state: AlertState
        if var existing = alerts[dedupKey], nowUnixNs - existing.lastSeen <= configuration.dedupWindowNs {
            existing.count += 1
            existing.lastSeen = nowUnixNs
            existing.risk = max(existing.risk, risk)
            state = existing
            isNew = false
        } else {
            state = AlertState(uuid: Identifiers.uuid(), count: 1, firstSeen: nowUnixNs, lastSeen: nowUnixNs, risk: risk)
        }
        alerts[dedupKey] = state
        if alerts.count > configuration.maxAlerts { evictAlerts(now: nowUnixNs) }

        var incident: IncidentState
        if var open = incidents[rootId], nowUnixNs - open.lastSeenUnixNs <= configuration.incidentIdleNs {
            open.lastSeenUnixNs = nowUnixNs
            if isNew { open.alertCount += 1 }
            let newRule = open.rules.insert(hit.id).inserted
            open.riskScore = min(100, max(open.riskScore, risk) + (newRule ? 5 : 0))
            incident = open
        } else {
            let rootText = root.map { "\($0.name) (pid \($0.pid)\($0.unit.map { ", " + $0 } ?? ""))" } ?? "pid \(hit.process.pid)"
            incident = IncidentState(uuid: Identifiers.uuid(), rootEntityId: rootId, rootDescription: rootText,
                                     title: "\(hit.title) under \(rootText)", firstSeenUnixNs: nowUnixNs,
                                     lastSeenUnixNs: nowUnixNs, riskScore: risk, alertCount: 1, rules: [hit.id])
        }
        incidents[rootId] = incident
        if incidents.count > configuration.maxIncidents { evictIncidents(now: nowUnixNs) }

        let fields = AlertFields(
            alertId: state.uuid, ruleId: hit.id, ruleName: hit.title, ruleDescription: hit.rule.description,
            severityWord: hit.rule.severityWord, riskScore: state.risk,
            tacticIds: hit.rule.attack.tacticIds, tacticNames: hit.rule.attack.tacticNames,
            techniques: hit.rule.attack.techniques, incidentId: incident.uuid, count: state.count,
            ancestry: ancestry, response: nil, seenBefore: seenBefore)
        let emit = isNew || Self.isDecade(state.count)
        return TriagedAlert(hit: hit, fields: fields, dedupKey: dedupKey, isNew: isNew, shouldEmit: emit,
                            incident: incident, firstSeenUnixNs: state.firstSeen)
    }

    /// Open incidents, most recent first.
    public var openIncidents: [IncidentState] {
        incidents.values.sorted { $0.lastSeenUnixNs > $1.lastSeenUnixNs }
    }

    static func isDecade(_ n: Int) -> Bool {
        var v = n
        guard v >= 10 else { return false }
        while v % 10 == 0 { v /= 10 }
        return v == 1
    }

    private func evictAlerts(now: Int64) {
        alerts = alerts.filter { now - $0.value.lastSeen <= configuration.dedupWindowNs }
        if alerts.count > configuration.maxAlerts {
            let keep = alerts.sorted { $0.value.lastSeen > $1.value.lastSeen }.prefix(configuration.maxAlerts / 2)
            alerts = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }

    private func evictIncidents(now: Int64) {
        incidents = incidents.filter { now - $0.value.lastSeenUnixNs <= configuration.incidentIdleNs }
        if incidents.count > configuration.maxIncidents {
            let keep = incidents.sorted { $0.value.lastSeenUnixNs > $1.value.lastSeenUnixNs }.prefix(configuration.maxIncidents / 2)
            incidents = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}

/// Random RFC 4122 version-4 UUIDs without Foundation.
public enum Identifiers {
    public static func uuid() -> String {
        var g = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        bytes[6] = (bytes[6] & 0x0f) | 0x40
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        let hex = bytes.map { b -> String in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-"
            + String(c[16..<20]) + "-" + String(c[20..<32])
    }
}
