import Foundation
import Glibc

/// auditd as a peer sensor for `mamori bench --peer auditd`, with rules equivalent to what
/// Mamori reports by default: execve, connect, write/create/truncate opens, renames, unlinks
/// and chmods (64-bit syscalls).
///
/// Exists so that the same workloads run beside a sensor operators already know, in the same
/// interleaved rounds. The host is left exactly as found: `stop()` deletes only the rules it
/// added (key `mamori-bench`), restores the audit `enabled` state, and stops auditd again when
/// it was not running before. Its cost is charged as the CPU of auditd plus kauditd, and the
/// bytes it wrote to its log. Driver thread only.
final class AuditdPeer {
    static let key = "mamori-bench"
    /// O_WRONLY | O_RDWR | O_CREAT | O_TRUNC: an open auditd should log (Mamori's write-opens).
    static let writeOpenMask = "0x243"
    static let rules: [[String]] = [
        ["-a", "always,exit", "-F", "arch=b64", "-S", "execve,execveat", "-k", key],
        ["-a", "always,exit", "-F", "arch=b64", "-S", "connect", "-k", key],
        ["-a", "always,exit", "-F", "arch=b64", "-S", "openat", "-F", "a2&\(writeOpenMask)", "-k", key],
        ["-a", "always,exit", "-F", "arch=b64", "-S", "open", "-F", "a1&\(writeOpenMask)", "-k", key],
        ["-a", "always,exit", "-F", "arch=b64", "-S", "creat,truncate,rename,renameat,renameat2,unlink,unlinkat,chmod,fchmod,fchmodat",
         "-k", key],
    ]

    let auditctl: String
    let wasRunning: Bool
    let enabledBefore: String
    let logPath: String
    private(set) var probes: [ProcessProbe] = []
    private var stopped = false

    /// `auditctl` path, or nil when auditd is not installed.
    static func auditctlPath() -> String? {
        let paths: [String] = ["/usr/sbin/auditctl", "/sbin/auditctl"]
        return paths.first { access($0, X_OK) == 0 }
    }

    init(logPath: String = "/var/log/audit/audit.log") throws(BenchError) {
        guard let ctl = Self.auditctlPath() else {
            throw .setup("auditd is not installed (apt-get install auditd; `make bench-deps` does it)")
        }
        auditctl = ctl
        self.logPath = logPath
        let status = (try? Subprocess.output(ctl, ["-s"])) ?? ""
        enabledBefore = status.split(separator: "\n").first { $0.hasPrefix("enabled ") }.map { String($0.dropFirst(8)) } ?? "0"
        wasRunning = Self.pid(named: "auditd") != nil
        if !wasRunning {
            let daemons: [String] = ["/usr/sbin/auditd", "/sbin/auditd"]
            let daemon = daemons.first { access($0, X_OK) == 0 }
            guard let daemon else { throw .setup("auditd binary not found") }
            // auditd daemonizes and its daemon keeps inherited descriptors: no pipe, just wait.
            // system(3) waits for (and reaps) the parent, which exits once the daemon is up.
            guard system(daemon + " </dev/null >/dev/null 2>&1") == 0 else { throw .setup("cannot start auditd (\(daemon))") }
            for _ in 0..<100 where Self.pid(named: "auditd") == nil { usleep(20_000) }
        }
        do {
            _ = try Subprocess.output(ctl, ["-e", "1"])
            for r in Self.rules { _ = try Subprocess.output(ctl, r) }
        } catch {
            stop()
            throw error
        }
        probes = [Self.pid(named: "auditd"), Self.pid(named: "kauditd")].compactMap { $0 }.map { ProcessProbe(pid: $0) }
    }

    /// CPU seconds of auditd and kauditd together.
    func cpuSeconds() -> Double { probes.reduce(0) { $0 + $1.cpuSeconds() } }

    /// Current size of auditd's log (bytes written are differences of this).
    func logBytes() -> UInt64 {
        var st = stat()
        return stat(logPath, &st) == 0 ? UInt64(st.st_size) : 0
    }

    /// Remove the rules, restore `enabled`, stop auditd if it was not running. Idempotent.
    func stop() {
        guard !stopped else { return }
        stopped = true
        _ = try? Subprocess.output(auditctl, ["-D", "-k", Self.key])
        if !wasRunning, let pid = Self.pid(named: "auditd") {
            kill(pid, SIGTERM)
            for _ in 0..<100 where kill(pid, 0) == 0 { usleep(20_000) }
        }
        _ = try? Subprocess.output(auditctl, ["-e", enabledBefore])
    }

    deinit { stop() }

    /// The pid of the process whose comm is `name` (first found), from /proc.
    static func pid(named name: String) -> Int32? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for e in entries {
            guard let pid = Int32(e),
                  let comm = try? String(contentsOfFile: "/proc/\(e)/comm", encoding: .utf8) else { continue }
            if comm.trimmingCharacters(in: .whitespacesAndNewlines) == name { return pid }
        }
        return nil
    }
}
