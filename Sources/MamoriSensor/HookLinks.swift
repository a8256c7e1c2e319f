import CLibbpf
import CMamoriBPF
import Glibc

/// The attach half of a loaded BPF object: which programs to leave out on this kernel, the
/// links of the ones attached, and their teardown.
///
/// Exists so that every object Mamori loads — the sensor (`SensorProgram`) and the benchmark
/// floor (`FloorProgram`) — attaches and detaches its SEC() hooks the same way. Owned by one
/// program object and used from one thread at a time; `destroyAll()` must run before the
/// object the links came from is freed.
struct HookLinks {
    private(set) var links: [OpaquePointer] = []
    /// Programs that attached, as "name -> hook".
    private(set) var attached: [(program: String, hook: String)] = []
    /// Programs left out because their hook does not exist on this kernel (or no cgroup v2).
    var skipped: [(program: String, hook: String)] = []

    /// Before load: turn off autoload of every program whose hook this kernel lacks, and
    /// remember them in `skipped`.
    mutating func disableMissingHooks(in obj: OpaquePointer?) {
        var prog = bpf_object__next_program(obj, nil)
        while let p = prog {
            let section = String(cString: bpf_program__section_name(p))
            if !Self.hookExists(section: section) {
                bpf_program__set_autoload(p, false)
                skipped.append((String(cString: bpf_program__name(p)), section))
            }
            prog = bpf_object__next_program(obj, p)
        }
    }

    /// Before load: turn off autoload of every program whose section starts with `sectionPrefix`
    /// (a mechanism this kernel cannot use), and remember them in `skipped`.
    mutating func disablePrograms(in obj: OpaquePointer?, sectionPrefix: String) {
        var prog = bpf_object__next_program(obj, nil)
        while let p = prog {
            let section = String(cString: bpf_program__section_name(p))
            if section.hasPrefix(sectionPrefix) && bpf_program__autoload(p) {
                bpf_program__set_autoload(p, false)
                skipped.append((String(cString: bpf_program__name(p)), section + " (not usable here)"))
            }
            prog = bpf_object__next_program(obj, p)
        }
    }

    /// Before load: turn off autoload of the programs in `names` (optional programs an earlier
    /// load attempt saw refused, `OptionalPrograms`), and remember them in `skipped`.
    mutating func disablePrograms(in obj: OpaquePointer?, named names: Set<String>, reason: String) {
        guard !names.isEmpty else { return }
        var prog = bpf_object__next_program(obj, nil)
        while let p = prog {
            let name = String(cString: bpf_program__name(p))
            if names.contains(name) && bpf_program__autoload(p) {
                bpf_program__set_autoload(p, false)
                skipped.append((name, String(cString: bpf_program__section_name(p)) + " (\(reason))"))
            }
            prog = bpf_object__next_program(obj, p)
        }
    }

    /// Before load: turn off autoload of the programs in `names` without listing them as
    /// skipped (the other tier of a hook this kernel offers twice, `FileOpenTier`).
    func disableReplaced(in obj: OpaquePointer?, named names: Set<String>) {
        var prog = bpf_object__next_program(obj, nil)
        while let p = prog {
            if names.contains(String(cString: bpf_program__name(p))) { bpf_program__set_autoload(p, false) }
            prog = bpf_object__next_program(obj, p)
        }
    }

    /// Attach every loaded program: tracepoints and tp_btf directly, cgroup sock_addr programs
    /// at the cgroup v2 root. On failure everything attached so far is destroyed again before
    /// the error is thrown.
    /// Programs for which `deferred` is true are left for their owner to attach on demand
    /// (`IsolationLinks`).
    mutating func attachAll(object obj: OpaquePointer?, cgroupRoot: String?,
                            deferred: (String) -> Bool = { _ in false }) throws(SensorError) {
        var cgroupFD: Int32 = -1
        defer { if cgroupFD >= 0 { close(cgroupFD) } }
        var prog = bpf_object__next_program(obj, nil)
        while let p = prog {
            defer { prog = bpf_object__next_program(obj, p) }
            guard bpf_program__autoload(p) else { continue }
            let name = String(cString: bpf_program__name(p))
            let section = String(cString: bpf_program__section_name(p))
            if deferred(name) { continue }
            var link: OpaquePointer?
            if section.hasPrefix("cgroup/") || section.hasPrefix("cgroup_skb/") {
                guard let root = cgroupRoot else {
                    skipped.append((name, section + " (no cgroup v2 mount)"))
                    continue
                }
                if cgroupFD < 0 {
                    cgroupFD = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                    if cgroupFD < 0 { let e = errno; destroyAll(); throw .cgroupRoot(path: root, errno: e) }
                }
                link = bpf_program__attach_cgroup(p, cgroupFD)
            } else {
                link = bpf_program__attach(p)
            }
            guard let l = link else {
                let e = errno
                if Self.isOptional(program: name) {
                    // DNS observation is optional: the sensor runs without it (doctor says so).
                    skipped.append((name, section + " (attach failed: errno \(e), optional)"))
                    continue
                }
                destroyAll()
                throw .attach(program: name, section: section, errno: e)
            }
            links.append(l)
            attached.append((name, section))
        }
    }

    /// Programs whose attach failure leaves the sensor running without them: the DNS
    /// observers (cgroup skb, bpf/dns.bpf.c). They never drop or alter a packet.
    static func isOptional(program name: String) -> Bool { name.hasPrefix("mamori_dns_") }

    /// Each attached link with its program's name (pinning picks the prevention ones).
    var namedLinks: [(program: String, link: OpaquePointer)] {
        zip(attached, links).map { ($0.program, $1) }
    }

    /// Destroy every link (newest first). Idempotent. A pinned link stays attached: destroying
    /// closes this process's descriptor, the pin keeps its own reference.
    ///
    /// Each tracepoint detach waits for an RCU grace period under the kernel's tracepoint
    /// mutex (~80 ms here), so detaching all 47 links takes 3–4 s; closing them from several
    /// threads was measured not to help (the mutex serialises them).
    mutating func destroyAll() {
        for l in links.reversed() { bpf_link__destroy(l) }
        links.removeAll()
        attached.removeAll()
    }

    /// libbpf's captured log (the verifier's output after a failed load).
    static func capturedLog() -> String {
        var buf = [CChar](repeating: 0, count: 64 * 1024)
        mamori_bpf_read_log(&buf, buf.count)
        return String(cString: buf)
    }

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
