#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MamoriEvents

/// Small, allocation-conscious readers for procfs, sysfs and cgroupfs files.
///
/// Exists because /proc files report a size of 0 and must be read until EOF, because every
/// read may fail at any moment (the process exits, or we lack the privilege) and that must be
/// an ordinary `nil` rather than an error, and because this module needs no Foundation.
/// Stateless: safe from any thread.
enum ProcFS {
    /// Reads a whole (small) file; `nil` when it cannot be opened or read. Stops at `limit`.
    static func readBytes(_ path: String, limit: Int = 1 << 20) -> [UInt8]? {
        let fd = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = 4096
        while result.count < limit {
            let old = result.count
            let want = min(chunk, limit - old)
            result.append(contentsOf: repeatElement(0, count: want))
            let n = result.withUnsafeMutableBytes { buf in
                retryingEINTR { read(fd, buf.baseAddress! + old, want) }
            }
            if n < 0 {
                return nil
            }
            result.removeLast(want - n)
            if n == 0 { break }
            chunk = min(chunk * 2, 1 << 16)
        }
        return result
    }

    /// Reads a file as UTF-8 text (invalid sequences repaired); `nil` when unreadable.
    static func readText(_ path: String, limit: Int = 1 << 20) -> String? {
        guard let bytes = readBytes(path, limit: limit) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The target of a symbolic link; `nil` when it cannot be read (EACCES, ENOENT, ...).
    static func readLink(_ path: String) -> String? {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = buffer.withUnsafeMutableBytes { buf in
            path.withCString { readlink($0, buf.baseAddress!.assumingMemoryBound(to: CChar.self), buf.count) }
        }
        guard n >= 0 else { return nil }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }

    /// The inode number of `path` (following symlinks); `nil` when it cannot be stat'ed.
    static func inode(of path: String) -> UInt64? {
        var st = stat()
        let rc = path.withCString { stat($0, &st) }
        return rc == 0 ? UInt64(st.st_ino) : nil
    }

    /// Numeric entries of `procRoot`: the thread-group ids of all visible processes.
    static func listPids(procRoot: String) -> [UInt32]? {
        guard let dir = procRoot.withCString({ opendir($0) }) else { return nil }
        defer { closedir(dir) }
        var pids: [UInt32] = []
        while let entry = readdir(dir) {
            let pid: UInt32? = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                var value: UInt32 = 0
                var digits = 0
                for byte in raw {
                    if byte == 0 { break }
                    guard byte >= 48, byte <= 57, digits < 10 else { return nil }
                    let (m, o1) = value.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(UInt32(byte - 48))
                    if o1 || o2 { return nil }
                    value = a
                    digits += 1
                }
                return digits > 0 ? value : nil
            }
            if let pid { pids.append(pid) }
        }
        return pids
    }

    /// `sysconf(_SC_CLK_TCK)`: the unit of /proc/<pid>/stat times (USER_HZ, almost always 100).
    static let clockTicksPerSecond: UInt64 = {
        let v = sysconf(Int32(_SC_CLK_TCK))
        return v > 0 ? UInt64(v) : 100
    }()

    /// Converts a /proc start time (clock ticks since boot) into `ProcessKey.startTicks` units
    /// (1/100 s). Exact when USER_HZ is 100; otherwise truncated like the kernel's own division.
    @inline(__always)
    static func keyTicks(fromClockTicks ticks: UInt64, ticksPerSecond: UInt64 = clockTicksPerSecond) -> UInt64 {
        if ticksPerSecond == 100 { return ticks }
        return ticks.multipliedFullWidth(by: 100).low / ticksPerSecond
    }

    /// Converts a /proc start time into CLOCK_BOOTTIME nanoseconds (precision: one clock tick).
    @inline(__always)
    static func boottimeNs(fromClockTicks ticks: UInt64, ticksPerSecond: UInt64 = clockTicksPerSecond) -> UInt64 {
        ticks &* (1_000_000_000 / ticksPerSecond)
    }

    /// CLOCK_MONOTONIC now, in nanoseconds.
    static func monotonicNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// True when `/proc/<pid>` exists and is the same process as `key` (its start time matches
    /// within one tick, to absorb USER_HZ conversion rounding). Used to decide whether a live
    /// entry whose exit record was lost may be evicted.
    static func isAlive(_ key: ProcessKey, procRoot: String = "/proc") -> Bool {
        guard let bytes = readBytes("\(procRoot)/\(key.pid)/stat", limit: 4096),
              let stat = ProcStat(parsing: bytes) else { return false }
        let ticks = keyTicks(fromClockTicks: stat.startTime)
        return ticks &+ 1 >= key.startTicks && key.startTicks &+ 1 >= ticks
    }

    @inline(__always)
    private static func retryingEINTR(_ body: () -> Int) -> Int {
        while true {
            let n = body()
            if n >= 0 || errno != EINTR { return n }
        }
    }
}
