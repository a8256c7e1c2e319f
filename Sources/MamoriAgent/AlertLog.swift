import Glibc

/// Appends ECS alert lines to a file, creating its directory, one `write(2)` per line so a
/// reader tailing the file never sees half a line. Owned by the pipeline worker.
public final class AlertLog {
    public let path: String
    private var fd: Int32
    public private(set) var linesWritten: UInt64 = 0
    public private(set) var writeErrors: UInt64 = 0

    public init(path: String) throws(AgentError) {
        self.path = path
        FileSystem.makeParentDirectories(of: path)
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        if fd < 0 { throw .alertLog(path: path, errno: errno) }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Writes one complete line (the bytes must end with "\n").
    public func append(_ line: [UInt8]) {
        let ok = line.withUnsafeBytes { raw -> Bool in
            var off = 0
            while off < raw.count {
                let n = write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 { if errno == EINTR { continue }; return false }
                off += n
            }
            return true
        }
        if ok { linesWritten += 1 } else { writeErrors += 1 }
    }
}
