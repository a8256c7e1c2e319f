import CLibbpf
import CMamoriABI
import Glibc
import MamoriPolicy

/// Writes a `KernelPolicy` into the prevention maps of abi.h and reads them back.
///
/// Exists so that the prevention engine never touches map layouts: it hands over one value and
/// `apply` makes the kernel enforce exactly that. Order of writes: exec entries, tags,
/// protected files, egress prefixes, scopes, then the config word (host level and the HAS_*
/// bits that switch the programs' lookups on), and only then the deletion of stale entries, so
/// that a raise never passes through a state weaker than both the old and the new policy
/// except for entries being removed. The whole policy is validated before the first write: an
/// invalid one throws `.invalidPolicy` and leaves the previous one in force. A map write that
/// fails midway throws `.mapWrite`; apply the previous policy again to restore it.
///
/// Holds only file descriptors owned by the `SensorProgram`; each call is a sequence of
/// single-syscall map updates, safe from any thread, but callers should serialise `apply`
/// (the prevention engine's one writer).
public struct PolicyMaps: Sendable {
    let configGuard: ConfigGuard
    let execFD: Int32
    let scopeFD: Int32
    let egressFD: Int32
    let taggedFD: Int32
    let protectedFD: Int32
    let isolationDropsFD: Int32
    /// The mechanism the loader chose (sets MAMORI_CFG_LSM_EXEC).
    public let mechanism: PreventionMechanism
    /// Aborts the sockets of isolated scopes after each apply; nil where the kernel lacks
    /// `bpf_sock_destroy` (isolation then only starves them, `SocketDestroyer.unavailable`).
    public let socketDestroyer: SocketDestroyer?
    /// The skb isolation programs: attached before a policy isolating a scope is switched on,
    /// detached after the last isolation is switched off (nil: never attached, e.g. tests).
    let isolation: IsolationLinks?

    init(object: OpaquePointer?, mechanism: PreventionMechanism, configGuard: ConfigGuard,
         socketDestroyer: SocketDestroyer? = nil, isolation: IsolationLinks? = nil) throws(SensorError) {
        self.socketDestroyer = socketDestroyer
        self.isolation = isolation
        func fd(_ name: String) throws(SensorError) -> Int32 { try SensorMaps.mapFD(object, name) }
        self.configGuard = configGuard
        execFD = try fd("mamori_exec_policy")
        scopeFD = try fd("mamori_scope")
        egressFD = try fd("mamori_egress")
        taggedFD = try fd("mamori_tagged_exec")
        protectedFD = try fd("mamori_protected_files")
        isolationDropsFD = try fd("mamori_isolation_drops")
        self.mechanism = mechanism
    }

    private var tables: [(fd: Int32, name: String, keySize: Int, valueSize: Int, entries: KeyPath<EncodedPolicy, EncodedPolicy.Entries>)] {
        [(execFD, "mamori_exec_policy", MemoryLayout<mamori_inode_key>.size, MemoryLayout<mamori_exec_rule>.size, \.exec),
         (taggedFD, "mamori_tagged_exec", MemoryLayout<mamori_inode_key>.size, 4, \.tagged),
         (protectedFD, "mamori_protected_files", MemoryLayout<mamori_inode_key>.size, 4, \.protected),
         (egressFD, "mamori_egress", MemoryLayout<mamori_egress_key>.size, MemoryLayout<mamori_egress_rule>.size, \.egress),
         (scopeFD, "mamori_scope", 8, MemoryLayout<mamori_scope>.size, \.scopes)]
    }

    /// Make the kernel enforce `policy`, replacing the previous one as a whole.
    public func apply(_ policy: KernelPolicy) throws(SensorError) {
        let encoded = try EncodedPolicy(policy)
        let isolates = policy.scopes.contains(where: \.isolated)
        if isolates { try isolation?.setAttached(true) }
        for t in tables {
            for (key, value) in encoded[keyPath: t.entries] {
                try update(t.fd, t.name, key, value)
            }
        }
        var cfg = readConfig()
        var flags = (cfg.flags & ~EncodedPolicy.ownedFlags) | encoded.configFlags
        if mechanism == .lsm { flags |= UInt32(MAMORI_CFG_LSM_EXEC) }
        cfg.flags = flags
        cfg.host_level = encoded.hostLevel
        try configGuard.write(cfg)
        for t in tables {
            let wanted = encoded[keyPath: t.entries]
            for key in Self.keys(t.fd, keySize: t.keySize) where wanted[key] == nil {
                var k = key
                if bpf_map_delete_elem(t.fd, &k) != 0 && errno != ENOENT {
                    throw .mapWrite(map: t.name, errno: errno)
                }
            }
        }
        // Nothing isolated any more: the skb programs stop running on every packet.
        if !isolates { try isolation?.setAttached(false) }
        // With the skb programs already dropping the scope's packets, abort what is open.
        if let socketDestroyer, isolates {
            socketDestroyer.destroyRecordingErrors(isolatedIn: policy)
        }
    }

    private func update(_ fd: Int32, _ name: String, _ key: [UInt8], _ value: [UInt8]) throws(SensorError) {
        var k = key, v = value
        if bpf_map_update_elem(fd, &k, &v, UInt64(BPF_ANY)) != 0 {
            throw .mapWrite(map: name, errno: errno)
        }
    }

    func readConfig() -> mamori_config { configGuard.current() }

    /// Packets the cgroup skb programs dropped for isolated scopes since load (all CPUs).
    public func isolationDrops() -> (ingress: UInt64, egress: UInt64) {
        let cpus = max(1, Int(libbpf_num_possible_cpus()))
        func total(_ slot: UInt32) -> UInt64 {
            var key = slot
            var values = [UInt64](repeating: 0, count: cpus)
            guard bpf_map_lookup_elem(isolationDropsFD, &key, &values) == 0 else { return 0 }
            return values.reduce(0, &+)
        }
        return (total(0), total(1))
    }

    static func keys(_ fd: Int32, keySize: Int) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var next = [UInt8](repeating: 0, count: keySize)
        var previous: [UInt8]? = nil
        while true {
            let rc: Int32
            if var p = previous { rc = bpf_map_get_next_key(fd, &p, &next) } else { rc = bpf_map_get_next_key(fd, nil, &next) }
            if rc != 0 { break }
            out.append(next)
            previous = next
            if out.count > 1 << 20 { break } // defensive: maps are far smaller
        }
        return out
    }

    // MARK: - Read-back (tests, `mamori doctor`)

    /// What the maps and the config word hold right now.
    public struct Snapshot: Sendable, Equatable {
        public var hostLevel: UInt8
        /// MAMORI_CFG_* bits.
        public var configFlags: UInt32
        public var execEntries: Int
        public var scopes: Int
        public var egressEntries: Int
        public var taggedExecutables: Int
        public var protectedFiles: Int
    }

    public func readBack() -> Snapshot {
        let cfg = readConfig()
        return Snapshot(hostLevel: cfg.host_level, configFlags: cfg.flags,
                        execEntries: Self.keys(execFD, keySize: 16).count,
                        scopes: Self.keys(scopeFD, keySize: 8).count,
                        egressEntries: Self.keys(egressFD, keySize: MemoryLayout<mamori_egress_key>.size).count,
                        taggedExecutables: Self.keys(taggedFD, keySize: 16).count,
                        protectedFiles: Self.keys(protectedFD, keySize: 16).count)
    }

    /// The exec rule of an inode, if any (flags are MAMORI_EXECP_*).
    public func execRule(for inode: KernelPolicy.Inode) -> (flags: UInt16, minLevel: UInt8, policyId: UInt32)? {
        var key = mamori_inode_key()
        key.dev = inode.dev
        key.ino = inode.ino
        var rule = mamori_exec_rule()
        guard bpf_map_lookup_elem(execFD, &key, &rule) == 0 else { return nil }
        return (rule.flags, rule.min_level, rule.policy_id)
    }

    /// The scope entry of a cgroup (level 0xff = inherit; flags MAMORI_SCOPE_*).
    public func scope(cgroupId: UInt64) -> (level: UInt8, flags: UInt16, egressPolicy: UInt32)? {
        var key = cgroupId
        var value = mamori_scope()
        guard bpf_map_lookup_elem(scopeFD, &key, &value) == 0 else { return nil }
        return (value.level, value.flags, value.egress_policy)
    }

    /// The egress entry stored for exactly this prefix (no longest-prefix match), if any.
    public func egressRule(_ entry: KernelPolicy.EgressEntry) -> (verdict: UInt8, minLevel: UInt8, policyId: UInt32, ports: Int)? {
        guard var key = try? EncodedPolicy.egressKey(entry, index: 0) else { return nil }
        var rule = mamori_egress_rule()
        // An exact-length lookup in an LPM trie returns the entry itself when it exists.
        guard bpf_map_lookup_elem(egressFD, &key, &rule) == 0 else { return nil }
        return (rule.verdict, rule.min_level, rule.policy_id, Int(rule.nports))
    }
}
