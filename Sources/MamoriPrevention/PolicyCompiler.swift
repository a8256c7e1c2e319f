import MamoriPolicy

/// Compiles (policy, level state, cgroup ids, inodes) into the `KernelPolicy` that
/// `PolicyMaps.apply` writes into the BPF maps.
///
/// Exists so the kernel only looks things up: levels become `minLevel`s, units become cgroup
/// ids, paths and hashes become inodes, egress rules become LPM entries with policy ids. What
/// cannot be resolved (a unit not running, a missing file) is reported in `notes`, never fatal.
/// Deterministic (same inputs → same output, ids in order) so it can be tested exactly.
/// Stateless; any thread.
public enum PolicyCompiler {
    /// The compiled policy plus what a person needs to read action records and problems.
    public struct Output: Sendable, Equatable {
        public var kernel = KernelPolicy()
        /// What each `policyId` stands for ("exec_deny[0] /usr/bin/nc", "temp dir /tmp").
        public var entries: [UInt32: String] = [:]
        /// Unresolved or conflicting entries, one line each.
        public var notes: [String] = []
    }

    /// Everything outside the policy that compilation depends on.
    public struct Inputs {
        public var state: LevelState
        public var cgroups: any CgroupLocating
        public var inodes: any InodeResolving
        /// sha256 (lower-case hex) → inodes of executables found to have it (`ExecutableHasher`).
        public var hashInodes: [String: [KernelPolicy.Inode]]
        /// Circuit breaker open: report, never enforce.
        public var enforcementOff: Bool
        /// The agent's own cgroup path (made a protected scope), if known.
        public var agentCgroupPath: String?

        public init(state: LevelState, cgroups: any CgroupLocating, inodes: any InodeResolving = FilesystemInodes(),
                    hashInodes: [String: [KernelPolicy.Inode]] = [:], enforcementOff: Bool = false,
                    agentCgroupPath: String? = nil) {
            self.state = state; self.cgroups = cgroups; self.inodes = inodes; self.hashInodes = hashInodes
            self.enforcementOff = enforcementOff; self.agentCgroupPath = agentCgroupPath
        }
    }

    /// Units whose egress is never restricted: management SSH always stays open.
    public static let sshUnits: Set<String> = ["ssh.service", "sshd.service"]

    public static func compile(_ policy: PreventionPolicy, _ inputs: Inputs) -> Output {
        var b = Builder(policy: policy, inputs: inputs)
        b.out.kernel.hostLevel = inputs.state.hostLevel.rawValue
        b.out.kernel.enforcementOff = inputs.enforcementOff
        b.compileExec()
        b.compileScopes()
        b.compileEgress()
        b.compileProtectedFiles()
        return b.out
    }

    /// Whether a unit name matches a `daemon_units` pattern (`*` any run, `?` one character).
    public static func glob(_ pattern: String, matches name: String) -> Bool {
        let p = Array(pattern.utf8), s = Array(name.utf8)
        var pi = 0, si = 0, star = -1, mark = 0
        while si < s.count {
            if pi < p.count, p[pi] == UInt8(ascii: "?") || p[pi] == s[si] { pi += 1; si += 1 }
            else if pi < p.count, p[pi] == UInt8(ascii: "*") { star = pi; mark = si; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; si = mark }
            else { return false }
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
