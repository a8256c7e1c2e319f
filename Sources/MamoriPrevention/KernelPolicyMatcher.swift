import MamoriText
import MamoriPolicy

/// Why the kernel acted, with the raw values of abi.h's `enum mamori_action_reason`.
public enum KernelActionReason: UInt16, Sendable, Codable {
    case execDenylist = 1, execDirectory = 2, daemonShell = 3, egressDeny = 4, egressAllowlist = 5,
         isolated = 6, protectedFile = 7
}

/// What a kernel prevention program does (or would do) for one exec or connect.
public struct KernelVerdict: Sendable, Equatable {
    public var reason: KernelActionReason
    public var policyId: UInt32
    /// The lowest level at which the matching entry is enforced.
    public var neededLevel: UInt8
    /// The task's effective level.
    public var level: UInt8
    /// true: killed/blocked; false: reported as "would have" (level too low or enforcement off).
    public var enforced: Bool
}

/// A pure Swift evaluation of a `KernelPolicy` against an exec or connect, exactly as the BPF
/// programs evaluate the maps (the semantics are written down in docs/prevention.md, "Kernel
/// matching").
///
/// Exists so the simulator predicts what the kernel will do with the same logic, and so that
/// logic is unit-tested without a kernel. Build once per policy (it indexes the entries);
/// immutable afterwards; any thread.
public struct KernelPolicyMatcher: Sendable {
    public let policy: KernelPolicy
    private let exec: [KernelPolicy.Inode: KernelPolicy.ExecEntry]
    private let scopes: [UInt64: KernelPolicy.Scope]
    /// Per list: prefix lengths (mapped, longest first) and entries by masked 16-byte address.
    private let egress: [KernelPolicy.EgressPolicy: EgressList]
    private struct EgressList: Sendable {
        var lengths: [Int] = []
        var byLength: [Int: [[UInt8]: KernelPolicy.EgressEntry]] = [:]
    }
    private let tags: [KernelPolicy.Inode: UInt32]

    /// Ancestors the kernel walks for scopes, and directories it walks for TREE entries.
    public static let maxScopeDepth = 16
    public static let maxDirectoryDepth = 32

    public init(_ policy: KernelPolicy) {
        self.policy = policy
        var exec: [KernelPolicy.Inode: KernelPolicy.ExecEntry] = [:]
        for e in policy.exec where exec[e.inode] == nil { exec[e.inode] = e }
        self.exec = exec
        var scopes: [UInt64: KernelPolicy.Scope] = [:]
        for s in policy.scopes where scopes[s.cgroupId] == nil { scopes[s.cgroupId] = s }
        self.scopes = scopes
        var egress: [KernelPolicy.EgressPolicy: EgressList] = [:]
        for e in policy.egress {
            let (addr, len) = CIDR(address: e.address, length: e.prefixLength).mapped
            var list = egress[e.policy] ?? EgressList()
            if list.byLength[len] == nil { list.lengths.append(len) }
            // The trie keeps one value per key: the first entry wins, as PolicyCompiler merges.
            if list.byLength[len]?[addr] == nil { list.byLength[len, default: [:]][addr] = e }
            egress[e.policy] = list
        }
        for key in Array(egress.keys) { egress[key]!.lengths.sort(by: >) }
        self.egress = egress
        var tags: [KernelPolicy.Inode: UInt32] = [:]
        for t in policy.taggedExecutables where tags[t.inode] == nil { tags[t.inode] = t.tag }
        self.tags = tags
    }

    /// The scope a task gets from its cgroup chain (deepest first).
    public struct EffectiveScope: Sendable, Equatable {
        public var level: UInt8
        public var isolated = false
        public var daemon = false
        public var protected = false
        public var egressPolicy: UInt32 = 0
        public var allowlist = false
        public var allowlistMinLevel: UInt8 = 0
    }

    /// Walks `cgroupChain` (the task's cgroup id first, then its ancestors up to the root): the
    /// deepest level set wins (else the host level), flags are ORed, the deepest non-zero
    /// egress list wins. Only the `maxScopeDepth` levels nearest the root are seen (the kernel
    /// reads ancestors by level from the root, so host-wide scopes on the root always apply).
    public func scope(cgroupChain: [UInt64]) -> EffectiveScope {
        var s = EffectiveScope(level: policy.hostLevel)
        var levelSet = false
        for id in cgroupChain.suffix(Self.maxScopeDepth) {
            guard let entry = scopes[id] else { continue }
            if !levelSet, let l = entry.level { s.level = l; levelSet = true }
            s.isolated = s.isolated || entry.isolated
            s.daemon = s.daemon || entry.daemon
            s.protected = s.protected || entry.protected
            s.allowlist = s.allowlist || entry.allowlist
            if s.egressPolicy == 0, entry.egressPolicy != 0 {
                s.egressPolicy = entry.egressPolicy
                s.allowlistMinLevel = entry.allowlistMinLevel
            }
        }
        return s
    }

    /// The tag a process gets when it execs `inode` (0 = none).
    public func tag(of inode: KernelPolicy.Inode) -> UInt32 { tags[inode] ?? 0 }

    /// An exec of `executable` found in `directories` (nearest first) by a task in `cgroupChain`.
    ///
    /// Order: FILE entry of the executable, then SHELL (only in a daemon scope), then TREE
    /// entries of the directories nearest first. The first enforced match decides; if none is
    /// enforced the first match is reported as "would have". Protected scopes: nil.
    public func exec(executable: KernelPolicy.Inode, directories: [KernelPolicy.Inode],
                     cgroupChain: [UInt64]) -> KernelVerdict? {
        let s = scope(cgroupChain: cgroupChain)
        guard !s.protected else { return nil }
        var firstWould: KernelVerdict?
        func consider(_ e: KernelPolicy.ExecEntry, _ why: KernelActionReason) -> KernelVerdict? {
            let v = verdict(why, e.policyId, e.minLevel, s.level)
            if v.enforced { return v }
            if firstWould == nil { firstWould = v }
            return nil
        }
        if let e = exec[executable] {
            if e.kind == .file, let v = consider(e, .execDenylist) { return v }
            if e.kind == .shell, s.daemon, let v = consider(e, .daemonShell) { return v }
        }
        for dir in directories.prefix(Self.maxDirectoryDepth) {
            if let e = exec[dir], e.kind == .tree, let v = consider(e, .execDirectory) { return v }
        }
        return firstWould
    }

    /// A connect/sendmsg to `address` (4 or 16 bytes) `port` over `ipProtocol` (6/17) by a task
    /// in `cgroupChain` whose process carries `tag`. Mirrors `egress_decide` in
    /// bpf/prevent_net.bpf.c step for step.
    ///
    /// Order: unless the destination is always open (loopback, the unspecified address, or a
    /// management-network entry that applies), isolation and then the scope's allowlist; then
    /// the deny entries of the scope's list, the process's executable list and the global list.
    /// Each list lookup takes the longest prefix containing the address; when that entry's
    /// verdict, protocol or ports do not apply, the next shorter prefix is tried, at most
    /// `egressFallback` entries in all (as the kernel walks the LPM trie). The first enforced
    /// match decides, else the first "would have" is reported. Protected scopes: nil.
    public func connect(address: [UInt8], port: UInt16, ipProtocol: UInt8, cgroupChain: [UInt64],
                        tag: UInt32 = 0) -> KernelVerdict? {
        let s = scope(cgroupChain: cgroupChain)
        guard !s.protected else { return nil }
        let addr = CIDR.mapped(address)
        var firstWould: KernelVerdict?
        func consider(_ v: KernelVerdict) -> KernelVerdict? {
            if v.enforced { return v }
            if firstWould == nil { firstWould = v }
            return nil
        }
        let alwaysOpen = KernelPolicyMatcher.isLoopback(addr)
            || lookup(.management, addr, port: port, proto: ipProtocol, verdict: nil) != nil
        if (s.isolated || s.allowlist), !alwaysOpen {
            if s.isolated, let v = consider(verdict(.isolated, 0, 0, s.level)) { return v }
            if s.allowlist, s.egressPolicy != 0,
               lookup(.scope(s.egressPolicy), addr, port: port, proto: ipProtocol, verdict: .allow) == nil,
               let v = consider(verdict(.egressAllowlist, s.egressPolicy, s.allowlistMinLevel, s.level)) { return v }
        }
        var lists: [KernelPolicy.EgressPolicy] = []
        if s.egressPolicy != 0 { lists.append(.scope(s.egressPolicy)) }
        if tag != 0 { lists.append(.executable(tag)) }
        lists.append(.global)
        for list in lists {
            if let e = lookup(list, addr, port: port, proto: ipProtocol, verdict: .deny),
               let v = consider(verdict(.egressDeny, e.policyId, e.minLevel, s.level)) { return v }
        }
        return firstWould
    }

    /// Entries of one list the kernel consults per lookup before giving up (MAMORI_EGRESS_FALLBACK).
    public static let egressFallback = 4

    /// The kernel's `egress_lookup`: the longest prefix of list `p` containing `addr` (16-byte
    /// form) whose entry has `verdict` (nil: any) and applies to (port, proto), trying shorter
    /// prefixes after a non-applying entry, at most `egressFallback` entries.
    func lookup(_ p: KernelPolicy.EgressPolicy, _ addr: [UInt8], port: UInt16, proto: UInt8,
                verdict wanted: KernelPolicy.EgressEntry.Verdict?) -> KernelPolicy.EgressEntry? {
        guard let list = egress[p] else { return nil }
        var tried = 0
        for len in list.lengths {
            let masked = CIDR(address: addr, length: len).address
            guard let e = list.byLength[len]?[masked] else { continue }
            if (wanted == nil || e.verdict == wanted) && applies(e, port, proto) { return e }
            tried += 1
            if tried >= Self.egressFallback { return nil }
        }
        return nil
    }

    private func applies(_ e: KernelPolicy.EgressEntry, _ port: UInt16, _ proto: UInt8) -> Bool {
        (e.ipProtocol == 0 || e.ipProtocol == proto) && (e.ports.isEmpty || e.ports.contains(port))
    }

    private func verdict(_ why: KernelActionReason, _ id: UInt32, _ needed: UInt8, _ level: UInt8) -> KernelVerdict {
        KernelVerdict(reason: why, policyId: id, neededLevel: needed, level: level,
                      enforced: !policy.enforcementOff && level >= needed)
    }

    /// 127/8, ::1 and the unspecified addresses (a connect to them reaches this host), as the
    /// kernel's `egress_is_loopback`.
    static func isLoopback(_ mapped: [UInt8]) -> Bool {
        if mapped[0..<12].elementsEqual(CIDR.v4MappedPrefix) {
            return mapped[12] == 127 || mapped[12..<16].allSatisfy { $0 == 0 }
        }
        return mapped[0..<15].allSatisfy { $0 == 0 } && (mapped[15] == 1 || mapped[15] == 0)
    }
}
