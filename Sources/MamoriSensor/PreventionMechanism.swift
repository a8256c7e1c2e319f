/// How this sensor keeps a denied executable from running, and what that implies for
/// protected files.
///
/// Exists because the choice depends on the running kernel (BPF LSM accepted or not) and must
/// be made before the BPF object is loaded; `SensorProgram` makes it, `mamori doctor` explains
/// it with the same texts. A plain value: any thread.
public enum PreventionMechanism: String, Sendable, Equatable {
    /// BPF LSM `bprm_check_security`: execve fails with EPERM; the old image keeps running.
    /// Protected files are enforced (write opens, truncate, unlink, rename get EPERM).
    case lsm
    /// No usable BPF LSM: SIGKILL from the exec tracepoint, before the first user instruction.
    /// Protected files cannot be enforced in the kernel.
    case signalAtExec

    /// One line on how a denied exec ends.
    public var execDenial: String {
        switch self {
        case .lsm:
            return "bpf-lsm: a denied exec fails with EPERM (scripts are checked by their own inode too)"
        case .signalAtExec:
            return "sigkill-at-exec: a denied exec is killed by SIGKILL before its first user instruction "
                + "(exit status 137; a #! script is judged by its interpreter's inode)"
        }
    }

    /// One line on what protected files get.
    public var fileProtection: String {
        switch self {
        case .lsm:
            return "enforced: write opens, truncate, unlink and rename of protected files get EPERM"
        case .signalAtExec:
            return "not enforceable without BPF LSM: writes are only detected after the fact "
                + "(file events, rules may respond); nothing is refused"
        }
    }
}
