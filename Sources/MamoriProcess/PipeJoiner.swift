import MamoriEvents

/// Joins the two ends of a pipe between exec'd processes: the process whose stdout is pipe N
/// (the writer) and the process whose stdin is pipe N (the reader).
///
/// Exists so that `curl … | sh` and `base64 -d | bash` are one pipeline to detection: the
/// kernel reports, at each exec, the pipefs inode behind fds 0–2 (`StdioTypes.stdinPipe` /
/// `stdoutPipe`), and the shell that forks both ends execs them in either order. When the
/// reader execs first, it waits here until the writer's exec arrives (a late join); when the
/// writer is already known, the join happens at the reader's exec.
///
/// State is two fixed, direct-mapped tables of `slots` entries indexed by the inode number: no
/// allocation per event, bounded memory; a colliding pipe overwrites the older entry (an
/// attacker who creates thousands of pipes between the two execs of one pipeline can make a
/// join miss, never make a wrong one: every slot keeps the full inode number and is checked).
/// Entries older than `maxAgeNs` are ignored. Single-threaded: the pipeline worker owns it.
public struct PipeJoiner {
    /// One join: the reader's exec and the writer's process key.
    public struct Join {
        public var reader: ExecEvent
        public var writer: ProcessKey
    }

    private struct WriterSlot {
        var ino: UInt64 = 0
        var writer = ProcessKey(pid: 0, startBoottimeNs: 0)
        var timeNs: UInt64 = 0
    }

    private var writers: [WriterSlot]
    private var readers: [ExecEvent?]
    private let mask: Int
    public let maxAgeNs: UInt64
    /// Joins made (at the reader's exec or late), for diagnostics.
    public private(set) var joins: UInt64 = 0

    /// - Parameters:
    ///   - slots: entries per table, rounded up to a power of two.
    ///   - maxAgeNs: how long an unmatched end waits (default 30 s).
    public init(slots: Int = 1024, maxAgeNs: UInt64 = 30_000_000_000) {
        var n = 1
        while n < max(slots, 2) { n <<= 1 }
        writers = [WriterSlot](repeating: WriterSlot(), count: n)
        readers = [ExecEvent?](repeating: nil, count: n)
        mask = n - 1
        self.maxAgeNs = maxAgeNs
    }

    @inline(__always) private func slot(_ ino: UInt64) -> Int {
        Int(truncatingIfNeeded: (ino &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    /// Records an exec's pipe ends and returns the joins it completes: at most one as a reader
    /// (its stdin's writer is already known) and at most one as a writer (a reader of its
    /// stdout exec'd earlier). Execs without pipes return at once.
    public mutating func observe(_ e: ExecEvent) -> (asReader: Join?, asWriter: Join?) {
        let stdinPipe = e.stdio.stdinPipe, stdoutPipe = e.stdio.stdoutPipe
        if stdinPipe == 0 && stdoutPipe == 0 { return (nil, nil) }
        let now = e.header.ktimeNs
        let key = e.header.processKey
        var asReader: Join?, asWriter: Join?
        if stdoutPipe != 0 && stdoutPipe != stdinPipe {
            let s = slot(stdoutPipe)
            writers[s] = WriterSlot(ino: stdoutPipe, writer: key, timeNs: now)
            if let r = readers[s], r.stdio.stdinPipe == stdoutPipe {
                readers[s] = nil
                if r.header.processKey != key && now &- r.header.ktimeNs <= maxAgeNs {
                    asWriter = Join(reader: r, writer: key)
                }
            }
        }
        if stdinPipe != 0 && stdinPipe != stdoutPipe {
            let s = slot(stdinPipe)
            let w = writers[s]
            if w.ino == stdinPipe && w.writer != key && now &- w.timeNs <= maxAgeNs {
                asReader = Join(reader: e, writer: w.writer)
            } else {
                readers[s] = e
            }
        }
        if asReader != nil { joins &+= 1 }
        if asWriter != nil { joins &+= 1 }
        return (asReader, asWriter)
    }
}
