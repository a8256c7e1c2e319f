import CLibbpf
import CMamoriBPF
import Glibc

/// The benchmark floor: Mamori's hook points with programs that only return.
///
/// Exists so that `mamori bench` can separate the cost of being hooked at all (tracepoint
/// dispatch, BPF entry/exit, the cgroup sendmsg hook) from the cost of what the sensor's
/// programs do. Attaches the same SEC() list as `SensorProgram` through the same `HookLinks`
/// (bpf/floor.bpf.c keeps the list in step); no maps, no rings, nothing to read. `deinit` (or
/// `detach()`) destroys the links, then the object. Use from one thread at a time.
public final class FloorProgram {
    private var skeleton: OpaquePointer?
    private var hooks = HookLinks()
    public var attached: [(program: String, hook: String)] { hooks.attached }
    public var skipped: [(program: String, hook: String)] { hooks.skipped }

    /// Open, verify and load the floor programs (nothing attached yet).
    public init() throws(SensorError) {
        guard mamori_floor_embedded() == 1 else { throw .skeletonMissing }
        guard geteuid() == 0 else { throw .notRoot }
        mamori_bpf_capture_log(0)
        mamori_bpf_clear_log()
        guard let skel = mamori_floor_open() else { throw .open(errno: errno) }
        hooks.disableMissingHooks(in: mamori_floor_object(skel))
        let err = mamori_floor_load(skel)
        if err != 0 {
            let log = HookLinks.capturedLog()
            mamori_floor_destroy(skel)
            throw .load(errno: err, log: log)
        }
        skeleton = skel
    }

    deinit { detach() }

    /// Attach every loaded program (cgroup ones at `cgroupRoot`); on failure all is detached.
    public func attach(cgroupRoot: String?) throws(SensorError) {
        guard let skel = skeleton else { return }
        do {
            try hooks.attachAll(object: mamori_floor_object(skel), cgroupRoot: cgroupRoot)
        } catch {
            detach()
            throw error
        }
    }

    /// Detach all links and free the object. Idempotent; takes seconds (RCU per tracepoint).
    public func detach() {
        hooks.destroyAll()
        if let s = skeleton {
            mamori_floor_destroy(s)
            skeleton = nil
        }
    }
}
