import MamoriEvents

/// What the agent knows about one process (thread group), keyed by pid and start time.
///
/// Exists so that every event can be enriched with the full identity of its process and
/// parent (ECS `process.*`, `process.parent.*`) without another kernel round trip. Owned by the
/// `ProcessTable`, which lives on the pipeline worker thread; copies are handed out as values.
public struct ProcessRecord: Sendable, Equatable {
    public var key: ProcessKey
    /// Stable, unique across pid reuse and reboots: derived from boot id, pid and start time.
    public var entityId: String
    public var parentKey: ProcessKey?
    public var executable: String
    public var args: [String] {
        didSet { commandLine = args.joined(separator: " ") }
    }
    public var cwd: String
    public var uid: UInt32
    public var euid: UInt32
    public var gid: UInt32
    public var loginUid: UInt32?
    public var sessionId: UInt32
    public var tty: String?
    public var cgroupId: UInt64
    /// systemd unit derived from the cgroup path (e.g. "sshd.service"), when it has one.
    public var unit: String?
    public var startBoottimeNs: UInt64
    /// Kernel command name (`comm`, 15 chars max).
    public var comm: String
    /// Raw wait status once the process has exited.
    public var exitStatus: UInt32?
    /// CLOCK_BOOTTIME ns of the exit record (ECS `process.end`); `nil` while running or when the
    /// exit was inferred (pid reuse) rather than reported.
    public var endBoottimeNs: UInt64? = nil
    /// Where the record came from: a kernel exec, a fork inherited from the parent, or /proc.
    public var origin: Origin
    /// The well-known tool whose file content the executable has ("bash", "nc", ...), whatever
    /// the file is called; nil when it is no copy of one (or was not checked). Set by the agent's
    /// `ToolIdentity` after an exec; a fork inherits it (same image).
    public var toolIdentity: String? = nil
    /// Whether only root could have put the executable where it is (root-owned file and
    /// directories, writable by nobody else); nil when not judged. Set by the agent's
    /// `ImageProtection` after an exec; a fork inherits it (same image). Lets exclusions trust a
    /// program's name only where an unprivileged user could not have chosen it.
    public var imageProtected: Bool? = nil

    /// How complete the record is.
    public enum Origin: Sendable, Equatable {
        case exec, fork, procfs, unknown
    }

    public init(key: ProcessKey, entityId: String, parentKey: ProcessKey?, executable: String,
                args: [String], cwd: String, uid: UInt32, euid: UInt32, gid: UInt32,
                loginUid: UInt32?, sessionId: UInt32, tty: String?, cgroupId: UInt64,
                unit: String?, startBoottimeNs: UInt64, comm: String, exitStatus: UInt32?,
                origin: Origin) {
        self.key = key; self.entityId = entityId; self.parentKey = parentKey
        self.executable = executable; self.args = args; self.cwd = cwd
        self.commandLine = args.joined(separator: " ")
        self.uid = uid; self.euid = euid; self.gid = gid; self.loginUid = loginUid
        self.sessionId = sessionId; self.tty = tty; self.cgroupId = cgroupId; self.unit = unit
        self.startBoottimeNs = startBoottimeNs; self.comm = comm; self.exitStatus = exitStatus
        self.origin = origin
    }

    public var pid: UInt32 { key.pid }
    public var ppid: UInt32 { parentKey?.pid ?? 0 }

    /// `process.name`: the executable's base name, or comm when the executable is unknown.
    public var name: String {
        guard !executable.isEmpty, let slash = executable.lastIndex(of: "/") else {
            return executable.isEmpty ? comm : executable
        }
        return String(executable[executable.index(after: slash)...])
    }

    /// `process.command_line`: args joined by spaces. Stored (kept in step with `args`) rather
    /// than computed, because every stored event row and every alert reads it: joining per
    /// event was ~3 % of the worker's time in a file storm.
    public private(set) var commandLine: String
}
