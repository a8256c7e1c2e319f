import Glibc
import MamoriExport

/// The ECS alert log: one complete line per `write(2)` so a reader tailing the file never
/// sees half a line, size-based rotation (alerts.json → alerts.json.1 … .N, `alerts.rotate_bytes`
/// / `alerts.keep`), reopened when logrotate moves or deletes it, and write failures (a full
/// disk) counted instead of fatal. Owned by the pipeline worker.
public final class AlertLog {
    public let path: String
    private let writer: RotatingLineWriter
    public var linesWritten: UInt64 { writer.counters.linesWritten }
    public var writeErrors: UInt64 { writer.counters.writeFailures }

    public init(path: String, rotateBytes: Int = 100 << 20, keep: Int = 5) throws(AgentError) {
        self.path = path
        FileSystem.makeParentDirectories(of: path)
        do {
            // Alerts are rare and precious: no fsync per line (the page cache survives an agent
            // crash), but rotation and reopen keep the file bounded and tail-able.
            writer = try RotatingLineWriter(path: path, maxBytes: rotateBytes, keep: keep, fsync: .never)
        } catch {
            throw .alertLog(path: path, errno: errno == 0 ? EIO : errno)
        }
    }

    /// Writes one complete line (the bytes must end with "\n").
    public func append(_ line: [UInt8]) { _ = writer.write(line) }
}
