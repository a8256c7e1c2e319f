import CLibbpf
import Glibc
import Synchronization

/// The cgroup skb isolation programs (`mamori_prevent_isolate_ingress/egress`,
/// bpf/prevent_net.bpf.c), attached only while some scope is isolated.
///
/// Exists because a cgroup skb program at the cgroup v2 root runs for every packet of every
/// socket on the host: even with nothing isolated (one config lookup, then return) it cost
/// ~270 ns per packet, which a connect or UDP storm pays on every packet both ways. Network
/// isolation is rare (an incident response), so the programs are loaded with the object but
/// attached by `setAttached(true)` when a policy with an isolated scope is applied
/// (`PolicyMaps.apply`, before the config word switches isolation on) and detached once the
/// last isolation ends (after the config word switched it off).
///
/// Crash safety: with fail-closed pins (`PreventionPins`) the links are pinned while attached,
/// so an agent that dies while a scope is isolated leaves the isolation in force; the next
/// agent attaches them again at start when the policy it took over still isolates a scope
/// (`SensorProgram.attach`) before the old pins are replaced, and removes the pins when
/// isolation ends. Without pins the links die with the agent (fail-open, like every link).
///
/// Any thread: every call holds `state`. `destroy()` must run before the BPF object is freed
/// (`SensorProgram.detach`).
public final class IsolationLinks: Sendable {
    static let programNames = ["mamori_prevent_isolate_ingress", "mamori_prevent_isolate_egress"]

    static func isIsolation(program name: String) -> Bool { programNames.contains(name) }

    private struct State {
        // SAFETY: libbpf handles owned by this object; used only with the mutex held.
        var object: OpaquePointer?
        var cgroupRoot: String?
        var pins: PreventionPins?
        var links: [(program: String, link: OpaquePointer)] = []
    }
    private struct Box: @unchecked Sendable { var state: State }
    private let box = Mutex<Box>(Box(state: State()))

    init() {}

    /// Called by `SensorProgram.attach` once the object is loaded and the cgroup root known.
    func configure(object: OpaquePointer?, cgroupRoot: String?, pins: PreventionPins?) {
        box.withLock { $0.state.object = object; $0.state.cgroupRoot = cgroupRoot; $0.state.pins = pins }
    }

    /// Whether the isolation programs are attached now.
    public var isAttached: Bool { box.withLock { !$0.state.links.isEmpty } }

    /// The attached links with their program names (pinning).
    var namedLinks: [(program: String, link: OpaquePointer)] { box.withLock { $0.state.links } }

    /// Attach (and pin, fail-closed) or detach (and unpin) both programs. Attaching twice or
    /// detaching twice does nothing. A program that is not loaded (no cgroup v2, or left out
    /// on this kernel) is skipped; an attach failure detaches what was attached and throws.
    func setAttached(_ on: Bool) throws(SensorError) {
        let result: SensorError? = box.withLock { (b: inout Box) -> SensorError? in
            if on {
                guard b.state.links.isEmpty, let object = b.state.object, let root = b.state.cgroupRoot else { return nil }
                let fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                guard fd >= 0 else { return .cgroupRoot(path: root, errno: errno) }
                defer { close(fd) }
                for name in Self.programNames {
                    guard let p = bpf_object__find_program_by_name(object, name), bpf_program__fd(p) >= 0 else { continue }
                    guard let link = bpf_program__attach_cgroup(p, fd) else {
                        let e = errno
                        Self.release(&b.state)
                        return .attach(program: name, section: String(cString: bpf_program__section_name(p)), errno: e)
                    }
                    b.state.links.append((name, link))
                    if let pins = b.state.pins {
                        let err = pins.pin(link: link, program: name)
                        if err != 0 { Self.release(&b.state); return .pin(path: pins.linkPath(name), errno: err) }
                    }
                }
                OwnObjects.publish(object: object, links: b.state.links.map(\.link))
                return nil
            }
            Self.release(&b.state)
            return nil
        }
        if let result { throw result }
    }

    /// The kernel ids of the two isolation programs of this object (0: not loaded).
    public var programIds: [UInt32] {
        box.withLock { b in
            Self.programNames.map { name in
                guard let object = b.state.object, let p = bpf_object__find_program_by_name(object, name),
                      bpf_program__fd(p) >= 0 else { return 0 }
                var info = bpf_prog_info()
                var len = UInt32(MemoryLayout<bpf_prog_info>.size)
                return bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len) == 0 ? info.id : 0
            }
        }
    }

    /// Ids of every program attached to the cgroup root's skb ingress and egress hooks
    /// (BPF_PROG_QUERY): what the kernel runs per packet, whoever attached it.
    public static func rootSkbPrograms(cgroupRoot: String) -> Set<UInt32> {
        let fd = open(cgroupRoot, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var out = Set<UInt32>()
        for type in [BPF_CGROUP_INET_INGRESS, BPF_CGROUP_INET_EGRESS] {
            var ids = [UInt32](repeating: 0, count: 256)
            var count = UInt32(ids.count)
            var flags: UInt32 = 0
            if bpf_prog_query(fd, type, 0, &flags, &ids, &count) == 0 { out.formUnion(ids.prefix(Int(count))) }
        }
        return out
    }

    /// How many of this object's two isolation programs the kernel runs at the cgroup root
    /// now, checked with BPF_PROG_QUERY rather than this object's own bookkeeping.
    public var attachedInKernel: Int {
        guard let root = box.withLock({ $0.state.cgroupRoot }) else { return 0 }
        let attached = Self.rootSkbPrograms(cgroupRoot: root)
        return programIds.filter { $0 != 0 && attached.contains($0) }.count
    }

    /// Detach for good (the object is about to be freed). Pins stay: a pinned link outlives
    /// this process on purpose (fail-closed); `PreventionPins.unpinAll` removes them.
    func destroy() {
        box.withLock { b in
            for l in b.state.links.reversed() { bpf_link__destroy(l.link) }
            b.state.links.removeAll()
            b.state.object = nil
        }
    }

    /// Unpin and destroy every link: the programs stop running on packets.
    private static func release(_ s: inout State) {
        for l in s.links.reversed() {
            s.pins?.unpin(program: l.program)
            bpf_link__destroy(l.link)
        }
        s.links.removeAll()
        // A pin left by an earlier agent whose links this one never held.
        if let pins = s.pins { for name in programNames { pins.unpin(program: name) } }
    }
}
