import CSQLite

/// Every failure of the event store, with the context a person needs to act on it.
///
/// Exists so that callers see one error type for the whole module: a failed `sqlite3_*` call
/// carries the operation, the SQL text, the primary and extended result codes and
/// `sqlite3_errmsg`; schema problems say which file, which version was found and what to do.
/// A value type: created on whichever thread hit the failure, safe to pass anywhere.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A `sqlite3_*` call failed. `operation` names the call ("open", "prepare", "step",
    /// "bind", "exec", ...), `sql` is the statement involved when there was one.
    case sqlite(operation: String, sql: String?, code: Int32, extendedCode: Int32, message: String)
    /// The database was written by a newer Mamori whose schema this build does not know.
    case schemaTooNew(path: String, found: Int32, supported: Int32)
    /// The database needs a migration but was opened read-only.
    case schemaNeedsMigration(path: String, found: Int32, supported: Int32)
    /// A caller passed a value the store cannot use (empty path, zero batch size, ...).
    case invalidArgument(String)
    /// The writer or connection was already closed.
    case closed(String)

    /// The primary SQLite result code (`SQLITE_FULL`, `SQLITE_BUSY`, ...), 0 for non-SQLite errors.
    public var code: Int32 {
        if case .sqlite(_, _, let code, _, _) = self { return code }
        return 0
    }

    /// True when the failure means "no space left": SQLITE_FULL, which SQLite returns both for
    /// ENOSPC and for a database that reached `max_page_count`.
    public var isDiskFull: Bool { code == SQLITE_FULL }

    /// True when another connection held a lock longer than the busy timeout.
    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }

    public var description: String {
        switch self {
        case .sqlite(let operation, let sql, let code, let extendedCode, let message):
            let name = String(cString: sqlite3_errstr(extendedCode))
            var text = "sqlite \(operation) failed: \(message) (code \(code), extended \(extendedCode): \(name))"
            if let sql { text += "\n  in SQL: \(Self.abbreviate(sql))" }
            if code == SQLITE_FULL {
                text += "\n  the disk (or the configured size cap) is full: free space or lower the retention limits"
            } else if code == SQLITE_BUSY {
                text += "\n  another process holds the database lock: retry, or stop the other writer"
            }
            return text
        case .schemaTooNew(let path, let found, let supported):
            return "database \(path) has schema version \(found), newer than the \(supported) this "
                + "mamori supports: upgrade mamori, or move the file aside to start a new store"
        case .schemaNeedsMigration(let path, let found, let supported):
            return "database \(path) has schema version \(found) but this mamori needs \(supported): "
                + "open it read-write once (start the agent) to migrate it"
        case .invalidArgument(let what):
            return "invalid store argument: \(what)"
        case .closed(let what):
            return "\(what) is closed"
        }
    }

    /// Keeps messages readable when the SQL is a long multi-line migration.
    static func abbreviate(_ sql: String) -> String {
        let flat = sql.split(whereSeparator: { $0 == "\n" || $0 == " " }).joined(separator: " ")
        return flat.count <= 300 ? flat : String(flat.prefix(300)) + "…"
    }
}
