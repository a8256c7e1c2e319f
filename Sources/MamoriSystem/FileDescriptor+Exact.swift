import Glibc

/// Whole-buffer reads and writes on any descriptor (files, pipes, sockets), EINTR retried.
extension FileDescriptor {
    /// Writes every byte, continuing after partial writes; EINTR retried.
    /// - Throws: the `Errno` of the write that failed.
    public func writeAll(_ bytes: [UInt8]) throws(Errno) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(rawValue, $0.baseAddress! + offset, $0.count - offset) }
            if n > 0 { offset += n; continue }
            if n == 0 { throw Errno.noSpace }
            let e = Errno.current
            if e != .interrupted { throw e }
        }
    }

    public func writeAll(_ text: String) throws(Errno) { try writeAll(Array(text.utf8)) }

    /// Reads exactly `count` bytes.
    /// - Returns: fewer than `count` only when the end of the file came first.
    public func readExact(_ count: Int) throws(Errno) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var used = 0
        while used < count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(rawValue, $0.baseAddress! + used, $0.count - used) }
            if n > 0 { used += n; continue }
            if n == 0 { break }
            let e = Errno.current
            if e != .interrupted { throw e }
        }
        bytes.removeSubrange(used...)
        return bytes
    }

    /// Reads until end of file or `limit` bytes, whichever comes first.
    public func readUpTo(_ limit: Int) throws(Errno) -> [UInt8] { try readExact(limit) }

    /// A whole small file (at most `limit` bytes); nil if it cannot be opened or read.
    public static func readSmallFile(_ path: String, limit: Int = 16_384) -> [UInt8]? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = Glibc.close(fd) }
        return try? FileDescriptor(rawValue: fd).readUpTo(limit)
    }
}
