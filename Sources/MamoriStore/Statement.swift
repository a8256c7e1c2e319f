import CSQLite

/// `SQLITE_TRANSIENT`: tells SQLite to copy bound text and blobs before the bind call returns,
/// so Swift may free or move the buffer right after (the C macro is `((sqlite3_destructor_type)-1)`,
/// which Swift cannot import).
@inline(__always)
var sqliteTransient: sqlite3_destructor_type { unsafeBitCast(-1, to: sqlite3_destructor_type.self) }

/// A dynamically typed SQL value, for statements whose parameters are assembled at run time
/// (query filters). Hot paths bind typed values directly instead.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// One compiled SQL statement with typed binds and column reads.
///
/// Exists to keep `sqlite3_stmt` handling (indices, lifetimes, copying text out before the next
/// step) in one place. Parameter and column indices follow SQLite: binds start at 1, columns
/// at 0. Column values are copied into Swift values, never borrowed.
///
/// Owned by the thread that owns its `Connection`; never shared.
public final class Statement {
    let handle: OpaquePointer
    private let db: OpaquePointer
    /// The SQL text, reported in errors.
    public let sql: String

    init(handle: OpaquePointer, db: OpaquePointer, sql: String) {
        self.handle = handle
        self.db = db
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    private func check(_ rc: Int32, _ operation: String) throws {
        guard rc == SQLITE_OK else {
            throw StoreError.sqlite(operation: operation, sql: sql, code: rc & 0xff,
                                    extendedCode: sqlite3_extended_errcode(db),
                                    message: String(cString: sqlite3_errmsg(db)))
        }
    }

    // MARK: Binding

    public func bind(_ value: Int64?, at index: Int32) throws {
        guard let value else { return try bindNull(at: index) }
        try check(sqlite3_bind_int64(handle, index, value), "bind integer ?\(index)")
    }

    public func bind(_ value: Int?, at index: Int32) throws {
        try bind(value.map { Int64($0) }, at: index)
    }

    public func bind(_ value: UInt32?, at index: Int32) throws {
        try bind(value.map { Int64($0) }, at: index)
    }

    public func bind(_ value: Int32?, at index: Int32) throws {
        try bind(value.map { Int64($0) }, at: index)
    }

    /// Stores the bit pattern: values ≥ 2^63 read back identically through `uint64(_:)`.
    public func bind(_ value: UInt64?, at index: Int32) throws {
        try bind(value.map { Int64(bitPattern: $0) }, at: index)
    }

    public func bind(_ value: Double?, at index: Int32) throws {
        guard let value else { return try bindNull(at: index) }
        try check(sqlite3_bind_double(handle, index, value), "bind real ?\(index)")
    }

    /// Binds UTF-8 text (copied by SQLite: `SQLITE_TRANSIENT`). Embedded NULs are kept.
    public func bind(_ value: String?, at index: Int32) throws {
        guard let value else { return try bindNull(at: index) }
        let length = Int32(clamping: value.utf8.count)
        let rc = value.withCString { sqlite3_bind_text(handle, index, $0, length, sqliteTransient) }
        try check(rc, "bind text ?\(index)")
    }

    public func bind(_ value: [UInt8]?, at index: Int32) throws {
        guard let value else { return try bindNull(at: index) }
        let rc = value.withUnsafeBytes { raw in
            // A zero-length blob needs a non-NULL pointer, or SQLite binds NULL.
            sqlite3_bind_blob(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                              Int32(clamping: raw.count), sqliteTransient)
        }
        try check(rc, "bind blob ?\(index)")
    }

    public func bind(_ value: Bool?, at index: Int32) throws {
        try bind(value.map { $0 ? Int64(1) : 0 }, at: index)
    }

    public func bindNull(at index: Int32) throws {
        try check(sqlite3_bind_null(handle, index), "bind null ?\(index)")
    }

    public func bind(_ value: SQLValue, at index: Int32) throws {
        switch value {
        case .null: try bindNull(at: index)
        case .integer(let v): try bind(v, at: index)
        case .real(let v): try bind(v, at: index)
        case .text(let v): try bind(v, at: index)
        case .blob(let v): try bind(v, at: index)
        }
    }

    /// Binds `values` to parameters 1...n.
    public func bind(_ values: [SQLValue]) throws {
        for (offset, value) in values.enumerated() { try bind(value, at: Int32(offset + 1)) }
    }

    // MARK: Execution

    /// Advances to the next row: `true` when a row is available, `false` when done.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let message = String(cString: sqlite3_errmsg(db))
            sqlite3_reset(handle)  // leave the statement reusable
            throw StoreError.sqlite(operation: "step", sql: sql, code: rc & 0xff,
                                    extendedCode: rc, message: message)
        }
    }

    /// Runs a statement that returns no rows, then resets it.
    public func run() throws {
        defer { reset() }
        while try step() {}
    }

    /// Rewinds the statement and clears its bindings (cannot fail in a way that matters: an
    /// earlier step error was already reported).
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Steps through every row, mapping each with `transform`, then resets.
    public func rows<T>(_ transform: (Statement) throws -> T) throws -> [T] {
        defer { reset() }
        var out = [T]()
        while try step() { out.append(try transform(self)) }
        return out
    }

    // MARK: Columns

    public var columnCount: Int32 { sqlite3_column_count(handle) }

    public func isNull(_ index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }

    public func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

    public func int(_ index: Int32) -> Int { Int(sqlite3_column_int64(handle, index)) }

    public func uint64(_ index: Int32) -> UInt64 { UInt64(bitPattern: sqlite3_column_int64(handle, index)) }

    public func uint32(_ index: Int32) -> UInt32 { UInt32(truncatingIfNeeded: sqlite3_column_int64(handle, index)) }

    public func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

    public func optionalInt64(_ index: Int32) -> Int64? { isNull(index) ? nil : int64(index) }

    public func optionalInt(_ index: Int32) -> Int? { isNull(index) ? nil : int(index) }

    public func optionalUInt32(_ index: Int32) -> UInt32? { isNull(index) ? nil : uint32(index) }

    /// Column text; "" for NULL.
    public func string(_ index: Int32) -> String { optionalString(index) ?? "" }

    public func optionalString(_ index: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, index) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    public func blob(_ index: Int32) -> [UInt8] {
        guard let bytes = sqlite3_column_blob(handle, index) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, index))
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// The column as a `SQLValue`, whatever its storage class.
    public func value(_ index: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(int64(index))
        case SQLITE_FLOAT: return .real(double(index))
        case SQLITE_TEXT: return .text(string(index))
        case SQLITE_BLOB: return .blob(blob(index))
        default: return .null
        }
    }
}

@available(*, unavailable, message: "a Statement belongs to the thread that owns its Connection")
extension Statement: Sendable {}
