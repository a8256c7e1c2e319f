import Glibc

/// Why a bounded I/O step stopped: its deadline passed, or the kernel said no.
///
/// Exists so that callers tell "too slow" from "refused/broken" with one switch, and get the
/// kernel's reason as swift-system's typed `Errno` rather than a global `errno` read too late.
/// Sendable value.
public enum IOFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case timedOut
    case system(Errno)

    /// The peer closed or reset the connection (EPIPE, ECONNRESET): a send that would have
    /// raised SIGPIPE comes back as this.
    public var isPeerGone: Bool {
        self == .system(.brokenPipe) || self == .system(.connectionReset)
    }

    /// The errno value, 0 for a timeout.
    public var code: Int32 {
        switch self {
        case .timedOut: return 0
        case .system(let e): return e.rawValue
        }
    }

    public var description: String {
        switch self {
        case .timedOut: return "timed out"
        case .system(let e): return e.description
        }
    }
}

extension Errno {
    /// The calling thread's errno, read right after the failed call.
    static var current: Errno { Errno(rawValue: errno) }
}
