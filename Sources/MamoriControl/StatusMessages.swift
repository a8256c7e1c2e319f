/// A short description of one alert: the last alert in `status`, and each line of
/// `alerts.follow`. Sendable value.
public struct AlertNotice: Codable, Sendable, Equatable {
    public var alertUUID: String
    public var tsUnixNs: Int64
    public var ruleId: String
    public var ruleName: String
    public var severity: String
    public var riskScore: Int
    public var entityId: String?
    public var incidentUUID: String?
    /// What the responder did, if anything.
    public var response: String?
    /// The full ECS JSON of the alert when the agent has it (streamed as is).
    public var ecsJSON: String?
    /// Alerts this follower missed just before this one because it read too slowly.
    public var missedBefore: Int?

    public init(alertUUID: String, tsUnixNs: Int64, ruleId: String, ruleName: String, severity: String,
                riskScore: Int, entityId: String? = nil, incidentUUID: String? = nil, response: String? = nil,
                ecsJSON: String? = nil, missedBefore: Int? = nil) {
        self.alertUUID = alertUUID; self.tsUnixNs = tsUnixNs; self.ruleId = ruleId; self.ruleName = ruleName
        self.severity = severity; self.riskScore = riskScore; self.entityId = entityId
        self.incidentUUID = incidentUUID; self.response = response; self.ecsJSON = ecsJSON
        self.missedBefore = missedBefore
    }
}

/// Reply to `status`: everything `mamori status` shows. Sendable value.
public struct StatusReport: Codable, Sendable, Equatable {
    public var version: String
    public var uptimeSeconds: Int64
    public var pid: Int32
    /// Kernel capabilities in use ("tp_btf", "ringbuf", "cgroup_sock_addr", ...).
    public var capabilities: [String]
    /// How exec denial is enforced here ("bpf_send_signal at exec", "BPF LSM bprm_check_security").
    public var preventionMechanism: String
    public var level: LevelState
    public var isolated: Bool
    public var rulesLoaded: Int
    public var eventsPerSecond: Double
    public var kernelDrops: UInt64
    public var queueDrops: UInt64
    public var queueDepth: Int
    public var storePath: String?
    public var storeSizeBytes: Int64
    public var alertCount: Int?
    public var lastAlert: AlertNotice?
    /// Loud degraded mode: every reduced protection, in words.
    public var degraded: [String]

    public init(version: String, uptimeSeconds: Int64, pid: Int32, capabilities: [String],
                preventionMechanism: String, level: LevelState, isolated: Bool = false, rulesLoaded: Int,
                eventsPerSecond: Double, kernelDrops: UInt64, queueDrops: UInt64, queueDepth: Int,
                storePath: String? = nil, storeSizeBytes: Int64, alertCount: Int? = nil,
                lastAlert: AlertNotice? = nil, degraded: [String] = []) {
        self.version = version; self.uptimeSeconds = uptimeSeconds; self.pid = pid
        self.capabilities = capabilities; self.preventionMechanism = preventionMechanism; self.level = level
        self.isolated = isolated; self.rulesLoaded = rulesLoaded; self.eventsPerSecond = eventsPerSecond
        self.kernelDrops = kernelDrops; self.queueDrops = queueDrops; self.queueDepth = queueDepth
        self.storePath = storePath; self.storeSizeBytes = storeSizeBytes; self.alertCount = alertCount
        self.lastAlert = lastAlert; self.degraded = degraded
    }
}

/// Reply to `reload`: what was applied, or (as an error) why nothing was. Sendable value.
public struct ReloadResult: Codable, Sendable, Equatable {
    public var rulesLoaded: Int
    public var configChanged: Bool
    public var warnings: [String]

    public init(rulesLoaded: Int, configChanged: Bool, warnings: [String] = []) {
        self.rulesLoaded = rulesLoaded; self.configChanged = configChanged; self.warnings = warnings
    }
}

/// First reply to `alerts.follow`, before the alert lines. Sendable value.
public struct FollowStarted: Codable, Sendable, Equatable {
    public var following: Bool
    public init(following: Bool = true) { self.following = following }
}
