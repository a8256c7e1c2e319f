import Foundation
import MamoriPrevention
import MamoriSensor
import MamoriStore
import MamoriPolicy

/// The agent's single owner of prevention state: the operator's policy, the level state
/// (persisted in state.json), the circuit breaker's verdict and what the kernel enforces.
///
/// Exists so that every change — a CLI `level set`, a timed revert, a canary rollback, the
/// breaker tripping, a new hash match — goes through one path: change the state, compile the
/// policy, write the kernel maps (deny sets first, the level last, inside `PolicyMaps.apply`),
/// persist, audit, and publish a new snapshot for the pipeline worker (an immutable value
/// picked up when `generation` moves). A failed compile/apply keeps the previous state in
/// force and says why. Thread-safe: control-socket threads and the worker call it.
public final class PreventionController: @unchecked Sendable {
    // SAFETY: every mutable property is read and written with `lock` held.
    private let lock = NSLock()
    private var policy: PreventionPolicy
    private var state: LevelState
    private var enforcementOff = false
    private var generationValue: UInt64 = 1
    private var notices: [Notice] = []
    /// Host-level raises since the worker last looked (the canary starts on each).
    private var raises: [PreventionLevel?] = []
    private var lastNotesValue: [String] = []
    private var lastKernelValue = KernelPolicy()
    private let hashes: HashDenylist
    /// Hash cache of `observeExec`; used only by the exec-hash thread, never under `lock`.
    private let execHasher = ExecutableHasher()
    private let levelStore: LevelStore
    private let maps: PolicyMaps?
    private let agentCgroupPath: String?
    private let log: (String) -> Void

    /// Something operators must see in the alert stream: an audited change or a guardrail.
    public enum Notice: Sendable {
        case audit(AuditRecord)
        case guardrail(GuardrailEvent)
        /// Protection is reduced on this host (a hook or enforcement path unavailable).
        case degraded(String)
    }

    /// Queues a "protection reduced" notice (raised as an alert by the worker).
    public func reportDegraded(_ what: String) { enqueue(.degraded(what)) }

    /// How the kernel enforces exec denial here ("lsm", "signal-at-exec") or "none" (no sensor).
    public let mechanism: String

    public init(policy: PreventionPolicy, levelStore: LevelStore, maps: PolicyMaps?,
                agentCgroupPath: String?, log: @escaping (String) -> Void) {
        self.policy = policy
        self.levelStore = levelStore
        self.maps = maps
        self.agentCgroupPath = agentCgroupPath
        self.log = log
        self.hashes = HashDenylist(policy: policy)
        mechanism = maps.map { "\($0.mechanism)" } ?? "none"
        let loaded = levelStore.load()
        if let problem = loaded.problem { log("prevention: \(problem)") }
        state = loaded.state
    }

    /// Compiles and applies the persisted state at start. Returns the compiler's notes.
    @discardableResult
    public func start() throws -> [String] {
        lock.lock(); defer { lock.unlock() }
        try applyLocked(state: state, enforcementOff: enforcementOff)
        return lastNotesValue
    }

    /// Moves whenever the snapshot changes; the worker compares it per batch.
    public var generation: UInt64 { lock.lock(); defer { lock.unlock() }; return generationValue }

    /// The policy and levels the worker decides rule responses with.
    public func snapshot() -> (generation: UInt64, snapshot: PreventionEngine.Snapshot) {
        lock.lock(); defer { lock.unlock() }
        return (generationValue, PreventionEngine.Snapshot(policy: policy, state: state))
    }

    public var levelState: LevelState { lock.lock(); defer { lock.unlock() }; return state }
    public var currentPolicy: PreventionPolicy { lock.lock(); defer { lock.unlock() }; return policy }
    public var notes: [String] { lock.lock(); defer { lock.unlock() }; return lastNotesValue }
    public var kernelPolicy: KernelPolicy { lock.lock(); defer { lock.unlock() }; return lastKernelValue }
    public var hashInodes: [String: [KernelPolicy.Inode]] { lock.lock(); defer { lock.unlock() }; return hashes.hashInodes }
    public var isEnforcementOff: Bool { lock.lock(); defer { lock.unlock() }; return enforcementOff }

    /// Applies a state change: compile + kernel apply first, then persist and audit. On failure
    /// nothing changes and the error says why.
    public func change(_ body: (inout LevelState) -> AuditRecord) throws -> AuditRecord {
        lock.lock(); defer { lock.unlock() }
        var next = state
        let record = body(&next)
        try applyLocked(state: next, enforcementOff: enforcementOff)
        let raisedFrom = next.hostLevel > state.hostLevel ? state.hostLevel : nil
        state = next
        persistLocked()
        notices.append(.audit(record))
        raises.append(raisedFrom)
        return record
    }

    /// Reverts of timed raises that are due. Called by the worker about once a second.
    public func tick(now: Double) {
        lock.lock(); defer { lock.unlock() }
        var next = state
        let records = next.tick(now: now)
        guard !records.isEmpty else { return }
        do {
            try applyLocked(state: next, enforcementOff: enforcementOff)
            state = next
            persistLocked()
            notices += records.map { .audit($0) }
        } catch {
            log("prevention: timed revert could not be applied, previous level stays: \(error)")
        }
    }

    /// A guardrail event to alert on (critical). Guardrails never change the kernel policy or a level.
    public func guardrailNotice(_ event: GuardrailEvent) { enqueue(.guardrail(event)) }

    private func enqueue(_ n: Notice) { lock.lock(); notices.append(n); lock.unlock() }

    /// Whether the policy denies any sha256 (exec events need hashing at all).
    public var wantsExecHashes: Bool {
        lock.lock(); defer { lock.unlock() }
        return !hashes.isEmpty
    }

    /// Hashes a newly exec'd executable; a denylisted hash adds its inode to the kernel lists.
    /// The hashing (up to 512 MiB) runs without the lock, so the control socket never waits
    /// for it; call from one thread only (`ExecHashWorker`), which alone owns `execHasher`.
    public func observeExec(path: String) {
        guard wantsExecHashes, let (version, sha) = execHasher.hash(path: path) else { return }
        lock.lock(); defer { lock.unlock() }
        guard hashes.record(sha: sha, version: version) else { return }
        do {
            try applyLocked(state: state, enforcementOff: enforcementOff)
            log("prevention: \(path) matches a denied sha256; its inode is now denied in the kernel")
        } catch {
            log("prevention: could not add the denied hash's inode: \(error)")
        }
    }

    /// Replaces the policy (configuration reload); a policy the kernel refuses is not taken.
    public func replacePolicy(_ new: PreventionPolicy) throws {
        lock.lock(); defer { lock.unlock() }
        let old = policy
        policy = new
        hashes.update(policy: new)
        do {
            try applyLocked(state: state, enforcementOff: enforcementOff)
        } catch {
            policy = old
            hashes.update(policy: old)
            throw error
        }
    }

    /// Notices (audits, guardrails) and host raises not yet handed to the worker.
    public func drain() -> (notices: [Notice], raises: [PreventionLevel?]) {
        lock.lock(); defer { lock.unlock() }
        defer { notices.removeAll(); raises.removeAll() }
        return (notices, raises)
    }

    /// Compile `state` and write it to the kernel; bump the generation. Lock held.
    private func applyLocked(state: LevelState, enforcementOff: Bool) throws {
        let out = PolicyCompiler.compile(policy, .init(state: state, cgroups: CgroupDirectory(),
                                                        hashInodes: hashes.hashInodes, enforcementOff: enforcementOff,
                                                        agentCgroupPath: agentCgroupPath))
        if let maps {
            do { try maps.apply(out.kernel) } catch { throw PreventionApplyError(message: "\(error)") }
        }
        lastKernelValue = out.kernel
        lastNotesValue = out.notes
        generationValue &+= 1
    }

    private func persistLocked() {
        do { try levelStore.save(state) } catch {
            log("prevention: could not persist the level to \(levelStore.path): \(error) (it applies until restart)")
            return
        }
        // The save is atomic (write + rename): state.json is a new inode each time. The kernel
        // protects files by inode, so re-protect the new one at once or the file is open to
        // tampering from the first save on.
        if policy.protectedFiles.contains(levelStore.path) {
            do { try applyLocked(state: state, enforcementOff: enforcementOff) } catch {
                log("prevention: could not re-protect \(levelStore.path) after saving it: \(error)")
            }
        }
    }
}

/// The kernel refused a compiled policy; the previous one stays in force.
public struct PreventionApplyError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { "the kernel policy could not be applied (previous policy kept): \(message)" }
}
