import CLibbpf
import CMamoriABI
import Glibc
import MamoriPolicy

/// Userspace's view of the kernel maps: runtime config, the read-watch set, muted processes
/// and the drop counters.
///
/// Exists so that interest sets can change while the sensor runs (no reload). Map updates are
/// single syscalls and safe from any thread; the type holds only file descriptors, which stay
/// valid as long as the owning `SensorProgram` lives.
public struct SensorMaps: Sendable {
    let configFD: Int32
    /// The one writer of the config map (shared with `PolicyMaps`); `verify()` checks it.
    public let configGuard: ConfigGuard
    let watchFD: Int32
    let watchDevsFD: Int32
    let mutedFD: Int32
    let dropsFD: Int32
    let priorityRingFD: Int32
    let bulkRingFD: Int32
    let repeatFD: Int32
    let uidBudgetFD: Int32
    let uidBudgetCfgFD: Int32
    let cpuCount: Int

    /// The descriptor of map `name` in a loaded object (shared with `PolicyMaps`).
    static func mapFD(_ object: OpaquePointer?, _ name: String) throws(SensorError) -> Int32 {
        guard let m = bpf_object__find_map_by_name(object, name) else { throw .mapMissing(name) }
        return bpf_map__fd(m)
    }

    init(object: OpaquePointer?) throws(SensorError) {
        func fd(_ name: String) throws(SensorError) -> Int32 { try Self.mapFD(object, name) }
        configFD = try fd("mamori_config_map")
        configGuard = ConfigGuard(configFD: configFD)
        watchFD = try fd("mamori_watch")
        watchDevsFD = try fd("mamori_watch_devs")
        mutedFD = try fd("mamori_muted")
        dropsFD = try fd("mamori_drops")
        priorityRingFD = try fd("mamori_rb_priority")
        bulkRingFD = try fd("mamori_rb_bulk")
        repeatFD = try fd("mamori_file_repeat")
        uidBudgetFD = try fd("mamori_uid_budget")
        uidBudgetCfgFD = try fd("mamori_uid_budget_cfg")
        cpuCount = max(1, Int(libbpf_num_possible_cpus()))
    }

    /// Rewrite the runtime configuration (takes effect on the next event).
    public func writeConfig(options: SensorOptions, selfTgid: UInt32) throws(SensorError) {
        var cfg = mamori_config()
        cfg.self_tgid = selfTgid
        if let identity = Self.agentIdentity(tgid: selfTgid) {
            (cfg.self_exe_dev, cfg.self_exe_ino, cfg.self_uid) = identity
        }
        var flags: UInt32 = 0
        if options.fileEvents { flags |= UInt32(MAMORI_CFG_FILE_EVENTS) }
        if options.networkEvents { flags |= UInt32(MAMORI_CFG_NET_EVENTS) }
        if options.reportFailedFileOps { flags |= UInt32(MAMORI_CFG_REPORT_FAILED) }
        if options.foldFileRepeats { flags |= UInt32(MAMORI_CFG_FILE_REPEATS) }
        // Keep the bits other writers own: the watch set's and the prevention policy's.
        let previous = readConfig()
        cfg.flags = flags | (previous.flags & (UInt32(MAMORI_CFG_HAS_WATCHES) | EncodedPolicy.ownedFlags))
        cfg.host_level = previous.host_level
        cfg.wake_bytes = (options.wakeBytes.priority, options.wakeBytes.bulk)
        cfg.wake_delay_ns = (options.wakeDelayNs.priority, options.wakeDelayNs.bulk)
        cfg.udp_flow_ttl_ns = options.udpFlowTTLNs
        try configGuard.write(cfg)
    }

    /// The executable (kernel dev_t, inode) and uid of process `tgid`, which the kernel checks
    /// with the tgid before it treats a task as the agent (`mamori_is_agent`). Nil for tgid 0 or
    /// a process that is gone: the kernel then treats nobody as the agent.
    static func agentIdentity(tgid: UInt32) -> (dev: UInt32, ino: UInt64, uid: UInt32)? {
        guard tgid != 0 else { return nil }
        var exe = stat()
        var proc = stat()
        guard stat("/proc/\(tgid)/exe", &exe) == 0, stat("/proc/\(tgid)", &proc) == 0 else { return nil }
        // The kernel compares current_uid() (real uid); /proc/<pid> is owned by the euid, so
        // the test process and the agent (real = effective) read their own uid directly.
        let uid = tgid == UInt32(getpid()) ? getuid() : proc.st_uid
        return (KernelDevice.encode(exe.st_dev), UInt64(exe.st_ino), uid)
    }

    /// Report read-only opens of this file (`children == false`) or of any file directly in
    /// this directory (`children == true`). Returns false when the path does not exist.
    @discardableResult
    public func watch(path: String, children: Bool = false) throws(SensorError) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        var key = mamori_watch_key()
        key.dev = KernelDevice.encode(st.st_dev)
        key.ino = UInt64(st.st_ino)
        var value: UInt32 = children ? UInt32(MAMORI_WATCH_CHILDREN) : UInt32(MAMORI_WATCH_FILE)
        // The device summary first: the kernel consults it before the watch set, so an entry
        // is never in the set while its device is missing from the summary.
        try addWatchedDevice(key.dev, bits: value)
        var old: UInt32 = 0
        if bpf_map_lookup_elem(watchFD, &key, &old) == 0 { value |= old }
        if bpf_map_update_elem(watchFD, &key, &value, UInt64(BPF_ANY)) != 0 {
            throw .mapWrite(map: "mamori_watch", errno: errno)
        }
        // The read path skips the watch lookups entirely until the first watch exists.
        var cfg = readConfig()
        if cfg.flags & UInt32(MAMORI_CFG_HAS_WATCHES) == 0 {
            cfg.flags |= UInt32(MAMORI_CFG_HAS_WATCHES)
            try configGuard.write(cfg)
        }
        return true
    }

    /// Turn on the procfs activity signal (bpf/lib/procfs.h): opens of another process's
    /// /proc/<pid>/{mem,environ,maps,...} and write opens under /proc/sys become activity
    /// records. Registers the device of `procRoot` and enables the read-open path (the same
    /// switch as the first watch). Returns false when `procRoot` is not a procfs mount.
    /// Only this procfs instance is seen: a container's own /proc mount is another device.
    @discardableResult
    public func enableProcfsActivity(procRoot: String = "/proc") throws(SensorError) -> Bool {
        var st = stat()
        guard SystemMounts.isMounted(fstype: "proc", at: procRoot), stat(procRoot, &st) == 0 else { return false }
        var devs = mamori_watch_devs()
        var zero: UInt32 = 0
        _ = bpf_map_lookup_elem(watchDevsFD, &zero, &devs)
        devs.procfs_dev = KernelDevice.encode(st.st_dev)
        if bpf_map_update_elem(watchDevsFD, &zero, &devs, UInt64(BPF_ANY)) != 0 {
            throw .mapWrite(map: "mamori_watch_devs", errno: errno)
        }
        var cfg = readConfig()
        if cfg.flags & UInt32(MAMORI_CFG_HAS_WATCHES) == 0 {
            cfg.flags |= UInt32(MAMORI_CFG_HAS_WATCHES)
            try configGuard.write(cfg)
        }
        return true
    }

    /// Record that `dev` holds watch entries of kind `bits` in `mamori_watch_devs` (the read
    /// path's per-device filter). Past MAMORI_WATCH_DEVS_MAX devices the summary overflows and
    /// the kernel checks every device.
    func addWatchedDevice(_ dev: UInt32, bits: UInt32) throws(SensorError) {
        var devs = mamori_watch_devs()
        var zero: UInt32 = 0
        _ = bpf_map_lookup_elem(watchDevsFD, &zero, &devs)
        let cap = Int(MAMORI_WATCH_DEVS_MAX)
        let count = Int(devs.count)
        if count <= cap {
            withUnsafeMutableBytes(of: &devs.dev) { dp in
                withUnsafeMutableBytes(of: &devs.what) { wp in
                    let d = dp.bindMemory(to: UInt32.self), w = wp.bindMemory(to: UInt32.self)
                    if let i = (0..<count).first(where: { d[$0] == dev }) {
                        w[i] |= bits
                    } else if count < cap {
                        d[count] = dev
                        w[count] = bits
                        devs.count = UInt32(count + 1)
                    } else {
                        devs.count = UInt32(cap + 1) // overflowed: every device may hold a watch
                    }
                }
            }
        }
        if bpf_map_update_elem(watchDevsFD, &zero, &devs, UInt64(BPF_ANY)) != 0 {
            throw .mapWrite(map: "mamori_watch_devs", errno: errno)
        }
    }

    /// The configuration the agent last wrote (the kernel's before the first write), so that
    /// read-modify-write never carries a value another process put into the map.
    func readConfig() -> mamori_config { configGuard.current() }

    /// Stop reporting a process (and only it; its children are reported).
    public func mute(tgid: UInt32) throws(SensorError) {
        var k = tgid
        var v: UInt8 = 1
        if bpf_map_update_elem(mutedFD, &k, &v, UInt64(BPF_ANY)) != 0 {
            throw .mapWrite(map: "mamori_muted", errno: errno)
        }
    }

    public func unmute(tgid: UInt32) {
        var k = tgid
        bpf_map_delete_elem(mutedFD, &k)
    }

    /// Records the kernel could not write, summed over CPUs, indexed by raw kind.
    public func dropCounts() -> [UInt64] {
        var totals = [UInt64](repeating: 0, count: Int(MAMORI_KIND_COUNT.rawValue))
        var perCPU = [UInt64](repeating: 0, count: cpuCount)
        for kind in 0..<totals.count {
            var k = UInt32(kind)
            if bpf_map_lookup_elem(dropsFD, &k, &perCPU) == 0 { totals[kind] = perCPU.reduce(0, +) }
        }
        return totals
    }

}
