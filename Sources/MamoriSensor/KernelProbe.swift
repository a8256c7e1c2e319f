import CLibbpf
import CMamoriBPF
import Glibc

/// What the running kernel offers Mamori, found by trying rather than by version numbers.
///
/// Exists because kernels lie by omission: this VM lists BPF LSM as active yet refuses LSM and
/// fentry programs, another has no kprobes. Each capability is probed by loading (and where
/// it matters attaching) a two-instruction program, so `mamori doctor` and the agent's choice
/// of mechanism reflect what will actually work. Run as root; takes a few milliseconds.
public struct KernelProbe: Sendable {
    /// One probed capability.
    public struct Capability: Sendable, Equatable {
        public var name: String
        public var available: Bool
        /// What it is used for, or why it is missing and what that costs.
        public var detail: String
        /// Whether the sensor cannot run without it.
        public var required: Bool
    }

    public private(set) var capabilities: [Capability] = []

    public func available(_ name: String) -> Bool {
        capabilities.first { $0.name == name }?.available ?? false
    }

    /// Probe everything. `cgroup2Mount` comes from /proc/mounts (see MamoriProcess).
    public static func run(cgroup2Mount: String?) -> KernelProbe {
        var p = KernelProbe()
        let root = geteuid() == 0
        let btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0
        p.add("btf", btf, btf ? "/sys/kernel/btf/vmlinux present: CO-RE relocations work"
                             : "no kernel BTF: CO-RE programs cannot load (needs CONFIG_DEBUG_INFO_BTF=y)", required: true)
        p.add("root", root, root ? "running as root" : "not root: loading BPF programs needs root", required: true)
        let ringbuf = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, nil) == 1
        p.add("ringbuf", ringbuf, ringbuf ? "BPF ring buffer (5.8+)" : "no BPF ring buffer: kernel older than 5.8", required: true)
        let tracefs = SystemMounts.isMounted(fstype: "tracefs", at: SystemMounts.tracefs)
            || access("/sys/kernel/debug/tracing/events", F_OK) == 0
        p.add("tracefs", tracefs, tracefs ? "tracefs mounted (syscall tracepoint ids)" : "tracefs not mounted: the agent mounts it at start", required: false)
        let syscallTP = access("/sys/kernel/tracing/events/syscalls/sys_enter_connect", F_OK) == 0
            || access("/sys/kernel/debug/tracing/events/syscalls/sys_enter_connect", F_OK) == 0
        p.add("syscall_tracepoints", syscallTP, syscallTP ? "syscall tracepoints (network and file events)"
                                                        : "no syscall tracepoints (CONFIG_FTRACE_SYSCALLS) or tracefs not mounted: no network/file events", required: false)
        let btfHandle = btf ? btf__load_vmlinux_btf() : nil
        defer { if let b = btfHandle { btf__free(b) } }
        let tpBTF = root && tracingProbe(btfHandle, kind: BTF_KIND_TYPEDEF, names: ["btf_trace_sched_process_exec"],
                                         type: BPF_PROG_TYPE_TRACING, attach: BPF_TRACE_RAW_TP)
        p.add("tp_btf", tpBTF, tpBTF ? "BTF tracepoints (exec/fork/exit hooks)" : "tp_btf programs refused: no process events", required: true)
        let fentry = root && tracingProbe(btfHandle, kind: BTF_KIND_FUNC, names: ["do_unlinkat", "vfs_unlink", "vfs_open"],
                                          type: BPF_PROG_TYPE_TRACING, attach: BPF_TRACE_FENTRY)
        p.add("fentry", fentry, fentry ? "fentry/fexit usable" : "fentry/fexit refused: syscall tracepoints are used instead", required: false)
        let openFexit = root && tracingProbe(btfHandle, kind: BTF_KIND_FUNC, names: [FileOpenTier.fexitFunction],
                                             type: BPF_PROG_TYPE_TRACING, attach: BPF_TRACE_FEXIT)
        p.add("file_open_fexit", openFexit, openFexit ? "fexit on security_file_open: opens reported from the opened file (one program instead of 8 tracepoints)"
              : "fexit on security_file_open refused: opens use the syscall tracepoints", required: false)
        let lsmActive = (readSmallFile("/sys/kernel/security/lsm") ?? "").split(separator: ",").contains("bpf")
        let lsm = root && tracingProbe(btfHandle, kind: BTF_KIND_FUNC, names: ["bpf_lsm_bprm_check_security"],
                                       type: BPF_PROG_TYPE_LSM, attach: BPF_LSM_MAC)
        p.add("bpf_lsm", lsm, lsm ? "BPF LSM: exec can be denied with EPERM before it runs"
              : (lsmActive ? "BPF LSM listed as active but LSM programs are refused: exec denial falls back to SIGKILL at exec"
                           : "BPF LSM not active (add lsm=...,bpf to the kernel command line): exec denial falls back to SIGKILL at exec"),
              required: false)
        let kprobes = access("/sys/kernel/tracing/kprobe_events", F_OK) == 0
            || access("/sys/kernel/debug/tracing/kprobe_events", F_OK) == 0
        p.add("kprobes", kprobes, kprobes ? "kprobes available (not needed)" : "no kprobes: not needed, tracepoints are used", required: false)
        let signal = libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_send_signal, nil) == 1
        p.add("bpf_send_signal", signal, signal ? "in-kernel SIGKILL at exec possible" : "bpf_send_signal unavailable: kills happen from userspace", required: false)
        let cg = cgroup2Mount != nil
        p.add("cgroup_v2", cg, cgroup2Mount.map { "cgroup v2 mounted at \($0) (UDP flow hooks, egress policy)" }
              ?? "no cgroup v2 mount: UDP send events and egress blocking unavailable", required: false)
        let sockAddr = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, nil) == 1
        p.add("cgroup_sock_addr", sockAddr, sockAddr ? "cgroup connect/sendmsg hooks" : "cgroup sock_addr programs unsupported", required: false)
        let absent = missingActivityHooks()
        p.add("activity_hooks", absent.isEmpty,
              absent.isEmpty ? "ptrace, process_vm_*, memfd_create, utimensat, mount, modules, set*id, capset, kill, setxattr (security.capability), ioctl (chattr flags) tracepoints (activity signals; a verifier refusal is named in the agent's start line)"
                             : "absent here: \(absent.joined(separator: ", ")); those activity signals are off, the sensor runs without them",
              required: false)
        // DNS on the packet path is an optional hook: without it the sensor starts, with no
        // dns events and no destination.domain on connects.
        let skb = cg && libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_CGROUP_SKB, nil) == 1
        p.add("dns_cgroup_skb", skb, skb ? "cgroup skb hooks: dns events, destination.domain on connects"
              : "cgroup skb programs unavailable: optional, no dns events and no destination.domain", required: false)
        return p
    }

    /// The syscalls of optional (activity) programs whose tracepoint this kernel lacks, from
    /// the embedded object's SEC() names (opened, never loaded).
    static func missingActivityHooks() -> [String] {
        guard mamori_bpf_embedded() == 1, let skel = mamori_bpf_open() else { return [] }
        defer { mamori_bpf_destroy(skel) }
        var out = Set<String>()
        for (name, section) in OptionalPrograms.sections(of: mamori_bpf_object(skel))
        where OptionalPrograms.isOptional(program: name) && !HookLinks.hookExists(section: section) {
            out.insert(OptionalPrograms.syscall(ofSection: section) ?? section)
        }
        return out.sorted()
    }

    /// Whether BPF LSM programs load and attach here (the exec-deny mechanism choice).
    public static func bpfLSMWorks() -> Bool {
        guard geteuid() == 0, access("/sys/kernel/btf/vmlinux", R_OK) == 0 else { return false }
        guard let btf = btf__load_vmlinux_btf() else { return false }
        defer { btf__free(btf) }
        return tracingProbe(btf, kind: BTF_KIND_FUNC, names: ["bpf_lsm_bprm_check_security"],
                            type: BPF_PROG_TYPE_LSM, attach: BPF_LSM_MAC)
    }

    /// Whether an fexit program on `security_file_open` loads and attaches here (the file
    /// open tier, `FileOpenTier`).
    public static func fileOpenFexitWorks() -> Bool {
        guard geteuid() == 0, access("/sys/kernel/btf/vmlinux", R_OK) == 0 else { return false }
        guard let btf = btf__load_vmlinux_btf() else { return false }
        defer { btf__free(btf) }
        return tracingProbe(btf, kind: BTF_KIND_FUNC, names: [FileOpenTier.fexitFunction],
                            type: BPF_PROG_TYPE_TRACING, attach: BPF_TRACE_FEXIT)
    }

    private mutating func add(_ name: String, _ ok: Bool, _ detail: String, required: Bool) {
        capabilities.append(Capability(name: name, available: ok, detail: detail, required: required))
    }

    /// Load `r0 = 0; exit` as a tracing-family program against the first BTF id found, then
    /// attach and immediately detach it. True only if both steps succeed.
    static func tracingProbe(_ btf: OpaquePointer?, kind: Int, names: [String],
                             type: bpf_prog_type, attach: bpf_attach_type) -> Bool {
        guard let btf else { return false }
        var id: Int32 = -1
        for n in names {
            id = btf__find_by_name_kind(btf, n, UInt32(kind))
            if id > 0 { break }
        }
        guard id > 0 else { return false }
        var insns = [bpf_insn(), bpf_insn()]
        insns[0].code = 0xb7 // BPF_ALU64 | BPF_MOV | BPF_K: r0 = 0
        insns[1].code = 0x95 // BPF_JMP | BPF_EXIT
        var opts = bpf_prog_load_opts()
        opts.sz = MemoryLayout<bpf_prog_load_opts>.size
        opts.expected_attach_type = attach
        opts.attach_btf_id = UInt32(id)
        let fd = bpf_prog_load(type, "mamori_probe", "GPL", insns, insns.count, &opts)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let link = bpf_raw_tracepoint_open(nil, fd)
        guard link >= 0 else { return false }
        close(link)
        return true
    }
}
