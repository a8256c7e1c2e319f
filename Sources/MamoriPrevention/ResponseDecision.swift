#if canImport(Glibc)
import Glibc
#endif
import MamoriDetection
import MamoriProcess

/// The facts about a process a response decision needs, from a live `ProcessRecord` or from a
/// stored `ProcessRow` (the simulator), so both paths run the same decision.
///
/// An immutable value; any thread.
public struct DecisionSubject: Sendable, Equatable, Codable {
    public var pid: UInt32
    public var executable: String
    /// Informational only: never used for protection (any process can call itself anything).
    public var comm: String
    public var unit: String?
    /// Relative to the cgroup v2 mount, when known.
    public var cgroupPath: String?
    /// dev/inode of the running executable, when known (the responder reads it from /proc).
    public var exeIdentity: FileIdentityKey?

    public init(pid: UInt32, executable: String, comm: String, unit: String?, cgroupPath: String? = nil,
                exeIdentity: FileIdentityKey? = nil) {
        self.pid = pid; self.executable = executable; self.comm = comm; self.unit = unit; self.cgroupPath = cgroupPath
        self.exeIdentity = exeIdentity
    }

    public init(_ record: ProcessRecord, cgroupPath: String? = nil) {
        self.init(pid: record.pid, executable: record.executable, comm: record.comm, unit: record.unit,
                  cgroupPath: cgroupPath)
    }
}

/// dev/inode of a file: the identity of an executable that a name, symlink or bind mount
/// cannot fake.
public struct FileIdentityKey: Sendable, Hashable, Codable {
    public var dev: UInt64
    public var ino: UInt64
    public init(dev: UInt64, ino: UInt64) { self.dev = dev; self.ino = ino }
    /// stat(2) of `path` (following symlinks), or nil when it cannot be read.
    public init?(statOf path: String) {
        guard let (d, i) = statIdentity(path) else { return nil }
        dev = d; ino = i
    }
}

/// (st_dev, st_ino) of `path`, following symlinks.
private func statIdentity(_ path: String) -> (UInt64, UInt64)? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return (UInt64(st.st_dev), UInt64(st.st_ino))
}

/// Processes no action may touch: pid 1, kernel threads, the agent, the policy's protected list.
///
/// Protection is by executable identity (resolved path, and dev/inode when the subject's is
/// known), systemd unit and pid; never by comm or argv[0], which any process can set (a
/// payload exec'd through a symlink named `sshd`, or prctl(PR_SET_NAME)). The policy's
/// `comms` list is accepted for compatibility and ignored.
///
/// Exists so the decision, the responder and the simulator share one definition. Immutable; any thread.
public struct ProtectionList: Sendable, Equatable {
    public var executables: Set<String>
    /// dev/inode of each protected executable that exists on this host (read at construction).
    public var executableIdentities: Set<FileIdentityKey>
    public var units: Set<String>
    /// The agent's own pid.
    public var agentPid: UInt32

    public init(_ p: PreventionPolicy.ProtectedProcesses, agentPid: UInt32) {
        executables = Set(p.executables); units = Set(p.units); self.agentPid = agentPid
        executableIdentities = Set(p.executables.compactMap { FileIdentityKey(statOf: $0) })
    }

    /// Whether `s` runs a protected executable: with the subject's dev/inode known, that inode
    /// must be one of the protected files' (a same-named copy or bind mount is not); otherwise
    /// the resolved path must be listed.
    func runsProtectedExecutable(_ s: DecisionSubject) -> Bool {
        if let id = s.exeIdentity, executables.contains(s.executable) || executableIdentities.contains(id) {
            return executableIdentities.contains(id)
        }
        return s.exeIdentity == nil && executables.contains(s.executable)
    }

    /// Why `subject` must not be acted on, or nil when it may be.
    public func refusal(_ s: DecisionSubject) -> String? {
        if s.pid <= 1 { return "pid \(s.pid) is init (or the idle task)" }
        if s.pid == 2 { return "pid 2 is kthreadd" }
        if s.pid == agentPid { return "pid \(s.pid) is the agent itself" }
        if runsProtectedExecutable(s) { return "\(s.executable) is a protected executable" }
        if let u = s.unit, units.contains(u) { return "unit \(u) is protected" }
        return nil
    }
}

/// What the prevention layer does about one rule hit: act now, would act at a higher level, or
/// never — with the reason in words.
///
/// Exists so the live pipeline and `Simulator` run the *same* function (`decide`): what
/// simulate predicts is what the level then does. An immutable value; any thread.
public struct ResponseDecision: Sendable, Equatable {
    /// The outcome of a decision.
    public enum Verdict: Sendable, Equatable {
        /// Carry out `action` on `target` now.
        case act
        /// Would act from `level` on.
        case wouldAct(at: PreventionLevel)
        /// Never acts (response none, rule never acts at any level, protected target).
        case never
    }

    public var verdict: Verdict
    public var action: ResponseAction
    /// The process to act on: the subject, or for kill-tree the highest actable ancestor of the
    /// given ancestry (the incident root, as far as the chain allows).
    public var target: DecisionSubject?
    public var effectiveLevel: PreventionLevel
    public var requiredLevel: PreventionLevel?
    public var reason: String

    /// Decides for `rule` firing on `subject`; `ancestry` is the lineage from the parent up to
    /// the incident root (nearest first), `levels` gives the subject's effective level.
    /// `enforcementOff` (circuit breaker open) turns every `act` into `wouldAct` at the same level.
    public static func decide(rule: RuleMetadata, subject: DecisionSubject, ancestry: [DecisionSubject],
                              levels: LevelView, ladder: LevelLadder, protection: ProtectionList,
                              enforcementOff: Bool = false) -> ResponseDecision {
        let level = levels.effectiveLevel(cgroupPath: subject.cgroupPath, unit: subject.unit)
        var d = ResponseDecision(verdict: .never, action: rule.response, target: nil, effectiveLevel: level,
                                 requiredLevel: nil, reason: "")
        guard rule.response != .none else {
            d.reason = "rule \(rule.id) has response none"
            return d
        }
        guard let required = ladder.actingLevel(of: rule) else {
            d.reason = "rule \(rule.id) (\(rule.level.rawValue), \(rule.confidence.rawValue) confidence) acts at no level"
            return d
        }
        d.requiredLevel = required
        if let refusal = protection.refusal(subject) {
            d.reason = "protected: \(refusal)"
            return d
        }
        var target = subject
        if rule.response == .killTree || rule.response == .freeze {
            target = Self.treeRoot(of: subject, ancestry: ancestry, protection: protection)
        }
        d.target = target
        guard level >= required else {
            d.verdict = .wouldAct(at: required)
            d.reason = "level \(level.rawValue) < \(required.rawValue) needed by rule \(rule.id)"
            return d
        }
        if enforcementOff {
            d.verdict = .wouldAct(at: required)
            d.reason = "circuit breaker open: alert only"
            return d
        }
        d.verdict = .act
        d.reason = "level \(level.rawValue) >= \(required.rawValue): \(rule.response.rawValue) pid \(target.pid) (\(target.executable))"
        return d
    }

    /// Where a kill-tree or freeze starts: climb the ancestry (parent first) to the incident's
    /// root, but stay inside the blast radius an incident can justify. Stop below the first
    /// ancestor that is protected, that lives in another unit or cgroup than the subject (a web
    /// shell's tree never reaches into another service), or that is a service's main process
    /// (its parent is pid 1, or unknown because the ancestry is cut): a hit under nginx kills
    /// the worker's children, never the nginx master and with it the whole site.
    static func treeRoot(of subject: DecisionSubject, ancestry: [DecisionSubject],
                         protection: ProtectionList) -> DecisionSubject {
        var target = subject
        for (i, ancestor) in ancestry.enumerated() {
            guard ancestor.pid > 1, protection.refusal(ancestor) == nil else { break }
            guard ancestor.unit == subject.unit else { break }
            if let a = ancestor.cgroupPath, let s = subject.cgroupPath, a != s { break }
            let parentPid = i + 1 < ancestry.count ? ancestry[i + 1].pid : nil
            guard let parentPid, parentPid > 1 else { break }
            target = ancestor
        }
        return target
    }
}
