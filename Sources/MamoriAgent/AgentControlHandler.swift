import Foundation
import MamoriControl
import MamoriDetection
import MamoriEvents
import MamoriPrevention
import MamoriSensor
import MamoriStore

/// Answers the control socket for a running agent: status, levels (show, set, simulate),
/// isolation, quarantine, manual responses and reload.
///
/// Exists as the one translation between the wire DTOs of `MamoriControl` and the agent's
/// prevention state, so neither side knows the other's types. Called on control-socket
/// threads, possibly several at once: it only touches thread-safe parts (the
/// `PreventionController`, atomics, files, read-only store connections).
public final class AgentControlHandler: ControlHandler, Sendable {
    let agent: Agent
    private let version: String

    /// What `mamori reload` does to the configuration files before the rules, as SIGHUP does
    /// (`AgentServiceGroup.standardReload`): whether it changed and the keys that need a restart, every
    /// diagnostic (file:line:column) on failure. Nil: the rules only (tests, embedded agents).
    let configurationReload: (@Sendable () -> Result<ConfigurationReloadOutcome, ConfigurationReloadFailure>)?

    public init(agent: Agent, version: String,
                configurationReload: (@Sendable () -> Result<ConfigurationReloadOutcome, ConfigurationReloadFailure>)? = nil) {
        self.agent = agent
        self.version = version
        self.configurationReload = configurationReload
    }

    public func handle(_ request: ControlRequest, from peer: Peer) -> Result<ControlReply, ControlError> {
        guard agent.isStarted else { return .failure(ControlError(.unavailable, "the agent is still starting")) }
        let actor = Actor(uid: peer.uid, pid: peer.pid, comm: peer.comm)
        switch request {
        case .status: return .success(.status(status()))
        case .levelGet:
            guard let p = agent.prevention else { return .failure(Self.noPrevention) }
            return .success(.level(Self.levelDTO(p.levelState, policy: p.currentPolicy)))
        case .levelSet(let r): return setLevel(r, actor: actor)
        case .levelSimulate(let r): return simulate(r)
        case .isolate(let r):
            guard let p = agent.prevention else { return .failure(Self.noPrevention) }
            do {
                _ = try p.change { $0.setIsolation(r.on, by: actor, reason: r.reason, now: Date().timeIntervalSince1970) }
            } catch { return .failure(ControlError(.failed, "\(error)")) }
            let nets = p.currentPolicy.managementNetworks.map { "\($0)" }
            return .success(.isolation(IsolationState(isolated: r.on, allowedNetworks: ["loopback"] + nets)))
        case .quarantineList:
            return .success(.quarantineList(quarantine().list().map(Self.item)))
        case .quarantineAdd(let r):
            do {
                let e = try quarantine().quarantine(path: r.path, origin: "operator \(peer)" + (r.reason.map { ": \($0)" } ?? ""))
                return .success(.quarantined(Self.item(e)))
            } catch { return .failure(ControlError(.failed, "\(error)")) }
        case .quarantineRestore(let r):
            let q = quarantine()
            guard let e = q.list().first(where: { $0.id == r.id }) else {
                return .failure(ControlError(.badRequest, "no quarantined file with id \(r.id) (see `mamori quarantine list`)"))
            }
            do {
                let to = try q.restore(id: r.id, force: r.force)
                return .success(.restored(QuarantineRestored(item: Self.item(e), restoredTo: to)))
            } catch { return .failure(ControlError(.failed, "\(error)")) }
        case .response(let verb, let r): return respond(verb, r)
        case .reload:
            // The verdict is given here, before the reply: a rejected rule set is an error with
            // every file:line:column, not "reloaded" (issue 13 #11).
            // The configuration first (prevention policy, exporters' keys), as SIGHUP does: a bad
            // file keeps the running configuration and is reported, rules untouched.
            var outcome: ConfigurationReloadOutcome? = nil
            if let configurationReload {
                switch configurationReload() {
                case .failure(let f):
                    return .failure(ControlError(.failed, (["configuration reload rejected, the running configuration stays in force:"]
                                                           + f.diagnostics.map { "  \($0)" }).joined(separator: "\n")))
                case .success(let o): outcome = o
                }
            }
            switch Self.reloadVerdict(directory: agent.configuration.rulesDirectory) {
            case .failure(let e): return .failure(e)
            case .success(var result):
                if let outcome {
                    result.configChanged = outcome.changed
                    if !outcome.restartKeys.isEmpty {
                        result.warnings.append("changes to \(outcome.restartKeys.joined(separator: ", ")) apply after a restart")
                    }
                }
                agent.requestReload()
                return .success(.reloaded(result))
            }
        case .alertsFollow:
            return .success(.following(FollowStarted()))
        case .baselineReset(let r):
            return resetBaseline(r)
        }
    }

    /// A wire level selector (number or name/alias) as a level.
    static func level(_ s: LevelSelector) -> PreventionLevel? {
        switch s {
        case .number(let n): return PreventionLevel(n)
        case .name(let name): return PreventionLevel(parsing: name)
        }
    }

    static func unknownLevel(_ s: LevelSelector) -> ControlError {
        ControlError(.badRequest, "unknown level \(s): use 0-4 or monitor, known-bad, critical, high, lockdown")
    }

    /// A wire scope as a policy scope target (nil: the host).
    static func target(_ scope: ControlScope) -> PreventionPolicy.ScopeTarget? {
        switch scope {
        case .host: return nil
        case .unit(let u): return .unit(u)
        case .cgroup(let c): return .cgroup(c)
        }
    }

    static let noPrevention = ControlError(.unavailable, "prevention is disabled in this agent (started with --no-prevention)")

    private func quarantine() -> Quarantine {
        Quarantine(directory: agent.prevention?.currentPolicy.quarantineDirectory ?? PreventionPolicy().quarantineDirectory)
    }

    /// Loads the rules directory as a reload would: the rule count and warnings when the agent
    /// will take the new set, or a `failed` error naming each problem (file:line:column) when it
    /// keeps the running rules.
    static func reloadVerdict(directory: String) -> Result<ReloadResult, ControlError> {
        switch RuleBook.reload(directory: directory) {
        case .success(let report):
            let warnings = report.diagnostics.filter { $0.severity == .warning }.map(\.description)
            return .success(ReloadResult(rulesLoaded: report.ruleSet.rules.count, configChanged: false, warnings: warnings))
        case .failure(let error):
            var lines = ["rules reload rejected, the running rules stay active:"]
            if case .rules(_, let diagnostics) = error {
                lines += diagnostics.filter { $0.severity == .error }.map { "  \($0)" }
            } else {
                lines.append("  \(error)")
            }
            return .failure(ControlError(.failed, lines.joined(separator: "\n")))
        }
    }

    /// The longest `--for` accepted: a year. Longer (or near Int64.max) would overflow the
    /// persisted expiry and crash every later `status`.
    static let maxDurationSeconds: Int64 = 366 * 86_400

    /// `--for` checked before anything is changed or persisted.
    static func checkedDuration(_ seconds: Int64?) -> Result<Double?, ControlError> {
        guard let seconds else { return .success(nil) }
        guard seconds > 0, seconds <= maxDurationSeconds else {
            return .failure(ControlError(.badRequest, "--for must be between 1 second and \(maxDurationSeconds) seconds (a year); got \(seconds)"))
        }
        return .success(Double(seconds))
    }

    /// Seconds as Int64 without trapping (a state persisted by an older agent may hold anything).
    static func unixInt(_ d: Double) -> Int64 {
        guard d.isFinite else { return d > 0 ? .max : 0 }
        if d >= 9.0e18 { return .max }
        if d <= -9.0e18 { return .min }
        return Int64(d)
    }

    /// A pid from the wire, checked (negative, 0 and above pid_max's range are refused).
    static func checkedPid(_ pid: Int32) -> Result<UInt32, ControlError> {
        guard pid > 0, pid <= 4_194_304 else {
            return .failure(ControlError(.badRequest, "invalid pid \(pid): must be between 1 and 4194304"))
        }
        return .success(UInt32(pid))
    }

    private func setLevel(_ r: LevelSetRequest, actor: Actor) -> Result<ControlReply, ControlError> {
        guard let p = agent.prevention else { return .failure(Self.noPrevention) }
        guard let level = Self.level(r.level) else { return .failure(Self.unknownLevel(r.level)) }
        let now = Date().timeIntervalSince1970
        let duration: Double?
        switch Self.checkedDuration(r.forSeconds) {
        case .success(let d): duration = d
        case .failure(let e): return .failure(e)
        }
        let before = p.levelState
        let scope = r.scope ?? .host
        let target = Self.target(scope)
        do {
            if let target {
                _ = try p.change { $0.setScope(target, level: level, for: duration, by: actor, reason: r.reason, now: now) }
            } else {
                _ = try p.change { $0.setHostLevel(level, for: duration, by: actor, reason: r.reason, now: now) }
            }
        } catch { return .failure(ControlError(.failed, "\(error)")) }
        let previous = target.flatMap { t in before.scopes.first { $0.target == t }?.level } ?? before.hostLevel
        return .success(.levelChanged(LevelChange(scope: scope, previous: Int(previous.rawValue), previousName: previous.name,
                                                  level: Int(level.rawValue), levelName: level.name,
                                                  expiresAt: duration.map { Self.unixInt(now + $0) })))
    }

    private func simulate(_ r: SimulateRequest) -> Result<ControlReply, ControlError> {
        guard let p = agent.prevention else { return .failure(Self.noPrevention) }
        guard let db = agent.configuration.databasePath else {
            return .failure(ControlError(.unavailable, "simulate replays the store, and this agent runs without one"))
        }
        guard let level = Self.level(r.level) else { return .failure(Self.unknownLevel(r.level)) }
        do {
            let store = try EventStore(path: db, mode: .readOnly)
            let rules = agent.ruleIndex
            let sim = Simulator(policy: p.currentPolicy, state: p.levelState, cgroups: CgroupDirectory(),
                                hashInodes: p.hashInodes, agentPid: UInt32(getpid()), rule: { rules[$0] })
            let report = try sim.simulate(level: level, sinceUnixNs: r.sinceUnixNs, store: store,
                                          scope: Self.target(r.scope ?? .host))
            return .success(.simulation(Self.simulationDTO(report)))
        } catch { return .failure(ControlError(.failed, "simulate: \(error)")) }
    }

    private func respond(_ verb: ResponseVerb, _ r: ResponseRequest) -> Result<ControlReply, ControlError> {
        if case .pid(let pid) = r.target, case .failure(let e) = Self.checkedPid(pid) { return .failure(e) }
        let policy = agent.prevention?.currentPolicy ?? PreventionPolicy()
        let responder = Responder(protection: ProtectionList(policy.protected, agentPid: UInt32(getpid())))
        guard let freezer = CgroupFreezer(responder: responder) else {
            if verb != .kill { return .failure(ControlError(.unavailable, "no cgroup v2 mount: freeze/thaw unavailable")) }
            return killPid(r, responder: responder)
        }
        switch (verb, r.target) {
        case (.kill, .pid): return killPid(r, responder: responder)
        case (.kill, .incident(let id)):
            do {
                let result = try freezer.killFrozen(incidentId: id)
                try? freezer.remove(incidentId: id)
                return .success(.response(ResponseOutcome(verb: verb, target: r.target, affectedPids: [Int32(result.pid)],
                                                          cgroup: freezer.directory(for: id), message: result.description)))
            } catch { return .failure(ControlError(.failed, "\(error)")) }
        case (.freeze, .pid(let pid)):
            guard let live = ProcInspector.live(UInt32(pid)) else { return .failure(ControlError(.badRequest, "no process \(pid)")) }
            let id = "manual-\(pid)"
            do {
                let g = try freezer.freeze(ProcessKey(pid: live.pid, startTicks: live.startTicks), incidentId: id)
                return .success(.response(ResponseOutcome(verb: verb, target: r.target, affectedPids: g.results.map { Int32($0.pid) },
                                                          cgroup: g.cgroupDirectory, message: "frozen as incident \(id)")))
            } catch { return .failure(ControlError(.failed, "\(error)")) }
        case (.freeze, .incident(let id)):
            return .failure(ControlError(.badRequest, "freeze an incident's lineage with --pid <root pid>; incident \(id) is frozen automatically by rules whose response is freeze"))
        case (.thaw, let target):
            let id: String
            switch target { case .incident(let i): id = i; case .pid(let p): id = "manual-\(p)" }
            do {
                let members = freezer.members(incidentId: id)
                try freezer.thaw(incidentId: id)
                return .success(.response(ResponseOutcome(verb: verb, target: r.target, affectedPids: members.map { Int32($0) },
                                                          cgroup: freezer.directory(for: id), message: "thawed")))
            } catch { return .failure(ControlError(.failed, "\(error)")) }
        }
    }

    private func killPid(_ r: ResponseRequest, responder: Responder) -> Result<ControlReply, ControlError> {
        guard case .pid(let pid) = r.target else { return .failure(ControlError(.badRequest, "kill needs --pid or a frozen incident")) }
        guard let live = ProcInspector.live(UInt32(pid)) else { return .failure(ControlError(.badRequest, "no process \(pid)")) }
        let result = responder.kill(ProcessKey(pid: live.pid, startTicks: live.startTicks))
        guard result.isDone else { return .failure(ControlError(.failed, result.description)) }
        return .success(.response(ResponseOutcome(verb: .kill, target: r.target, affectedPids: [pid], message: result.description)))
    }

    private func status() -> StatusReport {
        let p = agent.prevention
        let stats = agent.liveStats
        var degraded: [String] = []
        if let skipped = agent.session?.program.skipped, !skipped.isEmpty {
            degraded.append("\(skipped.count) hooks unavailable on this kernel: " + skipped.prefix(6).map { "\($0.program)" }.joined(separator: ", "))
        }
        if p == nil { degraded.append("prevention disabled: detection only") }
        if p?.mechanism == "signalAtExec" || p?.mechanism == "signal-at-exec" {
            degraded.append("no BPF LSM: exec denial is SIGKILL at exec; protected files are detected, not blocked")
        }
        if p?.isEnforcementOff == true { degraded.append("circuit breaker open: prevention reports only") }
        let storeSize = agent.configuration.databasePath.flatMap { path -> Int64? in
            var st = stat()
            return stat(path, &st) == 0 ? Int64(st.st_size) : nil
        } ?? 0
        let level = p.map { Self.levelDTO($0.levelState, policy: $0.currentPolicy) } ?? LevelState(level: 0, levelName: "monitor")
        return StatusReport(version: version, uptimeSeconds: Int64(Date().timeIntervalSince(agent.startedAt)), pid: getpid(),
                            capabilities: (agent.session?.program.attached.count).map { ["\($0) hooks attached"] } ?? [],
                            preventionMechanism: p?.mechanism ?? "none", level: level,
                            isolated: p?.levelState.isolated ?? false, rulesLoaded: agent.rulesLoaded,
                            eventsPerSecond: stats.eventsPerSecond, kernelDrops: stats.kernelDrops,
                            queueDrops: stats.queueDrops, queueDepth: stats.queueDepth,
                            storePath: agent.configuration.databasePath, storeSizeBytes: storeSize,
                            alertCount: Int(stats.alerts), lastAlert: agent.lastAlert, degraded: degraded)
    }

    static func levelDTO(_ s: MamoriPrevention.LevelState, policy: PreventionPolicy) -> MamoriControl.LevelState {
        let view = LevelView(policy: policy, state: s)
        let overrides = view.scopes.sorted { "\($0.key)" < "\($1.key)" }.map { target, level -> ScopeOverride in
            let live = s.scopes.first { $0.target == target }
            let scope: ControlScope
            switch target { case .unit(let u): scope = .unit(u); case .cgroup(let c): scope = .cgroup(c) }
            return ScopeOverride(scope: scope, level: Int(level.rawValue), levelName: level.name,
                                 expiresAt: live?.revert.map { Self.unixInt($0.atUnix) }, reason: live?.reason)
        }
        let temporary = s.hostRevert.map {
            TemporaryRaise(expiresAt: Self.unixInt($0.atUnix), revertTo: Int(($0.level ?? .monitor).rawValue),
                           revertToName: ($0.level ?? .monitor).name)
        }
        let ladder = PreventionLevel.all.map { LevelStep(number: Int($0.rawValue), name: $0.name, enables: policy.ladder.describe($0)) }
        return MamoriControl.LevelState(level: Int(s.hostLevel.rawValue), levelName: s.hostLevel.name, overrides: overrides,
                                        temporary: temporary, ladder: ladder)
    }

    static func item(_ e: Quarantine.Entry) -> QuarantineItem {
        QuarantineItem(id: e.id, originalPath: e.originalPath, quarantinedAtUnix: Int64(e.quarantinedAtUnix),
                       sha256: e.sha256, sizeBytes: e.size, origin: e.origin)
    }

    static func simulationDTO(_ r: MamoriPrevention.SimulationReport) -> MamoriControl.SimulationReport {
        var byRule: [SimulationEntry] = [], byExe: [SimulationEntry] = [], byDest: [SimulationEntry] = []
        for f in r.findings {
            let e = SimulationEntry(key: f.what, count: f.count, action: f.action, exampleLineage: f.exampleLineage)
            switch f.kind {
            case .rule: byRule.append(e)
            case .exec: byExe.append(SimulationEntry(key: f.executable, count: f.count, action: "\(f.action) (\(f.what))",
                                                      exampleLineage: f.exampleLineage))
            case .egress: byDest.append(e)
            }
        }
        return MamoriControl.SimulationReport(
            level: Int(r.level.rawValue), levelName: r.level.name, sinceUnixNs: r.sinceUnixNs,
            untilUnixNs: Int64(Date().timeIntervalSince1970 * 1e9),
            eventsReplayed: r.alertsConsidered + r.execsConsidered + r.connectsConsidered,
            byRule: byRule, byExecutable: byExe, byDestination: byDest)
    }
}

/// What a configuration re-read by `mamori reload` changed.
public struct ConfigurationReloadOutcome: Sendable {
    public var changed: Bool
    public var restartKeys: [String]
    public init(changed: Bool, restartKeys: [String]) { self.changed = changed; self.restartKeys = restartKeys }
}

/// Why `mamori reload` kept the running configuration: the loader's diagnostics as text.
public struct ConfigurationReloadFailure: Error, Sendable {
    public var diagnostics: [String]
    public init(diagnostics: [String]) { self.diagnostics = diagnostics }
}
