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

/// Streaming reads of whole files, EINTR retried.
extension FileDescriptor {
    /// Reads to the end of the file in chunks of `chunkSize`, handing each chunk to `body`;
    /// `body` returns false to stop early. The chunk is valid only during the call.
    /// - Throws: the `Errno` of the read that failed.
    public func readChunks(chunkSize: Int = 1 << 16, _ body: (ArraySlice<UInt8>) -> Bool) throws(Errno) {
        var chunk = [UInt8](repeating: 0, count: Swift.max(1, chunkSize))
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(rawValue, $0.baseAddress, $0.count) }
            if n > 0 { if !body(chunk[0..<n]) { return }; continue }
            if n == 0 { return }
            let e = Errno.current
            if e != .interrupted { throw e }
        }
    }

    /// Opens `path` read-only (O_CLOEXEC), runs `body` with the descriptor and closes it.
    /// - Throws: the `Errno` of `open`; `body`'s own error.
    public static func withReadOnly<T>(_ path: String, _ body: (FileDescriptor) throws(Errno) -> T) throws(Errno) -> T {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Errno.current }
        defer { _ = Glibc.close(fd) }
        return try body(FileDescriptor(rawValue: fd))
    }
}
