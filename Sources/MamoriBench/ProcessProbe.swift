import Foundation
import Glibc

/// CPU time and memory of another process, from /proc/<pid>/stat and /proc/<pid>/status.
///
/// Exists to charge the agent child's own cost (all its threads: poller, worker, store
/// writer) to each workload without counting the benchmark driver.
struct ProcessProbe {
    let pid: Int32
    private static let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// utime + stime in seconds (all threads).
    func cpuSeconds() -> Double {
        guard let s = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = s.lastIndex(of: ")") else { return 0 }
        let f = s[s.index(after: close)...].split(separator: " ")
        // after "pid (comm)": state is f[0]; utime is field 14 overall → f[11], stime f[12]
        guard f.count > 12, let u = Double(f[11]), let st = Double(f[12]) else { return 0 }
        return (u + st) / Self.ticks
    }

    /// VmHWM (peak RSS) and VmRSS in bytes.
    func memory() -> (peak: UInt64, current: UInt64) {
        guard let s = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
        var peak: UInt64 = 0, cur: UInt64 = 0
        for line in s.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let kb = UInt64(parts[1]) else { continue }
            if line.hasPrefix("VmHWM:") { peak = kb * 1024 }
            if line.hasPrefix("VmRSS:") { cur = kb * 1024 }
        }
        return (peak, cur)
    }

    /// Reset the peak-RSS watermark to the current RSS (clear_refs 5), so a peak is per workload.
    func resetPeak() {
        let fd = open("/proc/\(pid)/clear_refs", O_WRONLY)
        guard fd >= 0 else { return }
        _ = write(fd, "5", 1)
        Glibc.close(fd)
    }
}

/// Per-program BPF run time from the kernel's bpf_stats (`bpftool prog show --json`).
///
/// Exists for the profile of a missed target: which of Mamori's programs the time goes to.
/// Enabling bpf_stats itself costs ~20 ns per program run, so it is switched on only for the
/// separate profile pass, never while overhead is measured.
enum BPFProfile {
    struct Sample { var runNs: UInt64; var runs: UInt64 }

    static func setEnabled(_ on: Bool) -> Bool {
        let fd = open("/proc/sys/kernel/bpf_stats_enabled", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, on ? "1" : "0", 1) == 1
    }

    /// run_time_ns and run_cnt by program name, for programs whose name starts with `prefix`.
    static func snapshot(prefix: String = "mamori_") -> [String: Sample] {
        guard let out = try? Subprocess.output("/usr/sbin/bpftool", ["prog", "show", "--json"])
                ?? Subprocess.output("/usr/bin/bpftool", ["prog", "show", "--json"]),
              let list = try? JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]] else { return [:] }
        var r: [String: Sample] = [:]
        for p in list {
            guard let name = p["name"] as? String, name.hasPrefix(prefix) else { continue }
            let ns = (p["run_time_ns"] as? NSNumber)?.uint64Value ?? 0
            let cnt = (p["run_cnt"] as? NSNumber)?.uint64Value ?? 0
            var s = r[name] ?? Sample(runNs: 0, runs: 0)
            s.runNs += ns; s.runs += cnt
            r[name] = s
        }
        return r
    }

    static func diff(_ after: [String: Sample], _ before: [String: Sample]) -> [String: Sample] {
        var r: [String: Sample] = [:]
        for (k, a) in after {
            let b = before[k] ?? Sample(runNs: 0, runs: 0)
            if a.runs > b.runs { r[k] = Sample(runNs: a.runNs &- b.runNs, runs: a.runs &- b.runs) }
        }
        return r
    }
}
