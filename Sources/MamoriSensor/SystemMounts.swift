import Glibc

/// Makes sure the pseudo filesystems the sensor needs are mounted (bpffs for pins, tracefs
/// for tracepoint ids, securityfs for the active LSM list), mounting them when absent. Call once at start, from any thread.
public enum SystemMounts {
    public static let bpffs = "/sys/fs/bpf"
    public static let tracefs = "/sys/kernel/tracing"
    public static let securityfs = "/sys/kernel/security"

    /// Mount bpffs and tracefs where missing. Returns what it mounted.
    @discardableResult
    public static func ensure() throws(SensorError) -> [String] {
        var mounted: [String] = []
        if try mountIfNeeded(fstype: "bpf", target: bpffs) { mounted.append(bpffs) }
        if try mountIfNeeded(fstype: "tracefs", target: tracefs) { mounted.append(tracefs) }
        // securityfs tells which LSMs are active (BPF LSM); optional, so failures are ignored.
        if (try? mountIfNeeded(fstype: "securityfs", target: securityfs)) == true { mounted.append(securityfs) }
        return mounted
    }

    /// True when some filesystem of `fstype` is mounted exactly at `target` (from /proc/mounts).
    public static func isMounted(fstype: String, at target: String) -> Bool {
        guard let text = readSmallFile("/proc/mounts") else { return false }
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", maxSplits: 3)
            if f.count >= 3 && f[1] == target && f[2] == fstype { return true }
        }
        return false
    }

    /// Where the first filesystem of `fstype` is mounted (from /proc/mounts), nil when none is.
    public static func mountPoint(fstype: String) -> String? {
        guard let text = readSmallFile("/proc/mounts") else { return nil }
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", maxSplits: 3)
            if f.count >= 3 && f[2] == fstype { return String(f[1]) }
        }
        return nil
    }

    private static func mountIfNeeded(fstype: String, target: String) throws(SensorError) -> Bool {
        if isMounted(fstype: fstype, at: target) { return false }
        mkdir(target, 0o755)
        if mount(fstype, target, fstype, 0, nil) != 0 {
            let e = errno
            if e == EBUSY { return false }
            throw .mount(target: target, errno: e)
        }
        return true
    }
}

/// Reads a small text file (procfs/sysfs) in one go; nil when it cannot be read.
func readSmallFile(_ path: String, limit: Int = 1 << 20) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { return nil }
    defer { close(fd) }
    var out = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 16384)
    while out.count < limit {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 { if errno == EINTR { continue }; return nil }
        if n == 0 { break }
        out.append(contentsOf: chunk[0..<n])
    }
    return String(decoding: out, as: UTF8.self)
}
