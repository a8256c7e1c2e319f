import MamoriText
import MamoriDetection
import MamoriStore
import MamoriPolicy

/// What a level would have done to recorded activity, grouped for `mamori level simulate`.
///
/// An immutable value; any thread.
public struct SimulationReport: Sendable, Equatable, Codable {
    /// Which mechanism would have acted.
    public enum Kind: String, Sendable, Equatable, Codable {
        /// A rule's response (kill, kill-tree, freeze).
        case rule
        /// The in-kernel exec deny lists.
        case exec
        /// The in-kernel egress lists.
        case egress
    }

    /// One (kind, what matched, executable) group.
    public struct Finding: Sendable, Equatable, Codable {
        public var kind: Kind
        /// Rule id, or the policy entry ("exec_deny[0] path /usr/bin/nc", "temp dir /tmp").
        public var what: String
        /// kill / kill-tree / freeze / block / kill-at-exec.
        public var action: String
        public var executable: String
        public var count: Int
        /// Executables from the incident root down to the acting process, for the first case.
        public var exampleLineage: [String]
        /// Wall clock of the first case (unix ns).
        public var firstSeenUnixNs: Int64
    }

    public var level: PreventionLevel
    public var sinceUnixNs: Int64
    public var findings: [Finding] = []
    public var alertsConsidered = 0
    public var execsConsidered = 0
    public var connectsConsidered = 0
    /// Cases skipped (executable gone, process unknown), one line per reason with a count.
    public var notes: [String] = []
}

/// Replays stored history against a level: which alerts' rules would have acted, which execs
/// and connects the kernel lists would have killed or blocked.
///
/// Exists so an operator can see the next step's effect on their own traffic before taking
/// it. It calls the very functions the live path uses — `ResponseDecision.decide` for rules
/// and `KernelPolicyMatcher` over a `PolicyCompiler` output for the kernel lists — so what it
/// predicts is what the level does. Use on the thread that owns `store`.
public struct Simulator {
    public var policy: PreventionPolicy
    public var state: LevelState
    public var cgroups: any CgroupLocating
    public var inodes: any InodeResolving
    public var hashInodes: [String: [KernelPolicy.Inode]]
    /// The current definition of a rule (from the loaded rule set); nil falls back to what the
    /// alert row recorded (severity and response).
    public var rule: (String) -> RuleMetadata?
    public var agentPid: UInt32

    public init(policy: PreventionPolicy, state: LevelState, cgroups: any CgroupLocating,
                inodes: any InodeResolving = FilesystemInodes(), hashInodes: [String: [KernelPolicy.Inode]] = [:],
                agentPid: UInt32, rule: @escaping (String) -> RuleMetadata?) {
        self.policy = policy; self.state = state; self.cgroups = cgroups; self.inodes = inodes
        self.hashInodes = hashInodes; self.agentPid = agentPid; self.rule = rule
    }

    /// Simulates `level` as the host level (scope overrides kept) over history since `sinceUnixNs`;
    /// with `scope`, simulates `level` for that unit or cgroup only (host level unchanged).
    public func simulate(level: PreventionLevel, sinceUnixNs: Int64, store: EventStore,
                         scope: PreventionPolicy.ScopeTarget? = nil,
                         limit: Int = 200_000) throws -> SimulationReport {
        var report = SimulationReport(level: level, sinceUnixNs: sinceUnixNs)
        var hypothetical = state
        if let scope {
            _ = hypothetical.setScope(scope, level: level, by: .agent, reason: "simulate", now: 0)
        } else {
            hypothetical.hostLevel = level
            hypothetical.hostRevert = nil
        }
        var groups: [String: Int] = [:]
        var notes: [String: Int] = [:]
        func add(_ f: SimulationReport.Finding) {
            let key = "\(f.kind.rawValue)\u{1}\(f.what)\u{1}\(f.executable)"
            if let i = groups[key] { report.findings[i].count += 1; return }
            groups[key] = report.findings.count
            report.findings.append(f)
        }

        // Rules.
        let view = LevelView(policy: policy, state: hypothetical)
        let protection = ProtectionList(policy.protected, agentPid: agentPid)
        for alert in try store.alerts(filter: AlertFilter(since: sinceUnixNs, limit: limit, order: .oldestFirst)) {
            report.alertsConsidered += 1
            let meta = rule(alert.ruleId) ?? Simulator.metadata(from: alert)
            guard let entity = alert.entityId, let row = try store.process(entityId: entity) else {
                notes["alerts without a stored process", default: 0] += 1
                continue
            }
            let ancestry = try store.ancestors(of: entity).sorted { $0.depth < $1.depth }.map { Simulator.subject($0.process) }
            let d = ResponseDecision.decide(rule: meta, subject: Simulator.subject(row), ancestry: ancestry,
                                            levels: view, ladder: policy.ladder, protection: protection)
            guard d.verdict == .act else { continue }
            let lineage = (ancestry.reversed() + [Simulator.subject(row)]).map(\.executable)
            add(.init(kind: .rule, what: meta.id, action: meta.response.rawValue, executable: row.executable ?? "?",
                      count: 1, exampleLineage: lineage, firstSeenUnixNs: alert.firstSeen))
        }

        // Kernel lists.
        let compiled = PolicyCompiler.compile(policy, .init(state: hypothetical, cgroups: cgroups, inodes: inodes,
                                                            hashInodes: hashInodes))
        let matcher = KernelPolicyMatcher(compiled.kernel)
        let unitPaths = cgroups.unitPaths()
        func chain(_ unit: String?) -> [UInt64] {
            if let unit, let path = unitPaths[unit]?.first { return cgroups.chain(path: path) }
            return cgroups.chain(path: "/")
        }
        for e in try store.events(filter: EventFilter(since: sinceUnixNs, kinds: [.exec, .network], limit: limit)) {
            if e.kind == "exec" {
                report.execsConsidered += 1
                guard let exe = e.executable ?? e.path, let ino = inodes.inode(of: exe) else {
                    notes["execs whose executable no longer exists", default: 0] += 1
                    continue
                }
                let dirs = FileIdentity.directoryInodes(of: exe, using: inodes)
                guard let v = matcher.exec(executable: ino, directories: dirs, cgroupChain: chain(e.unit)), v.enforced else { continue }
                add(.init(kind: .exec, what: compiled.kernel.describe(v, compiled.entries), action: "kill-at-exec",
                          executable: exe, count: 1, exampleLineage: [exe], firstSeenUnixNs: e.tsUnixNs))
            } else if e.action == "connect" || e.action == "send" {
                report.connectsConsidered += 1
                guard let ip = e.dstIP, let addr = CIDR.parseAddress(ip), let port = e.dstPort else { continue }
                let proto: UInt8 = e.transport == "udp" ? 17 : e.transport == "tcp" ? 6 : 0
                let tag = e.executable.flatMap { inodes.inode(of: $0) }.map { matcher.tag(of: $0) } ?? 0
                guard let v = matcher.connect(address: addr, port: port, ipProtocol: proto, cgroupChain: chain(e.unit),
                                              tag: tag), v.enforced else { continue }
                add(.init(kind: .egress, what: "\(compiled.kernel.describe(v, compiled.entries)) \(ip):\(port)/\(e.transport ?? "?")",
                          action: "block", executable: e.executable ?? "?", count: 1,
                          exampleLineage: [e.executable ?? "?"], firstSeenUnixNs: e.tsUnixNs))
            }
        }
        report.notes = notes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        report.findings.sort { ($0.kind.rawValue, -$0.count, $0.what) < ($1.kind.rawValue, -$1.count, $1.what) }
        return report
    }

    static func subject(_ p: ProcessRow) -> DecisionSubject {
        let exe = p.executable ?? ""
        let comm = String((exe.split(separator: "/").last ?? "").prefix(15))
        return DecisionSubject(pid: p.pid, executable: exe, comm: comm, unit: p.unit)
    }

    /// Rule metadata rebuilt from an alert row when the rule is no longer loaded.
    static func metadata(from a: AlertRow) -> RuleMetadata {
        RuleMetadata(id: a.ruleId, title: a.ruleName, level: RuleLevel(rawValue: a.severity) ?? .medium,
                     categories: [], response: a.response.flatMap(ResponseAction.init(rawValue:)) ?? .none,
                     source: "store")
    }
}

extension KernelPolicy {
    /// "why: entry" text for a verdict.
    func describe(_ v: KernelVerdict, _ entries: [UInt32: String]) -> String {
        let why: String
        switch v.reason {
        case .execDenylist: why = "exec denylist"
        case .execDirectory: why = "exec from denied directory"
        case .daemonShell: why = "daemon spawned a shell"
        case .egressDeny: why = "egress denied"
        case .egressAllowlist: why = "not on the unit's egress allowlist"
        case .isolated: why = "host isolated"
        case .protectedFile: why = "protected file"
        }
        return entries[v.policyId].map { "\(why): \($0)" } ?? why
    }
}
