/// Errors of the process-tracking module.
///
/// Exists so callers get one typed error with the context a person needs. Almost everything
/// in this module degrades to "less data" instead of failing; only a /proc that cannot be
/// listed at all is an error. A value type: any thread.
public enum ProcessTableError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The procfs root could not be listed (not mounted, or mounted somewhere else).
    case procfsUnreadable(path: String)

    public var description: String {
        switch self {
        case .procfsUnreadable(let path):
            return "cannot list \(path): is procfs mounted there? Running processes will lack "
                + "ancestry until they exec again (mount proc or pass the right procRoot)."
        }
    }
}
