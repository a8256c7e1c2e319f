#if canImport(Glibc)
import MamoriSystem
import Glibc
#endif
import MamoriEvents
import MamoriProcess
import Foundation

/// What /proc says about a live process right now: parent, start time, kernel-thread flag,
/// comm, executable, cgroup.
///
/// Exists so the responder checks a pid's identity and protection against the running
/// process, not a possibly stale record. Stateless; any thread.
public struct LiveProcess: Sendable, Equatable {
    public var pid: UInt32
    public var ppid: UInt32
    /// In `ProcessKey.startTicks` units (10 ms), comparable with kernel records.
    public var startTicks: UInt64
    public var isKernelThread: Bool
    public var comm: String
    public var executable: String
    public var cgroupPath: String?
    /// dev/inode of the running executable (stat of /proc/<pid>/exe), when readable.
    public var exeIdentity: FileIdentityKey? = nil

    public var key: ProcessKey { ProcessKey(pid: pid, startTicks: startTicks) }

    public var subject: DecisionSubject {
        DecisionSubject(pid: pid, executable: executable, comm: comm,
                        unit: cgroupPath.flatMap { CgroupPaths.systemdUnit(fromCgroupPath: $0) }, cgroupPath: cgroupPath,
                        exeIdentity: exeIdentity)
    }
}

public enum ProcInspector {
    static let clockTicks = UInt64(max(1, sysconf(Int32(_SC_CLK_TCK))))
    static let pfKthread: UInt64 = 0x0020_0000

    /// (ppid, startTicks, kernel thread, comm) from /proc/<pid>/stat, or nil when gone.
    static func stat(_ pid: UInt32, procRoot: String = "/proc") -> (ppid: UInt32, startTicks: UInt64, kthread: Bool, comm: String)? {
        guard let text = readSmall("\(procRoot)/\(pid)/stat"),
              let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")") else { return nil }
        let comm = String(text[text.index(after: open)..<close])
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] = state (field 3), so field n is fields[n - 3].
        guard fields.count > 19, let ppid = UInt32(fields[1]), let flags = UInt64(fields[6]),
              let start = UInt64(fields[19]) else { return nil }
        return (ppid, start * 100 / clockTicks, flags & pfKthread != 0, comm)
    }

    /// Everything about `pid`, or nil when it does not exist.
    public static func live(_ pid: UInt32, procRoot: String = "/proc") -> LiveProcess? {
        guard let s = stat(pid, procRoot: procRoot) else { return nil }
        var exe = ""
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("\(procRoot)/\(pid)/exe", &buf, buf.count - 1)
        if n > 0 {
            exe = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if exe.hasSuffix(" (deleted)") { exe.removeLast(10) }
        }
        var cgroup: String?
        if let text = readSmall("\(procRoot)/\(pid)/cgroup") {
            for line in text.split(separator: "\n") where line.hasPrefix("0::") { cgroup = String(line.dropFirst(3)) }
        }
        return LiveProcess(pid: pid, ppid: s.ppid, startTicks: s.startTicks, isKernelThread: s.kthread,
                           comm: s.comm, executable: exe, cgroupPath: cgroup,
                           exeIdentity: FileIdentityKey(statOf: "\(procRoot)/\(pid)/exe"))
    }

    /// pid → (ppid, startTicks) of every process.
    static func parentMap(procRoot: String = "/proc") -> [UInt32: (ppid: UInt32, startTicks: UInt64)] {
        var out: [UInt32: (ppid: UInt32, startTicks: UInt64)] = [:]
        for name in DirectoryListing.namesOrEmpty(at: procRoot) {
            guard let pid = UInt32(name), let s = stat(pid, procRoot: procRoot) else { continue }
            out[pid] = (s.ppid, s.startTicks)
        }
        return out
    }

    /// Descendants of `root` in `map`, breadth first (parents before children), with depth.
    static func descendants(of root: UInt32, in map: [UInt32: (ppid: UInt32, startTicks: UInt64)]) -> [(pid: UInt32, depth: Int)] {
        var children: [UInt32: [UInt32]] = [:]
        for (pid, v) in map { children[v.ppid, default: []].append(pid) }
        var out: [(UInt32, Int)] = []
        var queue: [(UInt32, Int)] = [(root, 0)]
        var i = 0
        while i < queue.count {
            let (pid, depth) = queue[i]
            i += 1
            for c in (children[pid] ?? []).sorted() where c != root {
                out.append((c, depth + 1))
                queue.append((c, depth + 1))
            }
        }
        return out
    }

    /// Descendants of `root` (parents first) with depth and start time, from
    /// /proc/<pid>/task/<tid>/children where the kernel has it (CONFIG_PROC_CHILDREN), else
    /// from a scan of every /proc/<pid>/stat.
    typealias Member = (pid: UInt32, ppid: UInt32, depth: Int, startTicks: UInt64)

    static func lineage(of root: UInt32, procRoot: String = "/proc") -> [Member] {
        if let fast = lineageFromChildren(of: root, procRoot: procRoot) { return fast }
        let map = parentMap(procRoot: procRoot)
        return descendants(of: root, in: map).compactMap { d in map[d.pid].map { (d.pid, $0.ppid, d.depth, $0.startTicks) } }
    }

    static func lineageFromChildren(of root: UInt32, procRoot: String) -> [Member]? {
        guard access("\(procRoot)/\(root)/task/\(root)/children", R_OK) == 0 else { return nil }
        var out: [Member] = []
        var queue: [(UInt32, Int)] = [(root, 0)]
        var seen: Set<UInt32> = [root]
        var i = 0
        while i < queue.count {
            let (pid, depth) = queue[i]
            i += 1
            for child in children(of: pid, procRoot: procRoot) where seen.insert(child).inserted {
                guard let s = stat(child, procRoot: procRoot) else { continue }
                out.append((child, pid, depth + 1, s.startTicks))
                queue.append((child, depth + 1))
            }
        }
        return out
    }

    /// Children of every thread of `pid`.
    static func children(of pid: UInt32, procRoot: String) -> [UInt32] {
        var out: [UInt32] = []
        for name in DirectoryListing.namesOrEmpty(at: "\(procRoot)/\(pid)/task") {
            guard UInt32(name) != nil, let text = readSmall("\(procRoot)/\(pid)/task/\(name)/children") else { continue }
            out += text.split(separator: " ").compactMap { UInt32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        return out
    }

    static func readSmall(_ path: String) -> String? {
        FileDescriptor.readSmallFile(path, limit: 8192).map { String(decoding: $0, as: UTF8.self) }
    }

    static func boottimeNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_BOOTTIME, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
