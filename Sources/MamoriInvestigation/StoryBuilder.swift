import MamoriStore

/// Bounds of a story. Sendable value.
public struct StoryOptions: Sendable, Equatable {
    /// Timeline events kept (the first ones in time); the story says when more existed.
    public var timelineLimit: Int
    /// Events of the subtree read at most, for the timeline and the impact together.
    public var scanLimit: Int
    /// Levels walked up from the alerting process and down from the root.
    public var maxDepth: Int
    /// Processes of the tree kept at most (shallowest first).
    public var maxProcesses: Int
    /// `events.kind` values shown in the timeline (the impact always reads every event).
    public var timelineKinds: Set<String>

    public init(timelineLimit: Int = 5_000, scanLimit: Int = 1_000_000, maxDepth: Int = 64,
                maxProcesses: Int = 20_000, timelineKinds: Set<String> = ["exec", "network", "file"]) {
        self.timelineLimit = max(0, timelineLimit); self.scanLimit = max(1, scanLimit)
        self.maxDepth = max(1, maxDepth); self.maxProcesses = max(1, maxProcesses)
        self.timelineKinds = timelineKinds
    }
}

/// Rebuilds the attack story of an incident, an alert or a process from the event store.
///
/// The root is the incident's root process, or, walking up from the alerting process, the
/// nearest session leader, the top process of its systemd service, or the child of pid 1,
/// whichever comes first. The tree is every stored descendant of the root; the timeline and
/// the impact come from the events of those processes; the alerts are those on them.
///
/// Exists so that `mamori story` and any later API serve one reconstruction. Uses the store's
/// read queries only. Not thread-safe, like the `EventStore` it reads: use it on the thread
/// that owns the store.
public struct StoryBuilder {
    public let store: EventStore
    public var options: StoryOptions

    public init(store: EventStore, options: StoryOptions = StoryOptions()) {
        self.store = store
        self.options = options
    }

    /// What `reference` names: an incident UUID, else an alert UUID, else a process entity id.
    ///
    /// - Throws: `InvestigationError.notFound` when it is none of them.
    public func resolve(_ reference: String) throws -> StoryTarget {
        let ref = reference.trimmingSpaces
        guard !ref.isEmpty else { throw InvestigationError.invalidArgument("the story reference is empty") }
        if try store.incident(uuid: ref) != nil { return .incident(ref) }
        if try store.alert(uuid: ref) != nil { return .alert(ref) }
        if try store.process(entityId: ref) != nil { return .entity(ref) }
        throw InvestigationError.notFound(reference: ref, database: store.path)
    }

    /// The story of whatever `reference` names (see `resolve(_:)`).
    public func build(reference: String) throws -> Story {
        try build(resolve(reference))
    }

    /// The story of `target`.
    public func build(_ target: StoryTarget) throws -> Story {
        var notes = [String]()
        var incident: IncidentRow?
        var seedAlerts = [AlertRow]()
        let focus: String?
        let rootId: String
        let reason: RootReason
        switch target {
        case .incident(let uuid):
            guard let found = try store.incident(uuid: uuid) else {
                throw InvestigationError.notFound(reference: uuid, database: store.path)
            }
            incident = found
            seedAlerts = try store.alerts(filter: AlertFilter(incidentUUID: uuid, limit: 0, order: .oldestFirst))
            focus = seedAlerts.lazy.compactMap(\.entityId).first
            if let root = found.rootEntityId {
                (rootId, reason) = (root, .incidentRoot)
            } else if let focus {
                (rootId, reason) = try findRoot(from: focus)
                notes.append("the incident names no root process: the story starts above its first alert's process")
            } else {
                throw InvestigationError.invalidArgument(
                    "incident \(uuid) names no root process and none of its alerts names a process: nothing to rebuild")
            }
        case .alert(let uuid):
            guard let alert = try store.alert(uuid: uuid) else {
                throw InvestigationError.notFound(reference: uuid, database: store.path)
            }
            seedAlerts = [alert]
            if let incidentUUID = alert.incidentUUID { incident = try store.incident(uuid: incidentUUID) }
            guard let entity = alert.entityId else {
                throw InvestigationError.invalidArgument(
                    "alert \(uuid) (\(alert.ruleId)) names no process: there is no process tree to rebuild")
            }
            focus = entity
            (rootId, reason) = try findRoot(from: entity)
        case .entity(let entity):
            guard try store.process(entityId: entity) != nil else {
                throw InvestigationError.notFound(reference: entity, database: store.path)
            }
            focus = entity
            (rootId, reason) = try findRoot(from: entity)
        }

        let rootRow: ProcessRow
        if let row = try store.process(entityId: rootId) {
            rootRow = row
        } else {
            rootRow = ProcessRow(entityId: rootId, pid: 0, seenUnixNs: 0)
            notes.append("the root process \(rootId) is not in the store (pruned by retention or never seen): "
                         + "its descendants are shown as far as they are known")
        }
        let ancestry = try store.ancestors(of: rootId, maxDepth: options.maxDepth).map(\.process).reversed()
        var (tree, treeNotes) = try buildTree(root: rootRow)
        notes += treeNotes
        let members = tree.flattened
        let memberIds = members.map(\.entityId)
        let memberSet = Set(memberIds)

        let alerts = try collectAlerts(seed: seedAlerts, entities: memberIds)
        for alert in alerts {
            if let entity = alert.entityId, !memberSet.contains(entity) {
                notes.append("alert \(alert.alertUUID) (\(alert.ruleId)) is on process \(entity), "
                             + "outside the tree of \(rootId)")
            }
        }
        markAlerting(&tree, Set(alerts.compactMap(\.entityId)))

        let scan = try StoryScan(store: store, entityIds: memberIds, options: options)
        notes += scan.notes
        attachExecs(&tree, scan)
        if scan.timelineTruncated && scan.timeline.count >= options.timelineLimit {
            notes.append("the timeline shows the first \(options.timelineLimit) events; more exist "
                         + "(raise --limit, or query `mamori events --entity ID`)")
        }
        let impact = StoryImpact(processes: members.map(\.process), files: scan.impact.fileList,
                                 addresses: scan.impact.addressList)
        return Story(target: target, incident: incident, focusEntityId: focus, rootReason: reason,
                     ancestry: Array(ancestry), tree: tree, alerts: alerts, timeline: scan.timeline,
                     timelineTruncated: scan.timelineTruncated, timelineLimit: options.timelineLimit,
                     eventsScanned: scan.scanned, impact: impact, notes: notes)
    }

    // MARK: Root

    /// Walks up from `entity` to the nearest session leader, service main process or child of
    /// pid 1. A process the store does not know is its own root.
    func findRoot(from entity: String) throws -> (String, RootReason) {
        guard let start = try store.process(entityId: entity) else { return (entity, .oldestKnownAncestor) }
        let chain = try store.ancestors(of: entity, maxDepth: options.maxDepth).map(\.process)
        var current = start
        var index = 0
        while true {
            if current.sessionLeaderEntityId == current.entityId || start.sessionLeaderEntityId == current.entityId {
                return (current.entityId, .sessionLeader)
            }
            if current.ppid == 1 { return (current.entityId, .childOfInit) }
            guard index < chain.count else {
                return (current.entityId, chain.count >= options.maxDepth ? .depthLimit : .oldestKnownAncestor)
            }
            let parent = chain[index]
            if parent.pid == 1 { return (current.entityId, .childOfInit) }
            if let unit = current.unit, unit.hasSuffix(".service"), parent.unit != unit {
                return (current.entityId, .serviceMain)
            }
            current = parent
            index += 1
        }
    }

    // MARK: Tree

    private func buildTree(root: ProcessRow) throws -> (StoryProcess, [String]) {
        var notes = [String]()
        var nodes = try store.descendants(of: root.entityId, maxDepth: options.maxDepth)
        if nodes.count > options.maxProcesses {
            notes.append("the tree has \(nodes.count) descendants; the \(options.maxProcesses) shallowest are shown")
            nodes = Array(nodes.prefix(options.maxProcesses))
        }
        if nodes.contains(where: { $0.depth >= options.maxDepth }) {
            notes.append("the tree is cut at depth \(options.maxDepth)")
        }
        var children = [String: [ProcessRow]]()
        for node in nodes {
            if let parent = node.process.parentEntityId { children[parent, default: []].append(node.process) }
        }
        var visited: Set<String> = [root.entityId]
        func build(_ p: ProcessRow, depth: Int) -> StoryProcess {
            var node = StoryProcess(process: p, depth: depth)
            for child in children[p.entityId] ?? [] where visited.insert(child.entityId).inserted {
                node.children.append(build(child, depth: depth + 1))
            }
            return node
        }
        return (build(root, depth: 0), notes)
    }

    private func attachExecs(_ node: inout StoryProcess, _ scan: StoryScan) {
        node.execs = scan.execs[node.entityId] ?? []
        node.execCount = scan.execCounts[node.entityId] ?? 0
        for i in node.children.indices { attachExecs(&node.children[i], scan) }
    }

    private func markAlerting(_ node: inout StoryProcess, _ alerting: Set<String>) {
        node.isAlerting = alerting.contains(node.entityId)
        for i in node.children.indices { markAlerting(&node.children[i], alerting) }
    }

    // MARK: Alerts

    private func collectAlerts(seed: [AlertRow], entities: [String]) throws -> [AlertRow] {
        var seen = Set<String>()
        var out = [AlertRow]()
        for alert in seed where seen.insert(alert.alertUUID).inserted { out.append(alert) }
        for entity in entities {
            for alert in try store.alerts(filter: AlertFilter(entityId: entity, limit: 0, order: .oldestFirst))
            where seen.insert(alert.alertUUID).inserted {
                out.append(alert)
            }
        }
        return out.sorted { ($0.firstSeen, $0.id ?? 0) < ($1.firstSeen, $1.id ?? 0) }
    }
}
