#if canImport(Glibc)
import MamoriSystem
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
        try? FileDescriptor.withReadOnly(path) { fd throws(Errno) in
            var result: [UInt8] = []
            try fd.readChunks(chunkSize: min(limit, 1 << 16)) { chunk in
                result += chunk.prefix(limit - result.count)
                return result.count < limit
            }
            return result
        }
    }

    /// Reads a file as UTF-8 text (invalid sequences repaired); `nil` when unreadable.
    static func readText(_ path: String, limit: Int = 1 << 20) -> String? {
        guard let bytes = readBytes(path, limit: limit) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The target of a symbolic link; `nil` when it cannot be read (EACCES, ENOENT, ...).
    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count)
        guard n >= 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The inode number of `path` (following symlinks); `nil` when it cannot be stat'ed.
    static func inode(of path: String) -> UInt64? {
        var st = stat()
        let rc = path.withCString { stat($0, &st) }
        return rc == 0 ? UInt64(st.st_ino) : nil
    }

    /// Numeric entries of `procRoot`: the thread-group ids of all visible processes.
    static func listPids(procRoot: String) -> [UInt32]? {
        guard let names = try? DirectoryListing.names(at: procRoot) else { return nil }
        return names.compactMap { name in
            // Digits only: UInt32("+1") would accept a sign.
            name.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } ? UInt32(name) : nil
        }
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
}
