/// Every failure of the investigation layer that is not the store's own (`StoreError` passes
/// through unchanged), with the context an analyst needs to fix the command line.
///
/// A value type: created on whichever thread hit the failure, safe to pass anywhere.
public enum InvestigationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No incident, alert or process has this id in the database.
    case notFound(reference: String, database: String)
    /// A `--since`/`--until` value that is neither a duration nor a timestamp.
    case invalidTime(text: String, reason: String)
    /// A `--kind` word that names no event kind.
    case invalidKind(String)
    /// Any other argument the layer cannot use (empty reference, bad severity, ...).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .notFound(let reference, let database):
            return "no incident, alert or process with id '\(reference)' in \(database): "
                + "list candidates with `mamori incidents`, `mamori alerts` or `mamori events`"
        case .invalidTime(let text, let reason):
            return "invalid time '\(text)': \(reason); use a duration back from now (30m, 24h, 7d, 1h30m) "
                + "or a UTC timestamp (2026-11-27T03:00:00Z, 2026-11-27)"
        case .invalidKind(let word):
            return "unknown event kind '\(word)': use exec, fork, exit, process, connect, dns, file, tamper, action or gap"
        case .invalidArgument(let what):
            return what
        }
    }
}
