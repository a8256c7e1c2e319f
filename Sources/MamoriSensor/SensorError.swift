import Glibc
import MamoriPolicy

/// Everything that can go wrong while bringing the kernel side up or talking to its maps.
///
/// Each case carries what a person needs to act: the program and hook, the errno, and the
/// tail of libbpf's log (which holds the verifier's reason for a rejected program).
public enum SensorError: Error, CustomStringConvertible, Sendable {
    case notRoot
    case skeletonMissing
    case open(errno: Int32)
    case load(errno: Int32, log: String)
    case attach(program: String, section: String, errno: Int32)
    case cgroupRoot(path: String, errno: Int32)
    case mapMissing(String)
    case mapWrite(map: String, errno: Int32)
    case ringBuffer(errno: Int32)
    case mount(target: String, errno: Int32)
    /// A `KernelPolicy` that cannot be written (nothing was changed; the previous one stays).
    case invalidPolicy(String)
    /// Pinning a prevention link or map under bpffs failed (fail-closed mode).
    case pin(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .notRoot:
            return "the sensor needs root (CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN): run it with sudo"
        case .skeletonMissing:
            return "this binary was built without the BPF object: build it with `make build`"
        case .open(let e):
            return "opening the embedded BPF object failed: \(errnoText(e))"
        case .load(let e, let log):
            let tail = log.split(separator: "\n").suffix(25).joined(separator: "\n")
            return "loading the BPF programs failed: \(errnoText(e))\n--- libbpf/verifier log (tail) ---\n\(tail)"
        case .attach(let p, let s, let e):
            return "attaching program \(p) to \(s) failed: \(errnoText(e))"
        case .cgroupRoot(let path, let e):
            return "opening the cgroup v2 root \(path) failed: \(errnoText(e)); is cgroup2 mounted?"
        case .mapMissing(let m):
            return "the BPF object has no map named \(m) (build mismatch?)"
        case .mapWrite(let m, let e):
            return "writing BPF map \(m) failed: \(errnoText(e))"
        case .ringBuffer(let e):
            return "setting up the ring-buffer reader failed: \(errnoText(e))"
        case .mount(let t, let e):
            return "mounting \(t) failed: \(errnoText(e))"
        case .invalidPolicy(let what):
            return "invalid prevention policy: \(what); nothing was changed, the previous policy stays in force"
        case .pin(let path, let e):
            return "pinning \(path) failed: \(errnoText(e)); is bpffs mounted (mount -t bpf bpf /sys/fs/bpf)?"
        }
    }
}

/// "EPERM (Operation not permitted)" style text for an errno value.
func errnoText(_ e: Int32) -> String {
    let code = e < 0 ? -e : e
    return "errno \(code) (\(String(cString: strerror(code))))"
}
