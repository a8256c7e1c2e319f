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

    public init(header: EventHeader, subject: Subject, parentStartBoottimeNs: UInt64,
                executable: String, args: [String], cwd: String, exeInode: UInt64,
                exeDevice: UInt32, flags: ExecFlags, egid: UInt32, loginUid: UInt32?,
                sessionId: UInt32, tty: String?) {
        self.header = header; self.subject = subject
        self.parentStartBoottimeNs = parentStartBoottimeNs
        self.executable = executable; self.args = args; self.cwd = cwd
        self.exeInode = exeInode; self.exeDevice = exeDevice; self.flags = flags
        self.egid = egid; self.loginUid = loginUid; self.sessionId = sessionId; self.tty = tty
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
