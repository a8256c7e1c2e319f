import MamoriEvents

/// The Sigma log categories Mamori can evaluate, each fed by one kind of kernel event.
///
/// Exists so that rules are indexed by category at load time and an event only ever meets the
/// rules of its own categories (a file event never evaluates process rules). Immutable; any
/// thread may use it.
public enum RuleCategory: String, Sendable, CaseIterable, Hashable, CustomStringConvertible {
    /// exec events.
    case processCreation = "process_creation"
    /// network connect/send (Initiated=true) and accept (Initiated=false).
    case networkConnection = "network_connection"
    /// file create, open-for-write, truncate, rename (target path) and chmod.
    case fileEvent = "file_event"
    /// unlink.
    case fileDelete = "file_delete"
    /// rename.
    case fileRename = "file_rename"
    /// open-for-write, truncate, chmod, chown of an existing file.
    case fileChange = "file_change"
    /// read-only open of a watched file.
    case fileAccess = "file_access"
    /// something aimed at the agent itself: signal, ptrace attach, bpf detach (Mamori's own).
    case tamper = "tamper"
    /// **Mamori**: a process whose stdin is a pipe written by another exec'd process (`curl … | sh`),
    /// evaluated once per joined pair, with the writer in `StdinWriter*` fields (`PipeJoiner`).
    case pipeline = "pipeline"

    public var description: String { rawValue }

    /// Dense index used by the per-category rule tables.
    @inlinable var index: Int {
        switch self {
        case .processCreation: return 0
        case .networkConnection: return 1
        case .fileEvent: return 2
        case .fileDelete: return 3
        case .fileRename: return 4
        case .fileChange: return 5
        case .fileAccess: return 6
        case .tamper: return 7
        case .pipeline: return 8
        }
    }

    static let count = 9

    /// Whether the category is fed by file events (fields such as `TargetFilename`).
    var isFile: Bool {
        self != .processCreation && self != .networkConnection && self != .tamper && self != .pipeline
    }
}

/// The categories one event belongs to, at most two (a rename is both `file_event` and
/// `file_rename`). A fixed-size value so the hot path does not allocate.
struct EventCategories {
    var first: RuleCategory?
    var second: RuleCategory?

    init(_ event: borrowing SensorEvent) {
        switch event {
        case .exec:
            first = .processCreation
        case .network(let n):
            switch n.op {
            case .connect, .send, .accept: first = .networkConnection
            case .listen: first = nil
            }
        case .file(let f):
            switch f.op {
            case .create: first = .fileEvent
            case .openWrite, .truncate, .chmod: first = .fileEvent; second = .fileChange
            case .rename: first = .fileEvent; second = .fileRename
            case .unlink: first = .fileDelete
            case .chown: first = .fileChange
            case .openRead: first = .fileAccess
            }
        case .tamper:
            first = .tamper
        case .fork, .exit, .gap, .action:
            first = nil
        }
    }
}
