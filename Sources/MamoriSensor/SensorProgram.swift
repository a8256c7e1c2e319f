import CLibbpf
import CMamoriABI
import CMamoriBPF
import Glibc

/// Owns the loaded BPF object and every link attached from it.
///
/// Exists so that the kernel side has exactly one owner: `deinit` (or `detach()`) destroys
/// all links first and then the object, so whatever path the process takes out of a scope —
/// error, test failure, Ctrl-C — nothing stays attached. Use from one thread at a time.
public final class SensorProgram {
    private var skeleton: OpaquePointer?
    private var links: [OpaquePointer] = []
    /// Programs that attached, as "name -> hook".
    public private(set) var attached: [(program: String, hook: String)] = []
    /// Programs left out because their hook does not exist on this kernel.
    public private(set) var skipped: [(program: String, hook: String)] = []
    public let options: SensorOptions
    public let maps: SensorMaps

    /// Open, size, verify and load the embedded programs, and write the initial config.
    /// Nothing is attached yet: call `attach(cgroupRoot:)`.
    public init(options: SensorOptions = SensorOptions(), selfTgid: UInt32 = UInt32(getpid())) throws(SensorError) {
        guard mamori_bpf_embedded() == 1 else { throw .skeletonMissing }
        guard geteuid() == 0 else { throw .notRoot }
        self.options = options
        mamori_bpf_capture_log(options.verboseLibbpf ? 1 : 0)
        mamori_bpf_clear_log()
        guard let skel = mamori_bpf_open() else { throw .open(errno: errno) }
        skeleton = skel
        let obj = mamori_bpf_object(skel)

        func map(_ name: String) -> OpaquePointer? { bpf_object__find_map_by_name(obj, name) }
        if let rb = map("mamori_rb_priority") { bpf_map__set_max_entries(rb, options.priorityRingBytes) }
        if let rb = map("mamori_rb_bulk") { bpf_map__set_max_entries(rb, options.bulkRingBytes) }

        var skippedNow: [(String, String)] = []
        var prog = bpf_object__next_program(obj, nil)
        while let p = prog {
            let section = String(cString: bpf_program__section_name(p))
            if !Self.hookExists(section: section) {
                bpf_program__set_autoload(p, false)
                skippedNow.append((String(cString: bpf_program__name(p)), section))
            }
            prog = bpf_object__next_program(obj, p)
        }
        skipped = skippedNow

        let err = mamori_bpf_load(skel)
        if err != 0 {
            var buf = [CChar](repeating: 0, count: 64 * 1024)
            mamori_bpf_read_log(&buf, buf.count)
            let log = String(cString: buf)
            mamori_bpf_destroy(skel)
            skeleton = nil
            throw .load(errno: err, log: log)
        }
        do {
            maps = try SensorMaps(object: obj)
            try maps.writeConfig(options: options, selfTgid: selfTgid)
        } catch {
            mamori_bpf_destroy(skel)
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
        let obj = mamori_bpf_object(skel)
        var cgroupFD: Int32 = -1
        defer { if cgroupFD >= 0 { close(cgroupFD) } }
        var prog = bpf_object__next_program(obj, nil)
        while let p = prog {
            defer { prog = bpf_object__next_program(obj, p) }
            guard bpf_program__autoload(p) else { continue }
            let name = String(cString: bpf_program__name(p))
            let section = String(cString: bpf_program__section_name(p))
            var link: OpaquePointer?
            if section.hasPrefix("cgroup/") {
                guard let root = cgroupRoot else {
                    skipped.append((name, section + " (no cgroup v2 mount)"))
                    continue
                }
                if cgroupFD < 0 {
                    cgroupFD = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                    if cgroupFD < 0 { let e = errno; detach(); throw .cgroupRoot(path: root, errno: e) }
                }
                link = bpf_program__attach_cgroup(p, cgroupFD)
            } else {
                link = bpf_program__attach(p)
            }
            guard let l = link else {
                let e = errno
                detach()
                throw .attach(program: name, section: section, errno: e)
            }
            links.append(l)
            attached.append((name, section))
        }
    }

    /// Detach all links and free the object. Idempotent.
    ///
    /// Each tracepoint detach waits for an RCU grace period under the kernel's tracepoint
    /// mutex (~80 ms here), so detaching all 47 links takes 3–4 s; closing them from several
    /// threads was measured not to help (the mutex serialises them).
    public func detach() {
        for l in links.reversed() { bpf_link__destroy(l) }
        links.removeAll()
        attached.removeAll()
        if let s = skeleton {
            mamori_bpf_destroy(s)
            skeleton = nil
        }
    }

    /// File descriptors of the two ring buffers (priority, bulk) for the reader.
    public var ringFDs: (priority: Int32, bulk: Int32) { (maps.priorityRingFD, maps.bulkRingFD) }

    /// Whether the hook behind a SEC() name exists on this kernel. Syscall tracepoints vary
    /// (fchmodat2 is 6.6+, open/creat are absent on arm64); tp_btf and cgroup hooks are
    /// checked by the load itself.
    static func hookExists(section: String) -> Bool {
        guard section.hasPrefix("tracepoint/") else { return true }
        let rest = section.dropFirst("tracepoint/".count)
        for base in ["/sys/kernel/tracing/events/", "/sys/kernel/debug/tracing/events/"] {
            if access(base + rest, F_OK) == 0 { return true }
        }
        return false
    }
}

