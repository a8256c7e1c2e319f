import CLibbpf
import CMamoriABI
import CMamoriBPF
import Glibc
import MamoriPolicy

/// Owns the loaded BPF object and every link attached from it.
///
/// Exists so that the kernel side has exactly one owner: `deinit` (or `detach()`) destroys
/// all links first and then the object, so whatever path the process takes out of a scope —
/// error, test failure, Ctrl-C — nothing stays attached. Use from one thread at a time.
public final class SensorProgram {
    private var skeleton: OpaquePointer?
    private var hooks = HookLinks()
    /// Programs that attached, as "name -> hook".
    public var attached: [(program: String, hook: String)] { hooks.attached }
    /// Programs left out because their hook does not exist on this kernel.
    public var skipped: [(program: String, hook: String)] { hooks.skipped }
    public let options: SensorOptions
    public let maps: SensorMaps
    /// The prevention maps: `policy.apply(_:)` makes the kernel enforce a `KernelPolicy`.
    public let policy: PolicyMaps
    /// The isolation skb programs, attached only while a scope is isolated.
    public let isolation: IsolationLinks
    /// The fail-closed pins, when `options.failClosed` and `options.pinDirectory` are set.
    public let pins: PreventionPins?
    /// Policy maps taken over from pins left by an earlier agent (their entries were kept).
    public private(set) var reusedMaps: Set<String> = []
    /// How denied executables are stopped on this kernel (chosen before load).
    public var preventionMechanism: PreventionMechanism { policy.mechanism }
    /// Which hook reports opened files on this kernel (chosen before load).
    public private(set) var fileOpenTier: FileOpenTier = .syscallTracepoints

    /// Open, size, verify and load the embedded programs, and write the initial config.
    /// Nothing is attached yet: call `attach(cgroupRoot:)`.
    public init(options: SensorOptions = SensorOptions(), selfTgid: UInt32 = UInt32(getpid())) throws(SensorError) {
        guard mamori_bpf_embedded() == 1 else { throw .skeletonMissing }
        guard geteuid() == 0 else { throw .notRoot }
        self.options = options
        mamori_bpf_capture_log(options.verboseLibbpf ? 1 : 0)
        // BPF LSM where the kernel accepts it (exec gets EPERM, protected files are enforced);
        // otherwise the LSM programs stay out and exec denial is a SIGKILL at exec.
        let mechanism: PreventionMechanism = options.allowLSM && KernelProbe.bpfLSMWorks() ? .lsm : .signalAtExec
        // fexit for opens where it attaches; a verifier refusal of it falls back below.
        var tier: FileOpenTier = options.allowFentry && KernelProbe.fileOpenFexitWorks() ? .fexit : .syscallTracepoints
        pins = options.failClosed ? options.pinDirectory.map(PreventionPins.init(directory:)) : nil
        // Load; when the verifier refuses only optional programs (OptionalPrograms), open the
        // object again without them and retry (each retry leaves at least one more out).
        var excluded = Set<String>()
        var obj: OpaquePointer?
        while true {
            mamori_bpf_clear_log()
            hooks = HookLinks()
            guard let skel = mamori_bpf_open() else { throw .open(errno: errno) }
            obj = mamori_bpf_object(skel)
            func map(_ name: String) -> OpaquePointer? { bpf_object__find_map_by_name(obj, name) }
            if let rb = map("mamori_rb_priority") { bpf_map__set_max_entries(rb, options.priorityRingBytes) }
            if let rb = map("mamori_rb_bulk") { bpf_map__set_max_entries(rb, options.bulkRingBytes) }
            hooks.disableMissingHooks(in: obj)
            if mechanism != .lsm { hooks.disablePrograms(in: obj, sectionPrefix: "lsm/") }
            hooks.disableReplaced(in: obj, named: tier.unusedPrograms)
            hooks.disablePrograms(in: obj, named: excluded, reason: "refused by the verifier on this kernel")
            if let pins { reusedMaps = pins.reuseMaps(in: obj) }
            let err = mamori_bpf_load(skel)
            if err == 0 {
                skeleton = skel
                break
            }
            let log = HookLinks.capturedLog()
            let sections = OptionalPrograms.sections(of: obj)
            mamori_bpf_destroy(skel)
            if tier == .fexit && OptionalPrograms.refusedPrograms(inLog: log).contains(FileOpenTier.fexitProgram) {
                tier = .syscallTracepoints
                continue
            }
            guard let next = OptionalPrograms.exclusions(afterLog: log, sections: sections, already: excluded) else {
                throw .load(errno: err, log: log)
            }
            excluded = next
        }
        fileOpenTier = tier
        do {
            maps = try SensorMaps(object: obj)
            try maps.writeConfig(options: options, selfTgid: selfTgid)
            try maps.writeFileBudget(eventsPerSecond: options.kernelFileBudget.eventsPerSecond, burst: options.kernelFileBudget.burst)
            if options.procfsActivity { try maps.enableProcfsActivity() }
            let isolation = IsolationLinks()
            self.isolation = isolation
            policy = try PolicyMaps(object: obj, mechanism: mechanism, configGuard: maps.configGuard,
                                    socketDestroyer: SocketDestroyer.load(), isolation: isolation)
            // A taken-over policy stays in force until the caller applies its own.
            if reusedMaps.isEmpty { try policy.apply(KernelPolicy()) }
            try pins?.pinMaps(in: obj, except: reusedMaps)
        } catch {
            if let skel = skeleton { mamori_bpf_destroy(skel) }
            skeleton = nil
            throw error
        }
    }

    deinit { detach() }

    /// Attach every loaded program: tracepoints and tp_btf directly, cgroup sock_addr programs
    /// at the cgroup v2 root (found by the caller in /proc/mounts). On failure everything that
    /// was attached so far is detached again before the error is thrown.
    public func attach(cgroupRoot: String?) throws(SensorError) {
        guard let skel = skeleton else { return }
        do {
            try hooks.attachAll(object: mamori_bpf_object(skel), cgroupRoot: cgroupRoot,
                                deferred: IsolationLinks.isIsolation(program:))
            // The tamper hook tells the agent's maps, programs and links from anyone else's.
            OwnObjects.publish(object: mamori_bpf_object(skel), links: hooks.links)
            isolation.configure(object: mamori_bpf_object(skel), cgroupRoot: cgroupRoot, pins: pins)
            // A policy taken over from pins that still isolates a scope: isolation stays in
            // force without a gap (attached before the old pins are replaced).
            if policy.readConfig().flags & UInt32(MAMORI_CFG_HAS_ISOLATION) != 0 { try isolation.setAttached(true) }
            if let pins {
                try pins.replaceLinks(hooks.namedLinks, pinnedAlready: isolation.namedLinks.map(\.program))
            } else if let directory = options.pinDirectory {
                // Fail-open: whatever an earlier fail-closed agent left is released now that
                // this agent's own programs are attached.
                PreventionPins(directory: directory).unpinAll()
            }
        } catch {
            detach()
            throw error
        }
    }

    /// Detach all links and free the object. Idempotent. Takes 3–4 s (see `HookLinks.destroyAll`).
    public func detach() {
        isolation.destroy()
        hooks.destroyAll()
        if let s = skeleton {
            mamori_bpf_destroy(s)
            skeleton = nil
        }
    }

    /// File descriptors of the two ring buffers (priority, bulk) for the reader.
    public var ringFDs: (priority: Int32, bulk: Int32) { (maps.priorityRingFD, maps.bulkRingFD) }
}
