import MamoriSystem

/// Splits what arrives on a non-blocking socket into lines, with a maximum line length.
///
/// Exists so that a client cannot make the agent buffer without bound: a line longer than
/// `maxLineBytes` is reported as `.tooLong` and the connection dropped. Owned by one thread.
struct LineReader {
    enum Outcome: Equatable {
        case line([UInt8])
        case endOfStream
        case tooLong
    }

    let socket: Socket
    let maxLineBytes: Int
    private var buffer: [UInt8] = []
    private var scanned = 0
    private var chunk = [UInt8](repeating: 0, count: 4096)

    init(socket: Socket, maxLineBytes: Int) {
        self.socket = socket
        self.maxLineBytes = maxLineBytes
        buffer.reserveCapacity(min(maxLineBytes, 4096) + 1)
    }

    /// The next line (without its newline) received before `deadline`.
    mutating func next(until deadline: Deadline) throws(IOFailure) -> Outcome {
        while true {
            if let nl = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<nl])
                buffer.removeSubrange(...nl)
                scanned = 0
                if line.count > maxLineBytes { return .tooLong }
                return .line(line)
            }
            scanned = buffer.count
            if buffer.count > maxLineBytes { return .tooLong }
            let n = try socket.receive(into: &chunk, deadline: deadline)
            if n > 0 { buffer.append(contentsOf: chunk[..<n]); continue }
            if buffer.isEmpty { return .endOfStream }
            let last = buffer; buffer.removeAll(); scanned = 0
            return .line(last)
        }
    }
}

extension Socket {
    /// Writes all of `bytes` plus a newline before `deadline`; never raises SIGPIPE.
    func writeLine(_ bytes: [UInt8], until deadline: Deadline) throws(IOFailure) {
        var line = bytes
        line.append(UInt8(ascii: "\n"))
        try sendAll(line, deadline: deadline)
    }
}
