/// Everything the kernel's prevention programs enforce, as one immutable value.
///
/// Exists as the contract between the prevention engine (which compiles the operator's
/// policy, the level ladder and the scopes into it) and `PolicyMaps` (which writes it into the
/// BPF maps of abi.h's "Prevention" section). Applying a new value replaces the previous one
/// as a whole: deny sets first, scopes next, the host level last, stale entries removed after.
/// A plain value: build it on any thread.
public struct KernelPolicy: Sendable, Equatable {
    /// Level (0...4) of tasks whose cgroup has no scope override.
    public var hostLevel: UInt8 = 0
    /// Circuit breaker / fail-open: report matches as "would have", never enforce.
    public var enforcementOff = false
    public var exec: [ExecEntry] = []
    public var scopes: [Scope] = []
    public var egress: [EgressEntry] = []
    /// Executables whose processes get a tag, so egress entries of `EgressPolicy.executable(tag)` apply to them.
    public var taggedExecutables: [TaggedExecutable] = []
    /// Files the BPF LSM programs keep from being modified (ignored without BPF LSM).
    public var protectedFiles: [ProtectedFile] = []

    public init() {}

    /// A file identity as the kernel sees it (kernel dev_t encoding, see `KernelDevice`).
    public struct Inode: Sendable, Hashable {
        public var dev: UInt32
        public var ino: UInt64
        public init(dev: UInt32, ino: UInt64) { self.dev = dev; self.ino = ino }
        /// The inode behind `path` (following symlinks), or nil if it does not exist.
        public static func of(path: String) -> Inode? {
            var st = stat()
            guard stat(path, &st) == 0 else { return nil }
            return Inode(dev: KernelDevice.encode(st.st_dev), ino: UInt64(st.st_ino))
        }
    }

    /// An executable (or a directory tree of them) whose exec is denied from `minLevel` on.
    public struct ExecEntry: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case file, tree, shell }
        public var inode: Inode
        public var kind: Kind
        public var minLevel: UInt8
        /// Id reported back in action records (`mamori_action.policy_id`).
        public var policyId: UInt32
        public init(inode: Inode, kind: Kind, minLevel: UInt8, policyId: UInt32) {
            self.inode = inode; self.kind = kind; self.minLevel = minLevel; self.policyId = policyId
        }
    }

    /// Overrides for a cgroup and everything below it (a systemd unit, a test's cgroup).
    public struct Scope: Sendable, Equatable {
        public var cgroupId: UInt64
        /// nil inherits the parent's (or the host's) level.
        public var level: UInt8?
        public var isolated = false
        public var daemon = false
        public var protected = false
        /// Egress allowlist (`allowlist == true`) or denylist of this scope: entries with
        /// `policy == .scope(egressPolicy)`. 0 = none.
        public var egressPolicy: UInt32 = 0
        public var allowlist = false
        public var allowlistMinLevel: UInt8 = 0
        public init(cgroupId: UInt64, level: UInt8? = nil) { self.cgroupId = cgroupId; self.level = level }
    }

    /// Which list an egress entry belongs to.
    public enum EgressPolicy: Sendable, Hashable {
        /// Applies to every task (the global block list).
        case global
        /// Networks isolation keeps reachable.
        case management
        /// A scope's own list (`Scope.egressPolicy`).
        case scope(UInt32)
        /// Only processes of executables tagged with this tag.
        case executable(UInt32)
    }

    /// One destination prefix with its verdict, ports and protocol.
    public struct EgressEntry: Sendable, Equatable {
        public enum Verdict: Sendable, Equatable { case deny, allow }
        public var policy: EgressPolicy
        /// IPv4 (4 bytes) or IPv6 (16 bytes) network address, network order.
        public var address: [UInt8]
        public var prefixLength: Int
        public var verdict: Verdict
        public var minLevel: UInt8
        /// 0 = any, 6 = TCP, 17 = UDP.
        public var ipProtocol: UInt8 = 0
        /// Empty = every port; at most 8 (host order).
        public var ports: [UInt16] = []
        public var policyId: UInt32
        public init(policy: EgressPolicy, address: [UInt8], prefixLength: Int, verdict: Verdict,
                    minLevel: UInt8, ipProtocol: UInt8 = 0, ports: [UInt16] = [], policyId: UInt32) {
            self.policy = policy; self.address = address; self.prefixLength = prefixLength
            self.verdict = verdict; self.minLevel = minLevel; self.ipProtocol = ipProtocol
            self.ports = ports; self.policyId = policyId
        }
    }

    public struct TaggedExecutable: Sendable, Equatable {
        public var inode: Inode
        public var tag: UInt32
        public init(inode: Inode, tag: UInt32) { self.inode = inode; self.tag = tag }
    }

    public struct ProtectedFile: Sendable, Equatable {
        public var inode: Inode
        public var policyId: UInt32
        public init(inode: Inode, policyId: UInt32) { self.inode = inode; self.policyId = policyId }
    }
}

#if canImport(Glibc)
import Glibc
#endif
