import MamoriEvents

/// What a standard descriptor (fd 0, 1 or 2) of a new process was at exec: the value of the
/// `StdinType`, `StdoutType` and `StderrType` fields.
///
/// A shell whose stdin is a socket is the classic reverse shell. Immutable; any thread.
public enum StdioKind: String, Sendable, CaseIterable {
    case socket, pipe, tty, file, closed, other
}

/// The three standard descriptors of one exec.
///
/// Exists so that detection does not depend on how the sensor reports descriptor types: the
/// engine reads them through `DetectionEngine.Configuration.stdio`, a function from an
/// `ExecEvent` to this value (or `nil` when unknown, which makes the fields absent).
/// Immutable; any thread may use it.
public struct StdioKinds: Sendable, Equatable {
    public var stdin: StdioKind
    public var stdout: StdioKind
    public var stderr: StdioKind

    public init(stdin: StdioKind, stdout: StdioKind, stderr: StdioKind) {
        self.stdin = stdin; self.stdout = stdout; self.stderr = stderr
    }
}

/// Reads the descriptor kinds of an exec; `nil` when the sensor did not report them.
public typealias StdioReader = @Sendable (ExecEvent) -> StdioKinds?

extension StdioKinds {
    /// The sensor's report (`ExecEvent.stdio`, the kernel's S_IFMT of fds 0–2 at exec).
    public static let fromSensor: StdioReader = { e in
        StdioKinds(stdin: StdioKind(e.stdio.stdin), stdout: StdioKind(e.stdio.stdout), stderr: StdioKind(e.stdio.stderr))
    }
}

extension StdioKind {
    /// Rule vocabulary for a kernel file type: socket, pipe, tty (character device), file, closed, other.
    public init(_ type: FileType) {
        self = StdioKind(rawValue: type.description) ?? .other
    }
}
