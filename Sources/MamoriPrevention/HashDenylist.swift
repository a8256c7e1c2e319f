import MamoriPolicy

/// Turns the policy's sha256 denylist into inodes as executables are first exec'd.
///
/// Why: the kernel's exec map is keyed by inode, but operators name malware by hash. The
/// agent calls `observeExec(path:)` for exec events (cheap after the first time per file
/// version, thanks to `ExecutableHasher`'s cache); when it returns true a denied hash was
/// found on a new inode and the agent recompiles the `KernelPolicy` with `hashInodes`. The
/// first run of such a file is handled by rules; every later exec dies in the kernel.
/// Not thread-safe: owned by one thread (the agent's prevention worker).
public final class HashDenylist {
    public private(set) var denied: Set<String>
    /// sha256 → inodes found to have it (input of `PolicyCompiler.Inputs.hashInodes`).
    public private(set) var hashInodes: [String: [KernelPolicy.Inode]] = [:]
    public let hasher: ExecutableHasher

    public init(policy: PreventionPolicy, hasher: ExecutableHasher = ExecutableHasher()) {
        self.hasher = hasher
        denied = Set(policy.execDeny.compactMap { if case .sha256(let h) = $0.match { return h }; return nil })
    }

    /// Replaces the deny set (policy reload); known inodes of hashes still denied are kept.
    public func update(policy: PreventionPolicy) {
        denied = Set(policy.execDeny.compactMap { if case .sha256(let h) = $0.match { return h }; return nil })
        hashInodes = hashInodes.filter { denied.contains($0.key) }
    }

    /// Whether any sha256 is denied (nothing to hash otherwise).
    public var isEmpty: Bool { denied.isEmpty }

    /// Records that the file version `version` has `sha`; true when it is denied and its inode
    /// was not known before (recompile the kernel policy). For callers that hash elsewhere.
    public func record(sha: String, version: ExecutableHasher.FileVersion) -> Bool {
        guard denied.contains(sha) else { return false }
        if hashInodes[sha]?.contains(version.inode) == true { return false }
        hashInodes[sha, default: []].append(version.inode)
        return true
    }

    /// Hashes the executable at `path` when the deny list is not empty; true when it has a
    /// denied hash on an inode not known before (recompile the kernel policy).
    @discardableResult
    public func observeExec(path: String) -> Bool {
        guard !denied.isEmpty, let (version, sha) = hasher.hash(path: path), denied.contains(sha) else { return false }
        if hashInodes[sha]?.contains(version.inode) == true { return false }
        hashInodes[sha, default: []].append(version.inode)
        return true
    }
}
