/// One decoded kernel record.
///
/// Exists so that everything above the ring reader works on value types with materialised
/// strings and never touches ring memory. Produced on the poller thread, consumed by the
/// pipeline worker; `Sendable` because it crosses that boundary through the event queue.
public enum SensorEvent: Sendable, Equatable {
    case exec(ExecEvent)
    case fork(ForkEvent)
    case exit(ExitEvent)
    case network(NetworkEvent)
    case file(FileEvent)
    case gap(GapEvent)
    /// The kernel enforced a prevention policy (or would have at a higher level).
    case action(ActionEvent)
    /// Something aimed at the agent itself (signal, ptrace, bpf detach); subject = the sender.
    case tamper(TamperEvent)
    /// Activity aimed at another process or at kernel state (ptrace, kill, /proc, sysctl, ...).
    case activity(ActivityEvent)
    /// A DNS query or answer of a client socket; header/subject = the socket's owner.
    case dns(DNSEvent)

    /// The common header of the record this event was decoded from.
    @inlinable
    public var header: EventHeader {
        switch self {
        case .exec(let e): return e.header
        case .fork(let e): return e.header
        case .exit(let e): return e.header
        case .network(let e): return e.header
        case .file(let e): return e.header
        case .gap(let e): return e.header
        case .action(let e): return e.header
        case .tamper(let e): return e.header
        case .activity(let e): return e.header
        case .dns(let e): return e.header
        }
    }

    /// Who caused the event; `nil` only for gap records.
    @inlinable
    public var subject: Subject? {
        switch self {
        case .exec(let e): return e.subject
        case .fork(let e): return e.subject
        case .exit(let e): return e.subject
        case .network(let e): return e.subject
        case .file(let e): return e.subject
        case .action(let e): return e.subject
        case .tamper(let e): return e.subject
        case .activity(let e): return e.subject
        case .dns(let e): return e.subject
        case .gap: return nil
        }
    }

    /// The kind, as used by filters (`--kind`) and the JSON `event.action` family.
    @inlinable
    public var kind: EventKind {
        switch self {
        case .exec: return .exec
        case .fork: return .fork
        case .exit: return .exit
        case .network: return .network
        case .file: return .file
        case .gap: return .gap
        case .action: return .action
        case .tamper: return .tamper
        case .activity: return .activity
        case .dns: return .dns
        }
    }
}

/// Record kinds, mirroring `enum mamori_kind` in the ABI header.
public enum EventKind: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    case exec = 1
    case fork = 2
    case exit = 3
    case network = 4
    case file = 5
    case gap = 6
    case action = 7
    case tamper = 8
    case activity = 9
    case dns = 10

    public var description: String {
        switch self {
        case .exec: return "exec"
        case .fork: return "fork"
        case .exit: return "exit"
        case .network: return "connect"
        case .file: return "file"
        case .gap: return "gap"
        case .action: return "action"
        case .tamper: return "tamper"
        case .activity: return "activity"
        case .dns: return "dns"
        }
    }
}

/// Identity of a process across pid reuse: thread-group id plus its start time.
///
/// The start time is CLOCK_BOOTTIME nanoseconds truncated to clock ticks (1/100 s), because
/// that is the precision `/proc/<pid>/stat` offers for processes seeded at agent start;
/// kernel records and /proc seeds must produce the same key.
public struct ProcessKey: Hashable, Sendable, CustomStringConvertible {
    public var pid: UInt32
    public var startTicks: UInt64

    public init(pid: UInt32, startTicks: UInt64) {
        self.pid = pid
        self.startTicks = startTicks
    }

    /// Builds the key from a kernel start time in nanoseconds.
    @inlinable
    public init(pid: UInt32, startBoottimeNs: UInt64) {
        self.pid = pid
        self.startTicks = startBoottimeNs / 10_000_000
    }

    public var description: String { "\(pid)@\(startTicks)" }
}

/// The header every record starts with (`struct mamori_header`).
public struct EventHeader: Sendable, Equatable {
    public var kind: UInt16
    public var version: UInt16
    public var size: UInt32
    /// CLOCK_BOOTTIME nanoseconds at which the kernel wrote the record.
    public var ktimeNs: UInt64
    public var tgid: UInt32
    public var tid: UInt32
    /// Start of the thread-group leader, CLOCK_BOOTTIME nanoseconds.
    public var startBoottimeNs: UInt64

    public init(kind: UInt16, version: UInt16, size: UInt32, ktimeNs: UInt64,
                tgid: UInt32, tid: UInt32, startBoottimeNs: UInt64) {
        self.kind = kind; self.version = version; self.size = size; self.ktimeNs = ktimeNs
        self.tgid = tgid; self.tid = tid; self.startBoottimeNs = startBoottimeNs
    }

    /// The process this record belongs to.
    @inlinable public var processKey: ProcessKey { ProcessKey(pid: tgid, startBoottimeNs: startBoottimeNs) }
}

/// Cheap identity of the acting task, attached to every non-gap record (`struct mamori_subject`).
public struct Subject: Sendable, Equatable {
    public var ppid: UInt32
    public var uid: UInt32
    public var gid: UInt32
    public var euid: UInt32
    public var cgroupId: UInt64
    public var comm: String

    public init(ppid: UInt32, uid: UInt32, gid: UInt32, euid: UInt32, cgroupId: UInt64, comm: String) {
        self.ppid = ppid; self.uid = uid; self.gid = gid; self.euid = euid
        self.cgroupId = cgroupId; self.comm = comm
    }
}
