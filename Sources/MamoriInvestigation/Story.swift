import MamoriStore

/// What a story is asked about: `mamori story <incident-uuid|alert-uuid|entity_id>`.
/// Sendable value.
public enum StoryTarget: Sendable, Equatable, CustomStringConvertible {
    case incident(String)
    case alert(String)
    case entity(String)

    /// `incident`, `alert` or `process` (the JSON `target.kind`).
    public var kindName: String {
        switch self {
        case .incident: return "incident"
        case .alert: return "alert"
        case .entity: return "process"
        }
    }

    /// The UUID or entity id.
    public var id: String {
        switch self {
        case .incident(let id), .alert(let id), .entity(let id): return id
        }
    }

    public var description: String { "\(kindName) \(id)" }
}

/// Why the story starts at its root process. Sendable value.
public enum RootReason: String, Sendable, Equatable {
    /// The incident names its root process.
    case incidentRoot = "incident-root"
    /// The nearest session leader above the alerting process (an interactive login, a cron job).
    case sessionLeader = "session-leader"
    /// The top process of the systemd service the alerting process runs in.
    case serviceMain = "service-main-process"
    /// A child of pid 1 (a daemon started by init).
    case childOfInit = "child-of-init"
    /// The oldest ancestor the store still knows (its parent was never seen or was pruned).
    case oldestKnownAncestor = "oldest-known-ancestor"
    /// The ancestor walk reached `StoryOptions.maxDepth`.
    case depthLimit = "depth-limit"
}

/// One process of the story tree with its children, in start order.
///
/// A value tree (depth bounded by `StoryOptions.maxDepth`), built once by `StoryBuilder`.
/// Sendable.
public struct StoryProcess: Sendable, Equatable {
    public var process: ProcessRow
    /// 0 for the root, 1 for its children, ...
    public var depth: Int
    /// An alert of the story names this process.
    public var isAlerting: Bool
    /// The images this process ran, in order (`setsid` → `bash` → `/tmp/x` → `sleep` under one
    /// pid), at most `ExecStep.keptPerProcess`; the process row only holds the last one.
    public var execs: [ExecStep]
    /// Execs seen for this process (may exceed `execs.count`).
    public var execCount: Int
    public var children: [StoryProcess]

    public init(process: ProcessRow, depth: Int, isAlerting: Bool = false, execs: [ExecStep] = [],
                execCount: Int? = nil, children: [StoryProcess] = []) {
        self.process = process; self.depth = depth; self.isAlerting = isAlerting; self.execs = execs
        self.execCount = execCount ?? execs.count; self.children = children
    }

    public var entityId: String { process.entityId }

    /// Short name: the executable's last component, else the first word of the command line.
    public var name: String { StoryProcess.name(of: process) }

    /// This process and every descendant, depth first in start order (the tree's reading order).
    public var flattened: [StoryProcess] {
        var out = [StoryProcess]()
        var stack = [self]
        while let node = stack.popLast() {
            var copy = node
            copy.children = []
            out.append(copy)
            stack.append(contentsOf: node.children.reversed())
        }
        return out
    }

    /// Short name of a process row (`curl`, `x`, `?` when nothing is known).
    public static func name(of p: ProcessRow) -> String {
        if let exe = p.executable, !exe.isEmpty { return DisplayText.baseName(exe) }
        if let first = p.commandLine?.split(separator: " ").first { return DisplayText.baseName(String(first)) }
        return "?"
    }
}

/// One exec of a process: what it became, and when. Sendable value.
public struct ExecStep: Sendable, Equatable {
    /// Execs kept per process in a story (the first ones).
    public static let keptPerProcess = 32

    public var tsUnixNs: Int64
    public var executable: String?
    public var commandLine: String?

    public init(tsUnixNs: Int64, executable: String?, commandLine: String?) {
        self.tsUnixNs = tsUnixNs; self.executable = executable; self.commandLine = commandLine
    }

    /// Short name of the image (`x` for `/tmp/x`).
    public var name: String {
        if let exe = executable, !exe.isEmpty { return DisplayText.baseName(exe) }
        if let first = commandLine?.split(separator: " ").first { return DisplayText.baseName(String(first)) }
        return "?"
    }
}

/// A process that acted on a file or an address, with what it did there. Sendable value.
public struct ImpactActor: Sendable, Equatable {
    public var entityId: String
    public var pid: UInt32
    /// Distinct actions in first-seen order (`creation`, `open-write`, `chmod`, `connect`, ...);
    /// a failed attempt is listed as `<action> failed` (`open-write failed`).
    public var actions: [String]
    public var count: Int
    /// When this process first acted here (names the image it ran then).
    public var firstSeenUnixNs: Int64

    public init(entityId: String, pid: UInt32, actions: [String], count: Int, firstSeenUnixNs: Int64 = 0) {
        self.entityId = entityId; self.pid = pid; self.actions = actions; self.count = count
        self.firstSeenUnixNs = firstSeenUnixNs
    }
}

/// A file the story's processes changed: written, created, truncated, renamed (from or to),
/// deleted, chmodded or chowned. Sendable value.
public struct FileImpact: Sendable, Equatable {
    public var path: String
    /// Distinct actions in first-seen order; a rename's target gets `rename-target`.
    public var actions: [String]
    public var count: Int
    public var firstSeenUnixNs: Int64
    public var lastSeenUnixNs: Int64
    public var actors: [ImpactActor]
    /// Attempts that failed (result < 0), for example a write denied by permissions.
    public var failures: Int

    public init(path: String, actions: [String], count: Int, firstSeenUnixNs: Int64, lastSeenUnixNs: Int64,
                actors: [ImpactActor], failures: Int = 0) {
        self.path = path; self.actions = actions; self.count = count; self.firstSeenUnixNs = firstSeenUnixNs
        self.lastSeenUnixNs = lastSeenUnixNs; self.actors = actors; self.failures = failures
    }
}

/// Which way a network contact went. Sendable value.
public enum NetworkDirection: String, Sendable, Equatable {
    /// connect/send: `address:port` is the remote end the process reached out to.
    case outbound
    /// accept: `address` is the remote peer, `port` the local port it connected to.
    case inbound
    /// listen: `address:port` is the local socket.
    case listen
}

/// An address the story's processes contacted, accepted or listened on. Sendable value.
public struct AddressImpact: Sendable, Equatable {
    public var address: String
    public var port: UInt16
    public var transport: String?
    public var direction: NetworkDirection
    public var actions: [String]
    public var count: Int
    public var firstSeenUnixNs: Int64
    public var lastSeenUnixNs: Int64
    public var actors: [ImpactActor]
    /// Attempts that failed (result < 0 other than EINPROGRESS), such as a refused connect.
    public var failures: Int

    public init(address: String, port: UInt16, transport: String?, direction: NetworkDirection,
                actions: [String], count: Int, firstSeenUnixNs: Int64, lastSeenUnixNs: Int64,
                actors: [ImpactActor], failures: Int = 0) {
        self.address = address; self.port = port; self.transport = transport; self.direction = direction
        self.actions = actions; self.count = count; self.firstSeenUnixNs = firstSeenUnixNs
        self.lastSeenUnixNs = lastSeenUnixNs; self.actors = actors; self.failures = failures
    }

    /// `127.0.0.1:4444`, `[::1]:22`.
    public var endpoint: String {
        address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}

/// The blast radius of a story: every process of the subtree, every file changed, every
/// address contacted. Sendable value.
public struct StoryImpact: Sendable, Equatable {
    /// The root and all its descendants, in tree reading order.
    public var processes: [ProcessRow]
    /// Sorted by first change.
    public var files: [FileImpact]
    /// Sorted by first contact.
    public var addresses: [AddressImpact]

    public init(processes: [ProcessRow] = [], files: [FileImpact] = [], addresses: [AddressImpact] = []) {
        self.processes = processes; self.files = files; self.addresses = addresses
    }
}

/// The attack story rebuilt from the store: how the root process led to the alerting one
/// (tree), what happened in order (timeline), which alerts fired, and what was touched (impact).
///
/// Exists as one value so that the text, JSON and DOT renderers draw the same facts. Built by
/// `StoryBuilder` on the thread that owns the store; Sendable afterwards.
public struct Story: Sendable, Equatable {
    public var target: StoryTarget
    /// The incident, for an incident story or an alert that belongs to one.
    public var incident: IncidentRow?
    /// The process the question was about (the alert's process or the given entity); for an
    /// incident story, the process of its first alert when known.
    public var focusEntityId: String?
    public var rootReason: RootReason
    /// Ancestors of the root, outermost first (context only: their other children are not part
    /// of the story).
    public var ancestry: [ProcessRow]
    public var tree: StoryProcess
    /// Alerts on the tree's processes (and the incident's alerts), oldest first.
    public var alerts: [AlertRow]
    /// Execs, network and file events of the tree's processes, oldest first.
    public var timeline: [EventRow]
    /// More matching events existed than `timelineLimit`: the timeline shows the first ones.
    public var timelineTruncated: Bool
    public var timelineLimit: Int
    /// Events of the subtree read to build the timeline and the impact.
    public var eventsScanned: Int
    public var impact: StoryImpact
    /// Anything the analyst should know about how complete the story is.
    public var notes: [String]

    public init(target: StoryTarget, incident: IncidentRow?, focusEntityId: String?, rootReason: RootReason,
                ancestry: [ProcessRow], tree: StoryProcess, alerts: [AlertRow], timeline: [EventRow],
                timelineTruncated: Bool, timelineLimit: Int, eventsScanned: Int, impact: StoryImpact,
                notes: [String]) {
        self.target = target; self.incident = incident; self.focusEntityId = focusEntityId
        self.rootReason = rootReason; self.ancestry = ancestry; self.tree = tree; self.alerts = alerts
        self.timeline = timeline; self.timelineTruncated = timelineTruncated; self.timelineLimit = timelineLimit
        self.eventsScanned = eventsScanned; self.impact = impact; self.notes = notes
    }

    /// The root process of the tree.
    public var root: ProcessRow { tree.process }

    /// Entity ids named by the story's alerts.
    public var alertingEntityIds: Set<String> { Set(alerts.compactMap(\.entityId)) }

    /// The short name of a process of the story as it was at `unixNs` (its latest exec by then;
    /// the first one if it had not exec'd yet), or its current name without a time.
    public func processName(_ entityId: String, at unixNs: Int64? = nil) -> String? {
        StoryIndex(self).name(entityId, at: unixNs)
    }
}

/// Processes of a story by entity id, built once per rendering. Value type; any thread.
struct StoryIndex {
    private var nodes: [String: StoryProcess] = [:]
    private var ancestors: [String: ProcessRow] = [:]

    init(_ story: Story) {
        for node in story.tree.flattened { nodes[node.entityId] = node }
        for p in story.ancestry { ancestors[p.entityId] = p }
    }

    func node(_ entityId: String) -> StoryProcess? { nodes[entityId] }

    /// Short name at `unixNs` (see `Story.processName(_:at:)`).
    func name(_ entityId: String, at unixNs: Int64? = nil) -> String? {
        if let node = nodes[entityId] {
            guard let unixNs, !node.execs.isEmpty else { return node.name }
            return (node.execs.last { $0.tsUnixNs <= unixNs } ?? node.execs[0]).name
        }
        return ancestors[entityId].map(StoryProcess.name(of:))
    }

    /// `name[pid]` at `unixNs`, or `nil` for a process outside the story.
    func label(_ entityId: String, at unixNs: Int64? = nil) -> String? {
        guard let name = name(entityId, at: unixNs) else { return nil }
        let pid = nodes[entityId]?.process.pid ?? ancestors[entityId]?.pid ?? 0
        return DisplayText.clip(name, 32) + "[\(pid == 0 ? "?" : String(pid))]"
    }
}
