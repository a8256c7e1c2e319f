import MamoriStore

/// Reads the events of a process subtree, process by process, keeping the earliest
/// `timelineLimit` timeline events and folding every event into the impact.
///
/// Exists so that a story over a busy subtree (a build server's shell, a ransomware run) stays
/// bounded in time and memory: each process's events are read in pages of `pageSize` through
/// the `(entity_id, ts_unix_ns)` index (no sorting in SQLite), at most `scanLimit` events in
/// all, and the timeline candidates are trimmed to the earliest `timelineLimit` as they come.
/// (One query over all the entities ordered by time would make SQLite sort every remaining
/// row for each page: about 30 times slower on a 5,000-process tree.) Processes are read in
/// tree order, so a scan cut by `scanLimit` misses the latest-started processes, and says so.
/// Runs on the thread that owns the store.
struct StoryScan {
    var timeline: [EventRow] = []
    var timelineTruncated = false
    var scanned = 0
    var impact = ImpactAccumulator()
    var notes: [String] = []
    /// Exec steps per entity (the first `ExecStep.keptPerProcess`) and exec counts.
    var execs: [String: [ExecStep]] = [:]
    var execCounts: [String: Int] = [:]

    static let pageSize = 10_000

    init(store: EventStore, entityIds: [String], options: StoryOptions) throws {
        var candidates = [EventRow]()
        var timelineTotal = 0
        let keep = options.timelineLimit
        func prune() {
            candidates.sort { ($0.tsUnixNs, $0.id ?? 0) < ($1.tsUnixNs, $1.id ?? 0) }
            if candidates.count > keep { candidates.removeSubrange(keep...) }
        }
        outer: for (index, entity) in entityIds.enumerated() {
            var since: Int64?
            var seenAtSince = Set<Int64>()  // ids already read whose timestamp equals `since`
            while true {
                let budget = options.scanLimit - scanned
                if budget <= 0 {
                    // Mid-process, the last page was full: more exist. Between processes, look.
                    if since == nil, try !entityIds[index...].contains(where: {
                        try !store.events(filter: EventFilter(entityId: $0, limit: 1)).isEmpty
                    }) { break outer }
                    notes.append("scan limit reached: the timeline and impact cover \(scanned) events of the "
                                 + "first \(since == nil ? index : index + 1) of \(entityIds.count) processes "
                                 + "(in tree order)")
                    timelineTruncated = true
                    break outer
                }
                let page = try store.events(filter: EventFilter(
                    since: since, entityId: entity, limit: min(Self.pageSize, budget + 1), order: .oldestFirst))
                var fresh = 0
                for event in page {
                    if let since, event.tsUnixNs == since, let id = event.id, seenAtSince.contains(id) { continue }
                    if scanned >= options.scanLimit { break }
                    fresh += 1
                    scanned += 1
                    impact.add(event)
                    if event.kind == "exec" {
                        execCounts[entity, default: 0] += 1
                        if execs[entity, default: []].count < ExecStep.keptPerProcess {
                            execs[entity, default: []].append(ExecStep(
                                tsUnixNs: event.tsUnixNs, executable: event.executable ?? event.path,
                                commandLine: event.commandLine))
                        }
                    }
                    guard options.timelineKinds.contains(event.kind),
                          !(event.kind == "file" && ImpactAccumulator.isPseudoFile(event))
                    else { continue }
                    timelineTotal += 1
                    candidates.append(event)
                    if candidates.count >= 2 * max(keep, 1_024) { prune() }
                }
                guard page.count == min(Self.pageSize, budget + 1), let last = page.last?.tsUnixNs else { break }
                if fresh == 0 {
                    // A page full of one nanosecond: step past it rather than loop.
                    notes.append("some events of process \(entity) at "
                                 + "\(TimeExpression.format(unixNs: last, fractionDigits: 9)) were skipped "
                                 + "(more than \(Self.pageSize) share that timestamp)")
                    since = last + 1
                    seenAtSince = []
                    continue
                }
                if last != since { seenAtSince = [] }
                for event in page where event.tsUnixNs == last { if let id = event.id { seenAtSince.insert(id) } }
                since = last
            }
        }
        prune()
        timeline = candidates
        if timelineTotal > keep { timelineTruncated = true }
    }
}

/// Folds events into the file and address sets of a story's impact.
/// Value type, used on one thread.
struct ImpactAccumulator {
    /// `events.action` values that change a file.
    static let fileChanges: Set<String> = ["creation", "open-write", "truncate", "rename", "deletion", "chmod", "chown"]
    static let einprogress: Int32 = -115

    private var files: [String: FileImpact] = [:]
    private var addresses: [AddressKey: AddressImpact] = [:]

    struct AddressKey: Hashable {
        var address: String
        var port: UInt16
        var transport: String?
        var direction: NetworkDirection
    }

    /// Device files that shells "write" all day (`> /dev/null` truncates it): not a change.
    static let pseudoFiles: Set<String> = ["/dev/null", "/dev/zero", "/dev/full", "/dev/tty", "/dev/stdin",
                                           "/dev/stdout", "/dev/stderr", "/dev/random", "/dev/urandom"]

    /// A write to a terminal, a pipe or one of `pseudoFiles` (not a rename: that moves a name).
    static func isPseudoFile(_ e: EventRow) -> Bool {
        guard e.targetPath == nil, let path = e.path else { return false }
        return pseudoFiles.contains(path) || path.hasPrefix("/dev/pts/") || path.hasPrefix("/dev/fd/")
            || path.hasPrefix("/proc/self/fd/")
    }

    mutating func add(_ e: EventRow) {
        switch e.kind {
        case "file":
            guard Self.fileChanges.contains(e.action), let path = e.path, !Self.isPseudoFile(e) else { return }
            let failed = (e.result ?? 0) < 0
            touchFile(path, action: e.action, event: e, failed: failed)
            if e.action == "rename", let target = e.targetPath {
                touchFile(target, action: "rename-target", event: e, failed: failed)
            }
        case "network":
            let key: AddressKey
            switch e.action {
            case "connect", "send":
                guard let ip = e.dstIP else { return }
                key = AddressKey(address: ip, port: e.dstPort ?? 0, transport: e.transport, direction: .outbound)
            case "accept":
                guard let ip = e.dstIP else { return }
                key = AddressKey(address: ip, port: e.srcPort ?? 0, transport: e.transport, direction: .inbound)
            case "listen":
                key = AddressKey(address: e.srcIP ?? "0.0.0.0", port: e.srcPort ?? 0, transport: e.transport,
                                 direction: .listen)
            default:
                return
            }
            let result = e.result ?? 0
            let failed = result < 0 && result != Self.einprogress
            var item = addresses[key] ?? AddressImpact(
                address: key.address, port: key.port, transport: key.transport, direction: key.direction,
                actions: [], count: 0, firstSeenUnixNs: e.tsUnixNs, lastSeenUnixNs: e.tsUnixNs, actors: [])
            item.count += 1
            if failed { item.failures += 1 } else if !item.actions.contains(e.action) { item.actions.append(e.action) }
            item.firstSeenUnixNs = min(item.firstSeenUnixNs, e.tsUnixNs)
            item.lastSeenUnixNs = max(item.lastSeenUnixNs, e.tsUnixNs)
            Self.credit(&item.actors, e, action: failed ? e.action + " failed" : e.action)
            addresses[key] = item
        default:
            return
        }
    }

    private mutating func touchFile(_ path: String, action: String, event e: EventRow, failed: Bool) {
        var item = files[path] ?? FileImpact(path: path, actions: [], count: 0, firstSeenUnixNs: e.tsUnixNs,
                                             lastSeenUnixNs: e.tsUnixNs, actors: [])
        item.count += e.count  // a folded row stands for `count` events
        if failed { item.failures += e.count } else if !item.actions.contains(action) { item.actions.append(action) }
        item.firstSeenUnixNs = min(item.firstSeenUnixNs, e.tsUnixNs)
        item.lastSeenUnixNs = max(item.lastSeenUnixNs, e.lastTsUnixNs ?? e.tsUnixNs)
        Self.credit(&item.actors, e, action: failed ? action + " failed" : action)
        files[path] = item
    }

    private static func credit(_ actors: inout [ImpactActor], _ e: EventRow, action: String) {
        let entity = e.entityId ?? "pid:\(e.pid)"
        if let i = actors.firstIndex(where: { $0.entityId == entity }) {
            actors[i].count += e.count
            if !actors[i].actions.contains(action) { actors[i].actions.append(action) }
        } else {
            actors.append(ImpactActor(entityId: entity, pid: e.pid, actions: [action], count: e.count,
                                      firstSeenUnixNs: e.tsUnixNs))
        }
    }

    /// Files by first change, then path.
    var fileList: [FileImpact] {
        files.values.sorted { ($0.firstSeenUnixNs, $0.path) < ($1.firstSeenUnixNs, $1.path) }
    }

    /// Addresses by first contact, then endpoint.
    var addressList: [AddressImpact] {
        addresses.values.sorted {
            ($0.firstSeenUnixNs, $0.address, $0.port, $0.direction.rawValue)
                < ($1.firstSeenUnixNs, $1.address, $1.port, $1.direction.rawValue)
        }
    }
}
