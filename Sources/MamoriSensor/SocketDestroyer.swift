import CMamoriBPF
import Glibc
import MamoriPolicy
import Synchronization

/// Destroys the established and listening sockets of isolated scopes (issue 13 finding 9).
///
/// Exists because the cgroup skb programs only starve a socket: an established reverse shell
/// stays open, stalled, until TCP gives up minutes later, and resumes the moment isolation is
/// lifted. Where the kernel allows it (6.5+: `bpf_sock_destroy` from an `iter/tcp`/`iter/udp`
/// program, bpf/sock_destroy.bpf.c) every socket owned by an isolated cgroup or below is
/// aborted (the owner gets ECONNABORTED) unless its peer is loopback or a management network,
/// or it sits below a protected scope. Its own skeleton: on an older kernel `load()` returns
/// nil and isolation keeps starving sockets only (`SocketDestroyer.unavailable` says why).
///
/// The peer is not told: the RST the kernel sends on abort leaves through the same socket's
/// cgroup, whose packets isolation drops, so the remote end times out on its own.
/// Any thread: one lock around each run (the iterator's globals are shared).
public final class SocketDestroyer: Sendable {
    /// What one pass over the host's TCP and UDP sockets did.
    public struct Outcome: Sendable, Equatable {
        public var destroyed: UInt64 = 0
        public var examined: UInt64 = 0
    }

    // SAFETY (of the pointer): owned by this object, freed in deinit; every use holds `lock`.
    private nonisolated(unsafe) let skeleton: OpaquePointer
    private let lock = Mutex<Outcome>(Outcome())

    private init(skeleton: OpaquePointer) { self.skeleton = skeleton }

    deinit { mamori_sockdestroy_destroy(skeleton) }

    /// Why the destroyer could not be loaded (set by the last failed `load`).
    public static let unavailable = Mutex<String?>(nil)

    /// Loads the iterator programs; nil when the skeleton was not built or the kernel refuses
    /// them (no `bpf_sock_destroy` kfunc before 6.5).
    public static func load() -> SocketDestroyer? {
        guard mamori_sockdestroy_embedded() == 1 else {
            unavailable.withLock { $0 = "socket destroyer not built (make bpf)" }
            return nil
        }
        guard let skel = mamori_sockdestroy_open_load() else {
            let err = errno
            unavailable.withLock { $0 = "socket destroyer refused by the kernel (errno \(err)); isolation starves sockets only" }
            return nil
        }
        return SocketDestroyer(skeleton: skel)
    }

    /// Destroys the sockets below each isolated scope of `policy`, keeping loopback, the
    /// policy's management networks and protected scopes. Returns the totals of this call.
    @discardableResult
    public func destroy(isolatedIn policy: KernelPolicy) throws(SensorError) -> Outcome {
        let targets = policy.scopes.filter(\.isolated).map(\.cgroupId)
        guard !targets.isEmpty else { return Outcome() }
        let exempt = policy.scopes.filter(\.protected).map(\.cgroupId)
        var addrs: [UInt8] = []
        var prefixes: [UInt32] = []   // prefix length + 1 (the iterator's encoding)
        for e in policy.egress where e.policy == .management {
            if e.address.count == 4 {
                addrs += [UInt8](repeating: 0, count: 10) + [0xff, 0xff] + e.address
                prefixes.append(UInt32(96 + min(32, max(0, e.prefixLength)) + 1))
            } else if e.address.count == 16 {
                addrs += e.address
                prefixes.append(UInt32(min(128, max(0, e.prefixLength)) + 1))
            }
        }
        let namespaces = Self.otherNetworkNamespaces()
        defer { for fd in namespaces { close(fd) } }
        return try lock.withLock { total throws(SensorError) -> Outcome in
            var out = Outcome()
            for cg in targets {
                var destroyed: UInt64 = 0, examined: UInt64 = 0
                let rc = mamori_sockdestroy_run(skeleton, cg, addrs, prefixes, Int32(prefixes.count),
                                                exempt, Int32(exempt.count), namespaces, Int32(namespaces.count),
                                                &destroyed, &examined)
                if rc != 0 { throw SensorError.mapWrite(map: "sock_destroy iterator", errno: -rc) }
                out.destroyed += destroyed
                out.examined += examined
            }
            total.destroyed += out.destroyed
            total.examined += out.examined
            return out
        }
    }

    /// Most network namespaces walked per run besides the agent's own.
    static let maxNamespaces = 512

    /// Open descriptors of the network namespaces processes live in, other than ours, one per
    /// namespace (by inode), from /proc/<pid>/ns/net. A socket iterator sees only the namespace
    /// it was created in, and an isolated service or container may have its own.
    static func otherNetworkNamespaces() -> [Int32] {
        var own = stat()
        guard stat("/proc/self/ns/net", &own) == 0, let proc = opendir("/proc") else { return [] }
        defer { closedir(proc) }
        var seen: Set<UInt64> = [UInt64(own.st_ino)]
        var fds: [Int32] = []
        while let entry = readdir(proc), fds.count < maxNamespaces {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let first = name.utf8.first, first >= 0x30 && first <= 0x39 else { continue }
            var st = stat()
            let path = "/proc/\(name)/ns/net"
            guard stat(path, &st) == 0, seen.insert(UInt64(st.st_ino)).inserted else { continue }
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { fds.append(fd) }
        }
        return fds
    }

    /// `destroy` for `PolicyMaps.apply`, whose policy stands whatever happens here (the skb
    /// programs still starve the sockets): a failure is kept in `lastError`, not thrown.
    func destroyRecordingErrors(isolatedIn policy: KernelPolicy) {
        guard enabled.load(ordering: .relaxed) else { return }
        do throws(SensorError) { try destroy(isolatedIn: policy); lastErrorSlot.withLock { $0 = nil } }
        catch { lastErrorSlot.withLock { $0 = error } }
    }

    private let lastErrorSlot = Mutex<SensorError?>(nil)
    private let enabled = Atomic<Bool>(true)
    /// Off: `PolicyMaps.apply` leaves sockets to the skb programs alone, as on a kernel
    /// without the kfunc (tests of that fallback use it).
    public func setEnabled(_ on: Bool) { enabled.store(on, ordering: .relaxed) }
    /// The last failure of a destroy run made by `PolicyMaps.apply`, nil after a success.
    public var lastError: SensorError? { lastErrorSlot.withLock { $0 } }

    /// Totals since load.
    public var totals: Outcome { lock.withLock { $0 } }
}
