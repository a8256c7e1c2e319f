/// One row of the `events` table: a sensor event flattened into searchable columns, plus its
/// ECS JSON line for full fidelity.
///
/// Exists so that the pipeline hands the store plain values (built once on the worker, see
/// `EventRow.init(_:process:parentEntityId:realtimeOffsetNs:ecsJSON:)`) and the CLI gets plain
/// values back. `id` is `nil` until stored. Sendable: crosses from the worker to the writer
/// thread, and from the store to any caller.
public struct EventRow: Sendable, Equatable {
    public var id: Int64?
    /// Kernel CLOCK_BOOTTIME nanoseconds of the record.
    public var tsNs: UInt64
    /// Wall-clock nanoseconds since the Unix epoch.
    public var tsUnixNs: Int64
    /// Record kind: exec, fork, exit, network, file, gap (see `EventRow.kindName(_:)`).
    public var kind: String
    /// What happened, as the ECS output's `event.action` (connect, creation, rename, ...).
    public var action: String
    public var pid: UInt32
    public var ppid: UInt32?
    public var entityId: String?
    public var parentEntityId: String?
    public var executable: String?
    public var commandLine: String?
    /// File path for file events, the executed file for exec events.
    public var path: String?
    /// Rename target.
    public var targetPath: String?
    public var srcIP: String?
    public var srcPort: UInt16?
    public var dstIP: String?
    public var dstPort: UInt16?
    public var transport: String?
    /// Syscall result (0 or -errno), the shell-style exit code for exit, records lost for gap.
    public var result: Int32?
    public var uid: UInt32?
    public var unit: String?
    public var ecsJSON: String?
    /// How many identical events this row stands for (see `EventAggregation`): 1 for a
    /// single event; more when repeats of a file event within a second were folded.
    public var count: Int = 1
    /// Wall-clock time of the last folded event; `nil` when `count` is 1.
    public var lastTsUnixNs: Int64?

    public init(id: Int64? = nil, tsNs: UInt64, tsUnixNs: Int64, kind: String, action: String,
                pid: UInt32, ppid: UInt32? = nil, entityId: String? = nil, parentEntityId: String? = nil,
                executable: String? = nil, commandLine: String? = nil, path: String? = nil,
                targetPath: String? = nil, srcIP: String? = nil, srcPort: UInt16? = nil,
                dstIP: String? = nil, dstPort: UInt16? = nil, transport: String? = nil,
                result: Int32? = nil, uid: UInt32? = nil, unit: String? = nil, ecsJSON: String? = nil,
                count: Int = 1, lastTsUnixNs: Int64? = nil) {
        self.count = count; self.lastTsUnixNs = lastTsUnixNs
        self.id = id; self.tsNs = tsNs; self.tsUnixNs = tsUnixNs; self.kind = kind; self.action = action
        self.pid = pid; self.ppid = ppid; self.entityId = entityId; self.parentEntityId = parentEntityId
        self.executable = executable; self.commandLine = commandLine; self.path = path
        self.targetPath = targetPath; self.srcIP = srcIP; self.srcPort = srcPort; self.dstIP = dstIP
        self.dstPort = dstPort; self.transport = transport; self.result = result; self.uid = uid
        self.unit = unit; self.ecsJSON = ecsJSON
    }
}

/// One row of the `processes` table: the enrichment record of a process, kept after it exits
/// so that `mamori story` can rebuild the tree of an incident.
///
/// Upserted by `entity_id` (exec replaces the image, exit fills `exitNs`/`exitCode`). Sendable
/// value, like `EventRow`.
public struct ProcessRow: Sendable, Equatable {
    public var entityId: String
    public var pid: UInt32
    public var ppid: UInt32?
    public var parentEntityId: String?
    public var executable: String?
    public var commandLine: String?
    public var cwd: String?
    public var uid: UInt32?
    /// CLOCK_BOOTTIME ns.
    public var startNs: UInt64?
    /// CLOCK_BOOTTIME ns of the exit record; `nil` while running.
    public var exitNs: UInt64?
    /// Shell-style exit code (code, or 128 + signal).
    public var exitCode: Int32?
    public var unit: String?
    public var sessionLeaderEntityId: String?
    /// Wall clock of the last write of this row; retention prunes by it.
    public var seenUnixNs: Int64

    public init(entityId: String, pid: UInt32, ppid: UInt32? = nil, parentEntityId: String? = nil,
                executable: String? = nil, commandLine: String? = nil, cwd: String? = nil,
                uid: UInt32? = nil, startNs: UInt64? = nil, exitNs: UInt64? = nil, exitCode: Int32? = nil,
                unit: String? = nil, sessionLeaderEntityId: String? = nil, seenUnixNs: Int64) {
        self.entityId = entityId; self.pid = pid; self.ppid = ppid; self.parentEntityId = parentEntityId
        self.executable = executable; self.commandLine = commandLine; self.cwd = cwd; self.uid = uid
        self.startNs = startNs; self.exitNs = exitNs; self.exitCode = exitCode; self.unit = unit
        self.sessionLeaderEntityId = sessionLeaderEntityId; self.seenUnixNs = seenUnixNs
    }
}

/// One row of the `alerts` table. Alerts with the same `dedupKey` merge into one row: `count`
/// adds up, `firstSeen`/`lastSeen` widen, the highest risk score wins.
///
/// Sendable value, written by the pipeline through the `StoreWriter`, read by the CLI.
public struct AlertRow: Sendable, Equatable {
    public var id: Int64?
    public var alertUUID: String
    /// Merge key (for example rule + entity + time bucket); `nil` means "never merge" (the
    /// UUID is used).
    public var dedupKey: String?
    public var tsUnixNs: Int64
    public var ruleId: String
    public var ruleName: String
    /// Sigma level word: informational, low, medium, high, critical.
    public var severity: String
    /// 0...100.
    public var riskScore: Int
    /// ATT&CK tactic ids (TA0002, ...).
    public var tacticIds: [String]
    /// ATT&CK technique ids (T1059.004, ...).
    public var techniqueIds: [String]
    public var entityId: String?
    /// The incident this alert belongs to (resolved to `incidents.id` when stored).
    public var incidentUUID: String?
    public var count: Int
    public var firstSeen: Int64
    public var lastSeen: Int64
    /// What the responder did, as text or JSON.
    public var response: String?
    public var ecsJSON: String?

    public init(id: Int64? = nil, alertUUID: String, dedupKey: String? = nil, tsUnixNs: Int64,
                ruleId: String, ruleName: String, severity: String, riskScore: Int,
                tacticIds: [String] = [], techniqueIds: [String] = [], entityId: String? = nil,
                incidentUUID: String? = nil, count: Int = 1, firstSeen: Int64? = nil, lastSeen: Int64? = nil,
                response: String? = nil, ecsJSON: String? = nil) {
        self.id = id; self.alertUUID = alertUUID; self.dedupKey = dedupKey; self.tsUnixNs = tsUnixNs
        self.ruleId = ruleId; self.ruleName = ruleName; self.severity = severity
        self.riskScore = riskScore; self.tacticIds = tacticIds; self.techniqueIds = techniqueIds
        self.entityId = entityId; self.incidentUUID = incidentUUID; self.count = count
        self.firstSeen = firstSeen ?? tsUnixNs; self.lastSeen = lastSeen ?? tsUnixNs
        self.response = response; self.ecsJSON = ecsJSON
    }
}

/// One row of the `incidents` table: alerts grouped around a root process. Upserted by
/// `incidentUUID`. Sendable value.
public struct IncidentRow: Sendable, Equatable {
    public var id: Int64?
    public var incidentUUID: String
    public var rootEntityId: String?
    public var firstSeen: Int64
    public var lastSeen: Int64
    public var riskScore: Int
    public var alertCount: Int
    public var title: String
    /// open, acknowledged, closed, ...
    public var status: String

    public init(id: Int64? = nil, incidentUUID: String, rootEntityId: String? = nil, firstSeen: Int64,
                lastSeen: Int64, riskScore: Int, alertCount: Int, title: String, status: String = "open") {
        self.id = id; self.incidentUUID = incidentUUID; self.rootEntityId = rootEntityId
        self.firstSeen = firstSeen; self.lastSeen = lastSeen; self.riskScore = riskScore
        self.alertCount = alertCount; self.title = title; self.status = status
    }
}

/// One row of the append-only `audit` table: who changed what (prevention level, policy,
/// incident status) and why. Sendable value.
public struct AuditRow: Sendable, Equatable {
    public var id: Int64?
    public var tsUnixNs: Int64
    public var actorUid: UInt32?
    public var actorPid: Int32?
    public var action: String
    public var fromValue: String?
    public var toValue: String?
    public var reason: String?

    public init(id: Int64? = nil, tsUnixNs: Int64, actorUid: UInt32? = nil, actorPid: Int32? = nil,
                action: String, fromValue: String? = nil, toValue: String? = nil, reason: String? = nil) {
        self.id = id; self.tsUnixNs = tsUnixNs; self.actorUid = actorUid; self.actorPid = actorPid
        self.action = action; self.fromValue = fromValue; self.toValue = toValue; self.reason = reason
    }
}

/// A process found by a tree query, with its distance from the starting process
/// (1 = child or parent, 2 = grandchild or grandparent, ...). Sendable value.
public struct ProcessNode: Sendable, Equatable {
    public var process: ProcessRow
    public var depth: Int

    public init(process: ProcessRow, depth: Int) {
        self.process = process; self.depth = depth
    }
}

/// Everything the writer can store: one variant per table. Sendable: built on the pipeline
/// worker, consumed on the writer thread.
public enum StoreItem: Sendable, Equatable {
    case event(EventRow)
    case process(ProcessRow)
    case alert(AlertRow)
    case incident(IncidentRow)
    case audit(AuditRow)
    case command(CommandObservation)
    /// Behavioural baselines (docs/baseline.md): a profile's header, one learned item, a reset.
    case baselineProfile(BaselineProfileRow)
    case baselineItem(BaselineItemRow)
    case baselineReset(profile: String)
}

extension StoreItem {
    /// Approximate memory held by the item: its inline size plus its strings' UTF-8 bytes.
    /// Cheap (`utf8.count` is O(1) for native strings); used for the writer's byte bound.
    var estimatedBytes: Int {
        func n(_ s: String?) -> Int { s?.utf8.count ?? 0 }
        var total = MemoryLayout<StoreItem>.stride
        switch self {
        case .event(let e):
            total += n(e.kind) + n(e.action) + n(e.entityId) + n(e.parentEntityId) + n(e.executable)
                + n(e.commandLine) + n(e.path) + n(e.targetPath) + n(e.srcIP) + n(e.dstIP) + n(e.transport)
                + n(e.unit) + n(e.ecsJSON)
        case .process(let p):
            total += n(p.entityId) + n(p.parentEntityId) + n(p.executable) + n(p.commandLine) + n(p.cwd)
                + n(p.unit) + n(p.sessionLeaderEntityId)
        case .alert(let a):
            total += n(a.alertUUID) + n(a.dedupKey) + n(a.ruleId) + n(a.ruleName) + n(a.severity)
                + n(a.entityId) + n(a.incidentUUID) + n(a.response) + n(a.ecsJSON)
                + a.tacticIds.reduce(0) { $0 + n($1) + 16 } + a.techniqueIds.reduce(0) { $0 + n($1) + 16 }
        case .incident(let i):
            total += n(i.incidentUUID) + n(i.rootEntityId) + n(i.title) + n(i.status)
        case .audit(let a):
            total += n(a.action) + n(a.fromValue) + n(a.toValue) + n(a.reason)
        case .command(let c):
            total += n(c.shape.executable) + n(c.example) + c.shape.shapedArgs.reduce(0) { $0 + n($1) + 16 }
        case .baselineProfile(let b):
            total += n(b.profile) + n(b.state) + n(b.fullCategories)
        case .baselineItem(let b):
            total += n(b.profile) + n(b.category) + n(b.key) + n(b.detail)
        case .baselineReset(let profile):
            total += n(profile)
        }
        return total
    }
}
