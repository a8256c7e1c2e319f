import ArgumentParser
import Glibc
import MamoriSystem
import MamoriInvestigation
import MamoriStore

/// Where the event store lives and how the query commands open it.
///
/// Exists so that the agent and every query command agree on one default path, and so that a
/// missing or unreadable database gives one clear message instead of a raw SQLite error.
/// Used on the main thread.
enum StoreLocation {
    /// The database the agent writes and the query commands read by default.
    static let defaultDatabase = "/var/lib/mamori/mamori.db"

    /// Opens `path` read-only (the agent may keep writing; WAL lets both run).
    ///
    /// - Throws: `StoreAccessError` when the file is missing or unreadable, naming the path
    ///   and what to do; `StoreError` for anything SQLite reports.
    static func openReadOnly(_ path: String) throws -> EventStore {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw StoreAccessError.missing(path) }
            throw StoreAccessError.unreadable(path, String(cString: strerror(code)))
        }
        guard access(path, R_OK) == 0 else {
            throw StoreAccessError.unreadable(path, String(cString: strerror(errno)))
        }
        do {
            return try EventStore(path: path, mode: .readOnly)
        } catch let error as StoreError {
            throw StoreAccessError.store(path, error.description)
        }
    }
}

/// The store could not be opened. Printed by argument-parser as `Error: <description>`,
/// exit status 1.
enum StoreAccessError: Error, CustomStringConvertible {
    case missing(String)
    case unreadable(String, String)
    case store(String, String)

    var description: String {
        switch self {
        case .missing(let path):
            return "no event store at \(path): start the agent (`sudo mamori agent` or "
                + "`systemctl start mamori`) so that it records events, or pass --db PATH"
        case .unreadable(let path, let reason):
            return "cannot read the event store \(path): \(reason) (it is root-only: run with sudo)"
        case .store(let path, let reason):
            return "cannot open the event store \(path): \(reason)"
        }
    }
}

/// `--db PATH`, shared by the query commands.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite event store to read.", valueName: "path"))
    var db: String = StoreLocation.defaultDatabase
}

/// The time and error helpers of the query commands.
enum QueryCLI {
    /// Parses a `--since`/`--until` value relative to now; a usage error names the option.
    static func time(_ text: String?, option: String, now: Int64) throws -> Int64? {
        guard let text else { return nil }
        do {
            return try TimeExpression.parse(text, nowUnixNs: now)
        } catch {
            throw ValidationError("--\(option): \(error.description)")
        }
    }

    /// Runs a parser of `QueryArguments`, turning its error into a usage error.
    static func argument<T>(_ body: () throws(InvestigationError) -> T) throws -> T {
        do { return try body() } catch { throw ValidationError(error.description) }
    }

    /// Writes `text` to stdout, unbuffered (listings can be large).
    static func write(_ text: String) {
        try? FileDescriptor.standardOutput.writeAll(text)
    }

    /// One line on stderr (hints such as "no events match"), never mixed into stdout.
    static func note(_ text: String) {
        try? FileDescriptor.standardError.writeAll("mamori: " + text + "\n")
    }
}
