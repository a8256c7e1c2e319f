import MamoriSystem
import Glibc

/// A JSON-lines file with size-based rotation: `path`, then `path.1` … `path.keep` (oldest).
///
/// Exists because alert logs live for years next to logrotate, full disks and curious admins:
/// - files are created 0640;
/// - before writing a line that would push the file past `maxBytes`, the file is fsynced and
///   closed, older generations shift by one (`path.keep` is deleted), and a new `path` opened;
/// - before every batch the writer checks that `path` still names the file it holds open; if the
///   file was deleted or moved away (logrotate without copytruncate) it reopens `path`;
/// - a failed write (ENOSPC, EIO, …) is counted, never thrown: the partial line is cut off
///   again (`ftruncate`) so the file only ever holds whole lines, and the next write retries.
///
/// fsync policy (`FsyncPolicy`): `.everyBatch` (default) calls fsync after each `write(_:)`
/// batch, `.never` leaves flushing to the kernel. Rotation always fsyncs the closed file.
///
/// Not thread-safe: owned by one thread (the file exporter's thread in `ExportHub`, or a
/// single worker that calls it directly).
public final class RotatingLineWriter {
    /// When data is forced to stable storage (see the type's doc). Any thread may use it.
    public enum FsyncPolicy: Sendable { case never, everyBatch }

    /// Counters since creation. Read them from the owning thread.
    public struct Counters: Sendable, Equatable {
        public var linesWritten: UInt64 = 0
        public var bytesWritten: UInt64 = 0
        /// Lines that could not be written (any errno).
        public var writeFailures: UInt64 = 0
        /// Of those, lines refused for lack of space (ENOSPC / EDQUOT).
        public var noSpaceFailures: UInt64 = 0
        public var rotations: UInt64 = 0
        /// Reopens after the file was deleted or moved by someone else.
        public var reopens: UInt64 = 0
        public var lastErrno: Int32 = 0
    }

    public let path: String
    public let maxBytes: Int
    public let keep: Int
    public let fsyncPolicy: FsyncPolicy
    public private(set) var counters = Counters()

    private var fd: Int32 = -1
    private var size = 0
    private var identity: (dev: UInt64, ino: UInt64) = (0, 0)

    /// Opens (creating) `path`. Throws when the file cannot be opened at all (missing directory,
    /// permission), so a bad path is reported at startup rather than silently later.
    public init(path: String, maxBytes: Int = 64 << 20, keep: Int = 5, fsync: FsyncPolicy = .everyBatch) throws(ExportError) {
        guard maxBytes > 0 else { throw .invalidConfiguration(key: "alerts.rotate_bytes", reason: "must be positive, got \(maxBytes)") }
        guard keep >= 0 else { throw .invalidConfiguration(key: "alerts.keep", reason: "must be ≥ 0, got \(keep)") }
        self.path = path; self.maxBytes = maxBytes; self.keep = keep; self.fsyncPolicy = fsync
        if let e = openFile() { throw .file(path: path, operation: "open", errno: e) }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Appends one line (a newline is added when missing). Returns false when it was not
    /// written (counted).
    @discardableResult
    public func write(_ line: [UInt8]) -> Bool { write([line]) == 1 }

    /// Appends lines in order; returns how many were written. Failures are counted.
    @discardableResult
    public func write(_ lines: [[UInt8]]) -> Int {
        reopenIfReplaced()
        var written = 0
        for line in lines where !line.isEmpty {
            if appendLine(line) { written += 1 }
        }
        if written > 0 && fsyncPolicy == .everyBatch && fd >= 0 { _ = fsync(fd) }
        return written
    }

    /// Flushes to stable storage.
    public func sync() { if fd >= 0 { _ = fsync(fd) } }

    /// Closes the file; a later write reopens it.
    public func close() {
        if fd >= 0 { _ = fsync(fd); Glibc.close(fd); fd = -1 }
    }

    // MARK: - internals

    private func appendLine(_ line: [UInt8]) -> Bool {
        let needsNewline = line.last != 0x0A
        let length = line.count + (needsNewline ? 1 : 0)
        if fd < 0, let e = openFile() { return fail(e) }
        if size > 0 && size + length > maxBytes { rotate() }
        if fd < 0, let e = openFile() { return fail(e) }
        let before = size
        if let e = writeAll(line) ?? (needsNewline ? writeAll([0x0A]) : nil) {
            if size > before { _ = ftruncate(fd, off_t(before)); size = before }  // whole lines only
            return fail(e)
        }
        counters.linesWritten += 1
        counters.bytesWritten += UInt64(length)
        return true
    }

    private func fail(_ e: Int32) -> Bool {
        counters.writeFailures += 1
        if e == ENOSPC || e == EDQUOT { counters.noSpaceFailures += 1 }
        counters.lastErrno = e
        return false
    }

    /// Returns the errno on failure.
    private func writeAll(_ bytes: [UInt8]) -> Int32? {
        do { try FileDescriptor(rawValue: fd).writeAll(bytes) } catch { return error.rawValue }
        size += bytes.count
        return nil
    }

    /// Returns the errno on failure.
    private func openFile() -> Int32? {
        let newFd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard newFd >= 0 else { return errno }
        var st = stat()
        guard fstat(newFd, &st) == 0 else { let e = errno; Glibc.close(newFd); return e }
        if st.st_size == 0 { _ = fchmod(newFd, 0o640) }  // umask may have narrowed/widened it
        fd = newFd
        size = Int(st.st_size)
        identity = (UInt64(st.st_dev), UInt64(st.st_ino))
        return nil
    }

    private func reopenIfReplaced() {
        guard fd >= 0 else { return }
        var st = stat()
        if stat(path, &st) == 0 && UInt64(st.st_dev) == identity.dev && UInt64(st.st_ino) == identity.ino { return }
        Glibc.close(fd)
        fd = -1
        counters.reopens += 1
        _ = openFile()  // failure is counted by the write that follows
    }

    private func rotate() {
        _ = fsync(fd)
        Glibc.close(fd)
        fd = -1
        counters.rotations += 1
        if keep == 0 { unlink(path); return }
        unlink("\(path).\(keep)")
        var generation = keep - 1
        while generation >= 1 {
            rename("\(path).\(generation)", "\(path).\(generation + 1)")
            generation -= 1
        }
        rename(path, "\(path).1")
    }
}
