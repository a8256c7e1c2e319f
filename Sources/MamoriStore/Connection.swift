import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// One open SQLite database: the only owner of a `sqlite3*` handle.
///
/// Exists so that the rest of the store never calls the C API directly: every failing
/// `sqlite3_*` call becomes a `StoreError` with the SQL and `sqlite3_errmsg`, statements are
/// prepared once and cached, and transactions roll back on every error path.
///
/// Opening applies the store's settings: WAL journal (readers never block the writer and a
/// crash leaves the last committed transaction intact), `synchronous=NORMAL` (durable against
/// process crashes; a power loss may lose the last transactions but never corrupts), a busy
/// timeout, foreign keys, and a bounded WAL file. New database files are created mode 0600
/// with incremental auto-vacuum.
///
/// Not thread-safe (opened with `SQLITE_OPEN_NOMUTEX`): one thread at a time owns a
/// connection. The writer thread owns its own; the CLI owns another; WAL lets them run together.
public final class Connection {
    /// How the database file is opened.
    public enum Mode: Sendable {
        /// Create if missing, migrate, write (agent, tests).
        case readWrite
        /// Query only (CLI); fails rather than migrating.
        case readOnly
    }

    /// `BEGIN` flavour for `transaction(_:_:)`.
    public enum TransactionKind: String, Sendable {
        case deferred = "DEFERRED"
        /// Takes the write lock up front, so a batch never fails half-way on SQLITE_BUSY.
        case immediate = "IMMEDIATE"
    }

    /// Path as given (":memory:" for an in-memory database).
    public let path: String
    public let mode: Mode
    let handle: OpaquePointer
    private var statementCache: [String: Statement] = [:]
    private var savepointDepth = 0

    /// Opens (creating when `mode == .readWrite`) the database at `path` and applies the
    /// connection settings described on the type.
    public init(path: String, mode: Mode = .readWrite, busyTimeoutMs: Int32 = 5_000) throws {
        guard !path.isEmpty else { throw StoreError.invalidArgument("database path is empty") }
        if mode == .readWrite && path != ":memory:" { Self.createPrivately(path) }
        var db: OpaquePointer?
        let flags = (mode == .readWrite ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY)
            | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            let extended = db.map { sqlite3_extended_errcode($0) } ?? rc
            sqlite3_close_v2(db)
            throw StoreError.sqlite(operation: "open \(path)", sql: nil, code: rc & 0xff,
                                    extendedCode: extended, message: message)
        }
        self.handle = db
        self.path = path
        self.mode = mode
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMs)
        try configure()
    }

    deinit {
        statementCache.removeAll()  // finalizes the cached statements
        sqlite3_close_v2(handle)    // stays a zombie until statements the caller kept are finalized
    }

    private func configure() throws {
        if mode == .readWrite {
            // Must precede the switch to WAL on a new file, or SQLite ignores it. Incremental
            // auto-vacuum lets retention hand freed pages back to the file system.
            if try scalarInt("PRAGMA page_count") == 0 { try execute("PRAGMA auto_vacuum=INCREMENTAL") }
            let journal = try scalarText("PRAGMA journal_mode=WAL") ?? ""
            guard journal == "wal" || path == ":memory:" else {
                throw StoreError.sqlite(operation: "enable WAL on \(path)", sql: "PRAGMA journal_mode=WAL",
                                        code: SQLITE_ERROR, extendedCode: SQLITE_ERROR,
                                        message: "journal_mode is \(journal): the file system must support shared memory (not NFS)")
            }
            try execute("PRAGMA journal_size_limit=67108864")  // truncate the WAL to 64 MiB after checkpoints
            // Checkpoint every 16 MiB of WAL rather than 4: fewer fsyncs per row (≈ +20% inserts).
            try execute("PRAGMA wal_autocheckpoint=4096")
        }
        // Page cache (it is agent RSS): 2 MiB for the writer too. Since events go to segments
        // (one row per batch of events, not one per event with seven indexes) a batch touches
        // few index pages; the 8 MiB cache filled with segment blob pages and was ~6 MiB of
        // the agent's RSS in a file storm (docs/benchmarks.md, "Cost per event").
        try execute("PRAGMA cache_size=-2048")
        try execute("PRAGMA synchronous=NORMAL")
        try execute("PRAGMA foreign_keys=ON")
        try execute("PRAGMA temp_store=MEMORY")
    }

    /// Creates `path` with mode 0600 when it does not exist: the store holds command lines and
    /// addresses. SQLite gives the -wal and -shm files the same mode as the database.
    private static func createPrivately(_ path: String) {
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
    }

    // MARK: Errors

    /// The `StoreError` for a failed call on this connection, using its current error message.
    func failure(_ operation: String, sql: String?, rc: Int32) -> StoreError {
        let extended = sqlite3_extended_errcode(handle)
        return .sqlite(operation: operation, sql: sql, code: rc & 0xff,
                       extendedCode: extended == 0 ? rc : extended,
                       message: String(cString: sqlite3_errmsg(handle)))
    }

    // MARK: Statements

    /// Runs one or more `;`-separated statements that return no rows (DDL, pragmas).
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            throw StoreError.sqlite(operation: "exec", sql: sql, code: rc & 0xff,
                                    extendedCode: sqlite3_extended_errcode(handle), message: message)
        }
    }

    /// Compiles `sql` into a statement the caller owns (finalized when released).
    public func prepare(_ sql: String) throws -> Statement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            throw failure("prepare", sql: sql, rc: rc == SQLITE_OK ? SQLITE_MISUSE : rc)
        }
        return Statement(handle: stmt, db: handle, sql: sql)
    }

    /// A prepared statement from this connection's cache (compiled on first use), reset and
    /// with its bindings cleared. Use for statements run many times (inserts, lookups).
    public func cached(_ sql: String) throws -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            return statement
        }
        let statement = try prepare(sql)
        statementCache[sql] = statement
        return statement
    }

    /// Number of statements in the cache (diagnostics and tests).
    public var cachedStatementCount: Int { statementCache.count }

    // MARK: Transactions

    /// Runs `body` in a transaction: committed when it returns, rolled back when it (or the
    /// commit) throws. Nested calls become savepoints.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        if !isAutocommit {
            savepointDepth += 1
            defer { savepointDepth -= 1 }
            let name = "sp\(savepointDepth)"
            try execute("SAVEPOINT \(name)")
            do {
                let result = try body()
                try execute("RELEASE \(name)")
                return result
            } catch {
                try? execute("ROLLBACK TO \(name)")
                try? execute("RELEASE \(name)")
                throw error
            }
        }
        try execute("BEGIN \(kind.rawValue)")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            // A failed COMMIT (SQLITE_FULL, I/O error) may already have rolled back.
            if !isAutocommit { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// False while a transaction is open.
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    // MARK: Conveniences

    /// Row id of the last successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last INSERT/UPDATE/DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// The first column of the first row of `sql` as an integer (`nil` for no row or NULL).
    public func scalarInt(_ sql: String, _ values: [SQLValue] = []) throws -> Int64? {
        let statement = try cached(sql)
        try statement.bind(values)
        defer { statement.reset() }
        guard try statement.step(), !statement.isNull(0) else { return nil }
        return statement.int64(0)
    }

    /// The first column of the first row of `sql` as text (`nil` for no row or NULL).
    public func scalarText(_ sql: String, _ values: [SQLValue] = []) throws -> String? {
        let statement = try prepare(sql)
        try statement.bind(values)
        guard try statement.step() else { return nil }
        return statement.optionalString(0)
    }

    /// Sets `PRAGMA max_page_count`: inserts beyond `pages` fail with SQLITE_FULL. Returns the
    /// limit SQLite applied (never below the current size).
    @discardableResult
    public func setMaxPageCount(_ pages: Int64) throws -> Int64 {
        try scalarText("PRAGMA max_page_count=\(pages)").flatMap { Int64($0) } ?? pages
    }

    /// `PRAGMA integrity_check` result: "ok" for a sound database.
    public func integrityCheck() throws -> String {
        let statement = try prepare("PRAGMA integrity_check")
        var lines = [String]()
        while try statement.step() { lines.append(statement.optionalString(0) ?? "") }
        return lines.joined(separator: "\n")
    }
}

@available(*, unavailable, message: "a Connection belongs to one thread; open one per thread")
extension Connection: Sendable {}
