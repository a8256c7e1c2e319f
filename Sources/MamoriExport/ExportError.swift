import Glibc

/// Why an exporter could not be configured or could not deliver.
///
/// Exists so that every failure names what failed, where, and the errno; the agent logs it
/// and keeps running. Immutable; any thread may use it.
public enum ExportError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A configuration value is wrong; `key` is the config key (e.g. `exports.syslog.port`).
    case invalidConfiguration(key: String, reason: String)
    /// A host name or address did not resolve.
    case unresolvable(host: String, reason: String)
    /// A socket operation failed (`operation` is e.g. "connect 127.0.0.1:514").
    case socket(operation: String, errno: Int32)
    /// A file operation failed.
    case file(path: String, operation: String, errno: Int32)
    /// The peer answered but not with what the protocol expects.
    case protocolViolation(String)
    /// The HTTP server answered with a non-success status.
    case httpStatus(Int)
    /// A socket operation did not finish in time.
    case timedOut(operation: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let key, let reason): return "\(key): \(reason)"
        case .unresolvable(let host, let reason): return "cannot resolve \(host): \(reason)"
        case .socket(let op, let e): return "\(op) failed: \(errnoText(e)) (errno \(e))"
        case .file(let path, let op, let e): return "\(path): \(op) failed: \(errnoText(e)) (errno \(e))"
        case .protocolViolation(let what): return "protocol violation: \(what)"
        case .httpStatus(let code): return "HTTP status \(code)"
        case .timedOut(let op): return "\(op) timed out"
        }
    }
}

func errnoText(_ code: Int32) -> String { String(cString: strerror(code)) }
