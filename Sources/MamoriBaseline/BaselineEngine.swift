import MamoriDetection
import MamoriEvents
import MamoriProcess
import MamoriStore

/// The behavioural baselines of this host: one `BehaviourProfile` per unit, learned from live
/// events (and from the store's history at first start), checked against every exec, connect,
/// listen and file write; once a profile is stable, what is new becomes a `Deviation`.
///
/// Exists as the one owner of profile state, so learning, alerting, caps, persistence and
/// resets follow one set of rules (docs/baseline.md). Cost per event: one cgroup-id lookup,
/// then a few hash lookups over strings the event already holds; nothing is allocated unless
/// something is new. Owned by the pipeline worker: single-threaded, not `Sendable`.
public final class BaselineEngine {
    public private(set) var configuration: BaselineConfiguration
    public private(set) var profiles: [String: BehaviourProfile] = [:]
    /// Resolves a cgroup id to its path and unit (the process table's resolver); nil in tests:
    /// the process record's unit is used.
    public var resolveCgroup: ((UInt64) -> (path: String, unit: String?)?)?
    /// Where learned items, profile headers and resets go (the store writer).
    public var sink: ((StoreItem) -> Void)?
    /// Events not profiled because the profile table was full.
    public private(set) var unprofiledEvents: UInt64 = 0
    public private(set) var eventsObserved: UInt64 = 0

    private var byCgroup: [UInt64: BehaviourProfile] = [:]
    private var novel: [Novelty] = []
    private var lastPersistUnixNs: Int64 = 0
    private var persistedEvents: [String: UInt64] = [:]
    private var tableFullReported = false
    var lastPublishUnixNs: Int64 = 0

    public init(configuration: BaselineConfiguration) {
        self.configuration = configuration
        novel.reserveCapacity(8)
    }

    // MARK: Live events

    /// Checks one event against its profile; learns it or returns the deviation to alert.
    /// `highestHit`: the most severe rule hit this event raised (a profile never learns from
    /// an event that raised a high or critical alert).
    public func observe(_ event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?,
                        highestHit: RuleLevel?, nowUnixNs: Int64) -> Deviation? {
        guard configuration.enabled else { return nil }
        switch event {
        case .exec, .network, .file: break
        default: return nil
        }
        guard let subject = event.subject, let p = profile(cgroupId: subject.cgroupId, process: process, nowUnixNs: nowUnixNs) else {
            return tableFullNotice(nowUnixNs: nowUnixNs)
        }
        eventsObserved &+= 1
        p.eventsSeen &+= 1
        novel.removeAll(keepingCapacity: true)
        switch event {
        case .exec(let e):
            checkExec(p, executable: e.executable, identity: ExecIdentity(device: e.exeDevice, inode: e.exeInode),
                      parentExecutable: parent?.executable ?? "", args: e.args, uid: e.subject.uid)
        case .network(let n):
            checkNetwork(p, op: n.op, destination: n.destination, proto: n.proto,
                         destinationPort: n.destinationPort, sourcePort: n.sourcePort)
        case .file(let f):
            guard f.result >= 0 else { return nil }
            switch f.op {
            case .create, .openWrite, .truncate:
                if !f.flags.contains(.pathRelative) { checkFile(p, path: f.path) }
            case .rename:
                if let t = f.targetPath, !f.flags.contains(.path2Relative) { checkFile(p, path: t) }
            default: return nil
            }
        default: return nil
        }
        if novel.isEmpty { return nil }
        return decide(p, highestHit: highestHit, nowUnixNs: nowUnixNs)
    }

    /// The profile of an event's cgroup, created on first sight; nil: not profiled.
    private func profile(cgroupId: UInt64, process: ProcessRecord?, nowUnixNs: Int64) -> BehaviourProfile? {
        if let p = byCgroup[cgroupId] { return p }
        let resolved = cgroupId == 0 ? nil : resolveCgroup?(cgroupId)
        let unit = resolved.map { $0.unit } ?? (process?.cgroupId == cgroupId ? process?.unit : nil) ?? nil
        guard let name = ProfileNaming.name(unit: unit, cgroupPath: resolved?.path, hasTTY: process?.tty != nil),
              configuration.selects(name) else { return nil }
        let p: BehaviourProfile
        if let existing = profiles[name] {
            p = existing
        } else {
            guard profiles.count < configuration.maxProfiles else { unprofiledEvents &+= 1; return nil }
            p = BehaviourProfile(name: name, nowUnixNs: nowUnixNs)
            profiles[name] = p
        }
        // Only names that follow from the cgroup alone are cached (not the tty fallback).
        if unit != nil || resolved?.path != nil {
            if byCgroup.count >= 4_096 { byCgroup.removeAll(keepingCapacity: true) }
            byCgroup[cgroupId] = p
        }
        return p
    }

    private func tableFullNotice(nowUnixNs: Int64) -> Deviation? {
        guard unprofiledEvents > 0, !tableFullReported else { return nil }
        tableFullReported = true
        let n = Novelty(kind: .profileFull, category: .executable, key: "profiles",
                        detail: nil, text: "profile table full at \(configuration.maxProfiles) profiles: new units are not profiled")
        return Deviation(profile: "*", state: .learning, novelties: [n], kind: .profileFull,
                         rule: BaselineRules.rule(.profileFull), holds: [], categoryFull: true, learned: false)
    }

    // MARK: Checks (shared by live events and history)

    func checkExec(_ p: BehaviourProfile, executable: String, identity: ExecIdentity, parentExecutable: String,
                   args: [String], uid: UInt32?) {
        guard !executable.isEmpty, !configuration.ignores(path: executable) else { return }
        if let known = p.executables[executable] {
            if identity.isKnown && known != identity {
                if known.isKnown {
                    novel.append(Novelty(kind: .executableReplaced, category: .executable, key: executable, detail: identity.text,
                                         text: "executable \(executable) replaced: now \(identity.text), learned \(known.text)"))
                } else {
                    // Learned from history (path only): adopt the identity seen now.
                    p.executables[executable] = identity
                    emitItem(p, .executable, key: executable, detail: identity.text)
                }
            }
        } else {
            let cls = ExecutableClass.of(executable)
            let kind: NoveltyKind = p.isService && cls.isRisky ? .riskyExecutable : .executable
            novel.append(Novelty(kind: kind, category: .executable, key: executable,
                                 detail: identity.isKnown ? identity.text : nil,
                                 text: "executable \(executable)" + (cls.isRisky ? " (\(cls.rawValue))" : "")
                                    + (identity.isKnown ? " [\(identity.text)]" : "")))
        }
        if !p.edges.contains(ExecEdge(parent: parentExecutable, child: executable)) {
            let e = ExecEdge(parent: parentExecutable, child: executable)
            novel.append(Novelty(kind: .edge, category: .edge, key: e.key, detail: nil,
                                 text: "exec edge \(parentExecutable.isEmpty ? "?" : parentExecutable) → \(executable)"))
        }
        let shape = CommandShape.streamingHash(executable: executable, args: args)
        if p.shapes[shape] == nil {
            let s = CommandShape(executable: executable, args: args)
            let example = String(([executable] + s.shapedArgs).joined(separator: " ").prefix(256))
            novel.append(Novelty(kind: .argv, category: .argv, key: String(shape), detail: example, text: "argv shape \(example)"))
        }
        if let uid, !p.users.contains(uid) {
            novel.append(Novelty(kind: .user, category: .user, key: String(uid), detail: nil, text: "user uid \(uid)"))
        }
    }

    func checkNetwork(_ p: BehaviourProfile, op: NetworkOp, destination: IPAddress, proto: UInt16,
                      destinationPort: UInt16, sourcePort: UInt16) {
        switch op {
        case .connect, .send:
            guard destination.high != 0 || destination.low != 0 else { return }
            if configuration.ignoreNetworks.contains(where: { $0.contains(destination) }) { return }
            let key = DestinationKey(destination: destination, proto: proto, port: destinationPort)
            if !p.destinations.contains(key) {
                novel.append(Novelty(kind: .destination, category: .destination, key: key.description, detail: "\(destination)",
                                     text: "destination \(destination) port \(destinationPort)/\(key.transport) (network \(key.network))"))
            }
        case .listen:
            let key = ListenKey(proto: proto, port: sourcePort)
            if !p.listens.contains(key) {
                novel.append(Novelty(kind: .listen, category: .listen, key: key.description, detail: nil,
                                     text: "listening port \(sourcePort)/\(ProtocolName.name(proto))"))
            }
        case .accept:
            return
        }
    }

    func checkFile(_ p: BehaviourProfile, path: String) {
        if p.recentlyKnownFile(path) { return }
        guard !configuration.ignores(path: path) else { return }
        if p.files[PathPattern.hash(path)] != nil {
            p.rememberKnownFile(path)
        } else {
            let pattern = PathPattern.collapse(path)
            novel.append(Novelty(kind: .file, category: .file, key: pattern, detail: path,
                                 text: "file written \(path) (pattern \(pattern))"))
        }
    }

    // MARK: Learning or alerting

    private func decide(_ p: BehaviourProfile, highestHit: RuleLevel?, nowUnixNs: Int64) -> Deviation? {
        let hitIsHigh = (highestHit ?? .informational) >= .high
        if p.state == .learning || p.isInteractive {
            if hitIsHigh { p.skippedHighSeverity &+= 1; return nil }
            if p.state == .enforced { return nil }
            let newlyFull = learnAll(p, nowUnixNs: nowUnixNs)
            if p.state == .learning { p.lastNewUnixNs = nowUnixNs; p.dirty = true }
            guard let category = newlyFull, !p.isInteractive else { return nil }
            let n = Novelty(kind: .profileFull, category: category, key: category.rawValue, detail: nil,
                            text: "\(category.rawValue) entries full at \(configuration.limits.limit(category)): new ones are not learned and will alert once stable")
            return Deviation(profile: p.name, state: p.state, novelties: [n], kind: .profileFull,
                             rule: BaselineRules.rule(.profileFull), holds: p.entries(category, limit: 8),
                             categoryFull: true, learned: false)
        }
        // Stable or enforced: the most severe novelty names the alert.
        var top = novel[0]
        for n in novel.dropFirst() where n.kind.level > top.kind.level { top = n }
        let holds = p.entries(top.category, limit: 8)
        let full = p.count(top.category) >= configuration.limits.limit(top.category)
        var learned = false
        if p.state == .stable && top.kind.level < .high && !hitIsHigh {
            learned = learnAll(p, nowUnixNs: nowUnixNs) == nil && !full
        }
        p.deviations &+= 1
        p.dirty = true
        let sorted = novel.sorted { $0.kind.level > $1.kind.level }
        return Deviation(profile: p.name, state: p.state, novelties: sorted, kind: top.kind,
                         rule: BaselineRules.rule(top.kind), holds: holds, categoryFull: full, learned: learned)
    }

    /// Learns every pending novelty; returns a category that became full now (for a notice).
    private func learnAll(_ p: BehaviourProfile, nowUnixNs: Int64) -> ProfileCategory? {
        var newlyFull: ProfileCategory?
        for n in novel {
            let wasFull = p.full.contains(n.category)
            if p.learn(n, limit: configuration.limits.limit(n.category)) {
                emitItem(p, n.category, key: n.key, detail: n.detail, at: nowUnixNs)
            } else if !wasFull {
                newlyFull = n.category
            }
        }
        return newlyFull
    }

    private func emitItem(_ p: BehaviourProfile, _ c: ProfileCategory, key: String, detail: String?, at: Int64 = 0) {
        sink?(.baselineItem(BaselineItemRow(profile: p.name, category: c.rawValue, key: key, detail: detail,
                                            firstSeen: at == 0 ? p.lastNewUnixNs : at)))
    }

    // MARK: State, persistence, operator requests

    /// Moves learning profiles past their quiet period to stable and writes changed headers
    /// (at most every `persistIntervalNs`). Worker thread, between events.
    public func tick(nowUnixNs: Int64) {
        guard configuration.enabled else { return }
        for p in profiles.values where p.state == .learning && p.eventsSeen > 0
            && nowUnixNs - p.lastNewUnixNs >= configuration.quietPeriodNs {
            p.state = .stable
            p.stateChangedUnixNs = nowUnixNs
            p.dirty = true
        }
        guard nowUnixNs - lastPersistUnixNs >= configuration.persistIntervalNs else { return }
        lastPersistUnixNs = nowUnixNs
        persist(nowUnixNs: nowUnixNs, force: false)
    }

    /// Writes every header that changed (all with `force`).
    public func persist(nowUnixNs: Int64, force: Bool) {
        for p in profiles.values where force || p.dirty || persistedEvents[p.name] != p.eventsSeen {
            sink?(.baselineProfile(row(p, nowUnixNs: nowUnixNs)))
            persistedEvents[p.name] = p.eventsSeen
            p.dirty = false
        }
    }

    /// Profiles whose proposed lockdown is in force (from the prevention policy): stable ones
    /// become enforced (they stop learning); enforced ones no longer listed go back to stable.
    public func setEnforced(_ names: Set<String>, nowUnixNs: Int64) {
        for p in profiles.values {
            if names.contains(p.name), p.state == .stable {
                p.state = .enforced; p.stateChangedUnixNs = nowUnixNs; p.dirty = true
            } else if !names.contains(p.name), p.state == .enforced {
                p.state = .stable; p.stateChangedUnixNs = nowUnixNs; p.dirty = true
            }
        }
    }

    /// Forgets a profile (memory and store); it relearns from the next event. False: unknown.
    @discardableResult
    public func reset(profile name: String) -> Bool {
        guard profiles.removeValue(forKey: name) != nil else { return false }
        byCgroup = byCgroup.filter { $0.value.name != name }
        persistedEvents[name] = nil
        sink?(.baselineReset(profile: name))
        return true
    }

    /// The header row of a profile (status listings, persistence).
    public func row(_ p: BehaviourProfile, nowUnixNs: Int64) -> BaselineProfileRow {
        BaselineProfileRow(profile: p.name, state: p.state.rawValue, sinceUnixNs: p.sinceUnixNs,
                           stateChangedUnixNs: p.stateChangedUnixNs, lastNewUnixNs: p.lastNewUnixNs,
                           eventsSeen: Int64(clamping: p.eventsSeen), deviations: Int64(clamping: p.deviations),
                           items: Int64(p.itemCount), fullCategories: p.full.map(\.rawValue).sorted().joined(separator: ","),
                           overflow: Int64(clamping: p.overflow), updatedUnixNs: nowUnixNs)
    }

    // MARK: Restore and history

    /// Rebuilds profiles from the store (agent start). Items of unknown categories are skipped.
    public func restore(profiles rows: [BaselineProfileRow], items: [BaselineItemRow]) {
        for r in rows {
            let p = BehaviourProfile(name: r.profile, nowUnixNs: r.sinceUnixNs)
            p.state = ProfileState(rawValue: r.state) ?? .learning
            p.stateChangedUnixNs = r.stateChangedUnixNs
            p.lastNewUnixNs = r.lastNewUnixNs
            p.eventsSeen = UInt64(max(0, r.eventsSeen))
            p.deviations = UInt64(max(0, r.deviations))
            p.overflow = UInt64(max(0, r.overflow))
            p.full = Set(r.fullCategories.split(separator: ",").compactMap { ProfileCategory(rawValue: String($0)) })
            p.dirty = false
            profiles[r.profile] = p
            persistedEvents[r.profile] = p.eventsSeen
        }
        for item in items {
            guard let p = profiles[item.profile], let c = ProfileCategory(rawValue: item.category) else { continue }
            let n = Novelty(kind: .executable, category: c, key: item.key, detail: item.detail, text: "")
            _ = p.learn(n, limit: Int.max)
        }
        for p in profiles.values { p.dirty = false }
    }

    /// Learns from stored events (first start: no profile stored yet). Each row counts as an
    /// event of its unit's profile at its own time; rows without a unit are skipped (the store
    /// keeps the unit, not the cgroup). Returns the number of rows learned from.
    @discardableResult
    public func learn(history rows: [BaselineHistoryRow]) -> Int {
        var used = 0
        for r in rows {
            guard let name = ProfileNaming.name(unit: r.unit, cgroupPath: nil, hasTTY: false), configuration.selects(name) else { continue }
            let p: BehaviourProfile
            if let existing = profiles[name] { p = existing } else {
                guard profiles.count < configuration.maxProfiles else { continue }
                p = BehaviourProfile(name: name, nowUnixNs: r.tsUnixNs)
                profiles[name] = p
            }
            novel.removeAll(keepingCapacity: true)
            switch r.kind {
            case "exec":
                guard let exe = r.executable else { continue }
                let args = (r.commandLine ?? exe).split(separator: " ").map(String.init)
                checkExec(p, executable: exe, identity: ExecIdentity(device: 0, inode: 0),
                          parentExecutable: r.parentExecutable ?? "", args: args, uid: r.uid)
            case "network":
                guard let ip = r.dstIP.flatMap(NetworkPrefix.parseAddress) else { continue }
                let proto: UInt16 = r.transport == "udp" ? 17 : 6
                let op: NetworkOp? = ["connect": .connect, "send": .send, "listen": .listen][r.action]
                guard let op else { continue }
                checkNetwork(p, op: op, destination: ip, proto: proto, destinationPort: UInt16(clamping: r.dstPort ?? 0),
                             sourcePort: UInt16(clamping: r.srcPort ?? 0))
            case "file":
                guard ["creation", "open-write", "truncate", "rename"].contains(r.action), let path = r.path else { continue }
                checkFile(p, path: path)
            default: continue
            }
            used += 1
            p.eventsSeen &+= 1
            p.sinceUnixNs = min(p.sinceUnixNs, r.tsUnixNs)
            if !novel.isEmpty {
                _ = learnAll(p, nowUnixNs: r.tsUnixNs)
                p.lastNewUnixNs = r.tsUnixNs
                p.dirty = true
            }
        }
        return used
    }
}

extension BaselineEngine {
    /// Worker, between events: carries out queued resets, publishes headers (about once a
    /// second), and ticks the state machine.
    public func service(mailbox: BaselineMailbox, nowUnixNs: Int64) {
        for name in mailbox.takeResets() { reset(profile: name) }
        tick(nowUnixNs: nowUnixNs)
        if nowUnixNs - lastPublishUnixNs >= 1_000_000_000 {
            lastPublishUnixNs = nowUnixNs
            mailbox.publish(profiles.values.map { row($0, nowUnixNs: nowUnixNs) })
        }
    }
}
