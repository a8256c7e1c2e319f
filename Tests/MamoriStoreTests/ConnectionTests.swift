import CSQLite
import Foundation
import Testing
@testable import MamoriStore

@Suite struct ConnectionTests {
    @Test func settingsApplied() throws {
        let dir = TempDir()
        let c = try Connection(path: dir.dbPath)
        #expect(try c.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try c.scalarInt("PRAGMA synchronous") == 1)  // NORMAL
        #expect(try c.scalarInt("PRAGMA foreign_keys") == 1)
        #expect(try c.scalarInt("PRAGMA busy_timeout") == 5_000)
        #expect(try c.scalarInt("PRAGMA auto_vacuum") == 2)  // INCREMENTAL
        let mode = try FileManager.default.attributesOfItem(atPath: dir.dbPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func errorsCarrySQLCodeAndMessage() throws {
        let c = try Connection(path: ":memory:")
        do {
            _ = try c.prepare("SELECT nope FROM nowhere")
            Issue.record("prepare should fail")
        } catch let error as StoreError {
            guard case .sqlite(let op, let sql, let code, _, let message) = error else {
                Issue.record("wrong error \(error)"); return
            }
            #expect(op == "prepare")
            #expect(sql == "SELECT nope FROM nowhere")
            #expect(code == SQLITE_ERROR)
            #expect(message.contains("no such table"))
            #expect(error.description.contains("SELECT nope FROM nowhere"))
        }
        try c.execute("CREATE TABLE t (x INTEGER NOT NULL UNIQUE)")
        let insert = try c.prepare("INSERT INTO t VALUES (?)")
        try insert.bind(Int64(1), at: 1)
        try insert.run()
        try insert.bind(Int64(1), at: 1)
        #expect(throws: StoreError.self) { try insert.run() }
        do { try insert.bind(Int64(1), at: 1); try insert.run() } catch let error as StoreError {
            #expect(error.code == SQLITE_CONSTRAINT)
            #expect(error.description.contains("UNIQUE"))
        }
        #expect(throws: StoreError.self) { try c.execute("INSERT INTO t VALUES (NULL)") }
        #expect(throws: StoreError.self) { try Connection(path: "/nonexistent-dir/x.db") }
    }

    @Test func typedBindsRoundTrip() throws {
        let c = try Connection(path: ":memory:")
        try c.execute("CREATE TABLE t (i INTEGER, u INTEGER, d REAL, s TEXT, b BLOB, n TEXT, e TEXT, eb BLOB)")
        let s = try c.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        try s.bind(Int64.min, at: 1)
        try s.bind(UInt64.max, at: 2)
        try s.bind(2.5, at: 3)
        try s.bind("héllo\u{0}wörld 🙂", at: 4)
        try s.bind([0, 1, 255] as [UInt8], at: 5)
        try s.bind(nil as String?, at: 6)
        try s.bind("", at: 7)
        try s.bind([] as [UInt8], at: 8)
        try s.run()
        let q = try c.prepare("SELECT i, u, d, s, b, n, e, eb, typeof(e), typeof(eb) FROM t")
        #expect(try q.step())
        #expect(q.int64(0) == Int64.min)
        #expect(q.uint64(1) == UInt64.max)
        #expect(q.double(2) == 2.5)
        #expect(q.string(3) == "héllo\u{0}wörld 🙂")
        #expect(q.blob(4) == [0, 1, 255])
        #expect(q.isNull(5) && q.optionalString(5) == nil)
        #expect(q.optionalString(6) == "")
        #expect(q.string(8) == "text" && q.string(9) == "blob")
        #expect(q.value(0) == .integer(Int64.min))
        #expect(try q.step() == false)
    }

    @Test func transactionsCommitRollBackAndNest() throws {
        let c = try Connection(path: ":memory:")
        try c.execute("CREATE TABLE t (x INTEGER)")
        try c.transaction { try c.execute("INSERT INTO t VALUES (1)") }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try c.transaction { try c.execute("INSERT INTO t VALUES (2)"); throw Boom() }
        }
        try c.transaction {
            try c.execute("INSERT INTO t VALUES (3)")
            try? c.transaction { try c.execute("INSERT INTO t VALUES (4)"); throw Boom() }  // savepoint
        }
        #expect(c.isAutocommit)
        #expect(try c.scalarText("SELECT group_concat(x) FROM t") == "1,3")
    }

    @Test func statementCacheReusesAndResets() throws {
        let c = try Connection(path: ":memory:")
        try c.execute("CREATE TABLE t (x INTEGER)")
        let before = c.cachedStatementCount
        for i in 0..<10 {
            let s = try c.cached("INSERT INTO t VALUES (?)")
            try s.bind(i, at: 1)
            try s.run()
        }
        #expect(c.cachedStatementCount == before + 1)
        #expect(try c.scalarInt("SELECT sum(x) FROM t") == 45)
        let first = try c.cached("SELECT x FROM t ORDER BY x")
        #expect(try first.step())
        let again = try c.cached("SELECT x FROM t ORDER BY x")  // half-read statement comes back reset
        #expect(try again.step() && again.int(0) == 0)
    }
}
