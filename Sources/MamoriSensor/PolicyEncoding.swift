import CMamoriABI
import MamoriPolicy

/// A `KernelPolicy` validated and turned into the exact key/value bytes of each prevention map.
///
/// Exists so that `PolicyMaps.apply` can check the whole policy before touching the kernel (a
/// bad entry leaves the previous policy in force) and can compare what the maps hold with what
/// they should hold byte for byte, to delete stale entries. A plain value: any thread.
struct EncodedPolicy {
    typealias Entries = [[UInt8]: [UInt8]]
    var exec: Entries = [:]
    var scopes: Entries = [:]
    var egress: Entries = [:]
    var tagged: Entries = [:]
    var protected: Entries = [:]
    /// The MAMORI_CFG_* prevention bits this policy needs (LSM_EXEC is added by the caller).
    var configFlags: UInt32 = 0
    var hostLevel: UInt8 = 0

    /// Every config bit `PolicyMaps` owns; the rest belong to `SensorMaps`.
    static let ownedFlags = UInt32(MAMORI_CFG_HAS_SCOPES) | UInt32(MAMORI_CFG_HAS_EXEC_POLICY)
        | UInt32(MAMORI_CFG_HAS_EGRESS) | UInt32(MAMORI_CFG_PREVENTION_OFF)
        | UInt32(MAMORI_CFG_LSM_EXEC) | UInt32(MAMORI_CFG_HAS_PROTECTED) | UInt32(MAMORI_CFG_HAS_EXEC_TREE)
        | UInt32(MAMORI_CFG_HAS_ISOLATION)

    init(_ policy: KernelPolicy) throws(SensorError) {
        let maxLevel = UInt8(MAMORI_LEVEL_MAX)
        func fail(_ what: String) -> SensorError { .invalidPolicy(what) }
        guard policy.hostLevel <= maxLevel else { throw fail("host level \(policy.hostLevel) is above \(maxLevel)") }
        hostLevel = policy.hostLevel

        for (i, e) in policy.exec.enumerated() {
            guard e.minLevel <= maxLevel else { throw fail("exec entry \(i) (inode \(e.inode.ino)): minLevel \(e.minLevel) is above \(maxLevel)") }
            let key = Self.inodeKey(e.inode)
            var rule = mamori_exec_rule()
            if let old = exec[key] { rule = Self.load(old, as: mamori_exec_rule.self) }
            let bit: UInt32
            switch e.kind {
            case .file: bit = MAMORI_EXECP_FILE
            case .tree: bit = MAMORI_EXECP_TREE
            case .shell: bit = MAMORI_EXECP_SHELL
            }
            if exec[key] != nil && rule.flags & UInt16(bit) != 0 {
                throw fail("exec entry \(i): inode \(e.inode.dev):\(e.inode.ino) is listed twice as \(e.kind)")
            }
            // One inode may be FILE and SHELL etc.: flags merge, the lowest level and its id win.
            if exec[key] == nil || e.minLevel < rule.min_level {
                rule.min_level = e.minLevel
                rule.policy_id = e.policyId
            }
            rule.flags |= UInt16(bit)
            exec[key] = Self.bytes(rule)
        }

        for (i, s) in policy.scopes.enumerated() {
            if let level = s.level, level > maxLevel { throw fail("scope \(i) (cgroup \(s.cgroupId)): level \(level) is above \(maxLevel)") }
            guard s.allowlistMinLevel <= maxLevel else { throw fail("scope \(i): allowlistMinLevel above \(maxLevel)") }
            guard s.egressPolicy < MAMORI_EGRESS_EXE_BASE else { throw fail("scope \(i): egressPolicy \(s.egressPolicy) collides with executable-tag policies (>= 0x80000000)") }
            guard !s.allowlist || s.egressPolicy != 0 else { throw fail("scope \(i) (cgroup \(s.cgroupId)): an allowlist needs an egressPolicy") }
            var v = mamori_scope()
            v.level = s.level ?? UInt8(MAMORI_LEVEL_INHERIT)
            v.allowlist_min_level = s.allowlistMinLevel
            var flags: UInt32 = 0
            if s.isolated { flags |= MAMORI_SCOPE_ISOLATED }
            if s.daemon { flags |= MAMORI_SCOPE_DAEMON }
            if s.allowlist { flags |= MAMORI_SCOPE_ALLOWLIST }
            if s.protected { flags |= MAMORI_SCOPE_PROTECTED }
            v.flags = UInt16(flags)
            v.egress_policy = s.egressPolicy
            let key = Self.bytes(s.cgroupId)
            guard scopes[key] == nil else { throw fail("scope \(i): cgroup \(s.cgroupId) is listed twice") }
            scopes[key] = Self.bytes(v)
        }

        for (i, e) in policy.egress.enumerated() {
            let key = try Self.egressKey(e, index: i)
            guard e.minLevel <= maxLevel else { throw fail("egress entry \(i): minLevel \(e.minLevel) is above \(maxLevel)") }
            guard e.ports.count <= Int(MAMORI_EGRESS_PORTS) else { throw fail("egress entry \(i): \(e.ports.count) ports, at most \(MAMORI_EGRESS_PORTS)") }
            guard egress[key] == nil else { throw fail("egress entry \(i): the same prefix is listed twice in one policy") }
            var rule = mamori_egress_rule()
            rule.policy_id = e.policyId
            rule.verdict = UInt8(e.verdict == .deny ? MAMORI_EGRESS_DENY : MAMORI_EGRESS_ALLOW)
            rule.min_level = e.minLevel
            rule.protocol = e.ipProtocol
            rule.nports = UInt8(e.ports.count)
            rule.prefixlen = Self.load(key, as: mamori_egress_key.self).prefixlen
            withUnsafeMutableBytes(of: &rule.ports) { raw in
                for (j, p) in e.ports.enumerated() { raw.storeBytes(of: p, toByteOffset: j * 2, as: UInt16.self) }
            }
            egress[key] = Self.bytes(rule)
        }

        for (i, t) in policy.taggedExecutables.enumerated() {
            guard t.tag < MAMORI_EGRESS_EXE_BASE else { throw fail("tagged executable \(i): tag \(t.tag) must be below 0x80000000") }
            let key = Self.inodeKey(t.inode)
            guard tagged[key] == nil else { throw fail("tagged executable \(i): inode \(t.inode.ino) is tagged twice") }
            tagged[key] = Self.bytes(t.tag)
        }
        for f in policy.protectedFiles { protected[Self.inodeKey(f.inode)] = Self.bytes(f.policyId) }

        var flags: UInt32 = 0
        if !scopes.isEmpty { flags |= UInt32(MAMORI_CFG_HAS_SCOPES) }
        if !exec.isEmpty { flags |= UInt32(MAMORI_CFG_HAS_EXEC_POLICY) }
        if policy.exec.contains(where: { $0.kind == .tree }) { flags |= UInt32(MAMORI_CFG_HAS_EXEC_TREE) }
        if !egress.isEmpty || !tagged.isEmpty || policy.scopes.contains(where: { $0.isolated || $0.allowlist }) {
            flags |= UInt32(MAMORI_CFG_HAS_EGRESS)
        }
        if !protected.isEmpty { flags |= UInt32(MAMORI_CFG_HAS_PROTECTED) }
        if policy.scopes.contains(where: { $0.isolated }) { flags |= UInt32(MAMORI_CFG_HAS_ISOLATION) }
        if policy.enforcementOff { flags |= UInt32(MAMORI_CFG_PREVENTION_OFF) }
        configFlags = flags
    }

    /// The policy word of the LPM key (before byte swapping).
    static func policyWord(_ p: KernelPolicy.EgressPolicy, index: Int) throws(SensorError) -> UInt32 {
        switch p {
        case .global: return MAMORI_EGRESS_GLOBAL
        case .management: return MAMORI_EGRESS_MANAGEMENT
        case .scope(let id):
            guard id != 0 && id < MAMORI_EGRESS_EXE_BASE else {
                throw .invalidPolicy("egress entry \(index): scope policy id \(id) must be in 1..<0x80000000")
            }
            return id
        case .executable(let tag):
            guard tag < MAMORI_EGRESS_EXE_BASE else {
                throw .invalidPolicy("egress entry \(index): executable tag \(tag) must be below 0x80000000")
            }
            return MAMORI_EGRESS_EXE_BASE + tag
        }
    }

    /// LPM key: prefix length counted from the policy word; IPv4 stored IPv4-mapped; host bits cleared.
    static func egressKey(_ e: KernelPolicy.EgressEntry, index: Int) throws(SensorError) -> [UInt8] {
        var addr = [UInt8](repeating: 0, count: 16)
        let bits: Int
        switch e.address.count {
        case 4:
            guard (0...32).contains(e.prefixLength) else { throw .invalidPolicy("egress entry \(index): IPv4 prefix /\(e.prefixLength) is not in 0...32") }
            addr[10] = 0xff; addr[11] = 0xff
            for j in 0..<4 { addr[12 + j] = e.address[j] }
            bits = 96 + e.prefixLength
        case 16:
            guard (0...128).contains(e.prefixLength) else { throw .invalidPolicy("egress entry \(index): IPv6 prefix /\(e.prefixLength) is not in 0...128") }
            addr = e.address
            bits = e.prefixLength
        default:
            throw .invalidPolicy("egress entry \(index): address has \(e.address.count) bytes, expected 4 (IPv4) or 16 (IPv6)")
        }
        for j in 0..<16 {
            let keep = max(0, min(8, bits - j * 8))
            addr[j] &= keep == 8 ? 0xff : ~(UInt8(0xff) >> keep)
        }
        var key = mamori_egress_key()
        key.prefixlen = UInt32(32 + bits)
        key.policy = try policyWord(e.policy, index: index).bigEndian
        withUnsafeMutableBytes(of: &key.addr) { raw in raw.copyBytes(from: addr) }
        return bytes(key)
    }

    static func inodeKey(_ inode: KernelPolicy.Inode) -> [UInt8] {
        var key = mamori_inode_key()
        key.dev = inode.dev
        key.ino = inode.ino
        return bytes(key)
    }

    static func bytes<T>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }

    static func load<T>(_ bytes: [UInt8], as type: T.Type) -> T {
        bytes.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
    }
}
