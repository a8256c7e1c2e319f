/// Which kernel hook reports opened files on this kernel (bpf/file.bpf.c), chosen at load.
///
/// Exists because the cheaper, more correct hook is not available everywhere: where fexit
/// attaches (the Debian 6.1 guest of `make test-vm`) one program after `security_file_open`
/// sees the `struct file` being opened — no argument save, no fd-table walk, no user-path
/// TOCTOU, io_uring opens included — and replaces the eight open/openat/openat2/creat syscall
/// tracepoints. Where fexit is refused (this 6.18 host: EPERM) the tracepoints stay. Chosen by
/// `SensorProgram` before load (with a fallback when the verifier refuses the fexit program),
/// explained by `mamori doctor` with the same texts. A plain value: any thread.
public enum FileOpenTier: String, Sendable, Equatable {
    /// `fexit/security_file_open`: one program per open, after every LSM allowed it.
    case fexit
    /// `sys_{enter,exit}_{open,openat,openat2,creat}`: the enter saves write intents, the exit
    /// resolves the fd.
    case syscallTracepoints = "syscall-tracepoints"

    /// The program of the fexit tier.
    static let fexitProgram = "mamori_file_open_fexit"
    /// The kernel function it attaches to (probed by `KernelProbe.fileOpenFexitWorks`).
    static let fexitFunction = "security_file_open"
    /// The programs of the tracepoint tier.
    static let syscallPrograms: Set<String> = Set(["open", "openat", "openat2", "creat"].flatMap {
        ["mamori_\($0)_enter", "mamori_\($0)_exit"]
    })

    /// The programs this tier leaves out of the load.
    var unusedPrograms: Set<String> {
        self == .fexit ? Self.syscallPrograms : [Self.fexitProgram]
    }

    /// One line on how opens are observed.
    public var description: String {
        switch self {
        case .fexit:
            return "fexit/security_file_open: the opened struct file after the LSM verdict (no path TOCTOU, io_uring opens seen)"
        case .syscallTracepoints:
            return "syscall tracepoints open/openat/openat2/creat (fexit refused here)"
        }
    }
}
