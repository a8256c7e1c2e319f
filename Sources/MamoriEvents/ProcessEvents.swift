/// A successful execve/execveat, as seen at `sched_process_exec`.
public struct ExecEvent: Sendable, Equatable {
    public var header: EventHeader
    public var subject: Subject
    public var parentStartBoottimeNs: UInt64
    /// Absolute path of the executable, resolved in the kernel from the opened file.
    public var executable: String
    public var args: [String]
    public var cwd: String
    public var exeInode: UInt64
    /// Kernel dev_t (major << 20 | minor).
    public var exeDevice: UInt32
    public var flags: ExecFlags
    public var egid: UInt32
    /// Audit login uid; `nil` when unset (0xffffffff).
    public var loginUid: UInt32?
    public var sessionId: UInt32
    /// Controlling terminal such as "pts/3", `nil` when the process has none.
    public var tty: String?
    /// What fds 0, 1 and 2 were at exec (a shell reading from a socket is a reverse shell).
    public var stdio: StdioTypes
    /// The dynamic-loader variables of the new environment ("LD_PRELOAD=/tmp/x.so",
    /// LD_AUDIT, LD_LIBRARY_PATH), as the kernel found them; empty when none was set (the
    /// common case: no allocation). A library injected through the environment is invisible in
    /// argv. `.envUnscanned` / `.envTruncated` say when the scan was cut.
    public var loaderEnvironment: [String]

    public init(header: EventHeader, subject: Subject, parentStartBoottimeNs: UInt64,
                executable: String, args: [String], cwd: String, exeInode: UInt64,
                exeDevice: UInt32, flags: ExecFlags, egid: UInt32, loginUid: UInt32?,
                sessionId: UInt32, tty: String?, stdio: StdioTypes = StdioTypes(),
                loaderEnvironment: [String] = []) {
        self.header = header; self.subject = subject
        self.parentStartBoottimeNs = parentStartBoottimeNs
        self.executable = executable; self.args = args; self.cwd = cwd
        self.exeInode = exeInode; self.exeDevice = exeDevice; self.flags = flags
        self.egid = egid; self.loginUid = loginUid; self.sessionId = sessionId; self.tty = tty
        self.stdio = stdio
        self.loaderEnvironment = loaderEnvironment
    }

    /// The parent process's identity.
    @inlinable public var parentKey: ProcessKey {
        ProcessKey(pid: subject.ppid, startBoottimeNs: parentStartBoottimeNs)
    }
}

/// `MAMORI_EXEC_*` flags: what the kernel had to cut or could not read.
public struct ExecFlags: OptionSet, Sendable, Equatable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let argsTruncated = ExecFlags(rawValue: 1 << 0)
    public static let exeTruncated = ExecFlags(rawValue: 1 << 1)
    public static let cwdTruncated = ExecFlags(rawValue: 1 << 2)
    public static let argsFault = ExecFlags(rawValue: 1 << 3)
    public static let hasTTY = ExecFlags(rawValue: 1 << 4)
    /// The executable had no link left at exec: deleted, or a memfd (fileless).
    public static let exeDeleted = ExecFlags(rawValue: 1 << 5)
    /// The executable is a memfd (`memfd_create` + `execveat`/`fexecve`).
    public static let exeMemfd = ExecFlags(rawValue: 1 << 6)
    /// The environment was not fully scanned for loader variables (too many entries).
    public static let envUnscanned = ExecFlags(rawValue: 1 << 7)
    /// A loader variable was cut, or more were set than the record keeps.
    public static let envTruncated = ExecFlags(rawValue: 1 << 8)
}

/// A new thread group. The header and subject describe the child.
public struct ForkEvent: Sendable, Equatable {
    public var header: EventHeader
    public var subject: Subject
    public var parentTgid: UInt32
    public var parentStartBoottimeNs: UInt64

    public init(header: EventHeader, subject: Subject, parentTgid: UInt32, parentStartBoottimeNs: UInt64) {
        self.header = header; self.subject = subject
        self.parentTgid = parentTgid; self.parentStartBoottimeNs = parentStartBoottimeNs
    }

    @inlinable public var parentKey: ProcessKey {
        ProcessKey(pid: parentTgid, startBoottimeNs: parentStartBoottimeNs)
    }
}

/// The last thread of a thread group exited.
public struct ExitEvent: Sendable, Equatable {
    public var header: EventHeader
    public var subject: Subject
    /// Raw wait status: `(code << 8) | signal`.
    public var exitStatus: UInt32

    public init(header: EventHeader, subject: Subject, exitStatus: UInt32) {
        self.header = header; self.subject = subject; self.exitStatus = exitStatus
    }

    /// The exit code when the process exited normally.
    @inlinable public var exitCode: Int32 { Int32((exitStatus >> 8) & 0xff) }
    /// The terminating signal, 0 when the process exited normally.
    @inlinable public var signal: Int32 { Int32(exitStatus & 0x7f) }
}

/// Records lost before this point in one lane on one CPU.
public struct GapEvent: Sendable, Equatable {
    public var header: EventHeader
    public var lane: UInt32
    public var cpu: UInt32
    /// Lost records by kind (index = raw `mamori_kind`).
    public var lost: [UInt64]

    public init(header: EventHeader, lane: UInt32, cpu: UInt32, lost: [UInt64]) {
        self.header = header; self.lane = lane; self.cpu = cpu; self.lost = lost
    }

    public var totalLost: UInt64 { lost.reduce(0, +) }
}

/// File type behind a standard descriptor at exec (`mamori_exec.stdio_type`, S_IFMT >> 12).
public enum FileType: UInt16, Sendable, CustomStringConvertible {
    case closed = 0, fifo = 0x1, characterDevice = 0x2, directory = 0x4, regular = 0x8,
         symlink = 0xa, socket = 0xc, other = 0xff

    public init(kernelType: UInt16) { self = FileType(rawValue: kernelType) ?? .other }

    /// Words used by rules (`StdinType: socket`): socket, pipe, tty, file, closed, other.
    public var description: String {
        switch self {
        case .closed: return "closed"
        case .fifo: return "pipe"
        case .characterDevice: return "tty"
        case .regular: return "file"
        case .socket: return "socket"
        case .directory, .symlink, .other: return "other"
        }
    }
}

/// The three standard descriptors of a process at exec.
///
/// The `*Pipe` values are the pipefs inode numbers of descriptors that are pipes (0 otherwise):
/// two processes whose stdout and stdin carry the same number are the two ends of one pipe,
/// which is how `curl … | sh` becomes one pipeline (`PipeJoiner`).
public struct StdioTypes: Sendable, Equatable {
    public var stdin: FileType
    public var stdout: FileType
    public var stderr: FileType
    public var stdinPipe: UInt64
    public var stdoutPipe: UInt64
    public var stderrPipe: UInt64

    public init(stdin: FileType = .closed, stdout: FileType = .closed, stderr: FileType = .closed,
                stdinPipe: UInt64 = 0, stdoutPipe: UInt64 = 0, stderrPipe: UInt64 = 0) {
        self.stdin = stdin; self.stdout = stdout; self.stderr = stderr
        self.stdinPipe = stdinPipe; self.stdoutPipe = stdoutPipe; self.stderrPipe = stderrPipe
    }
}
