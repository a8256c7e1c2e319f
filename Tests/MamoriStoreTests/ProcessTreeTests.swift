import Testing
@testable import MamoriStore

@Suite struct ProcessTreeTests {
    /// R ─┬─ C1 ─┬─ G1 ── GG1
    ///    │      └─ G2
    ///    └─ C2
    static func tree() throws -> (TempDir, EventStore) {
        let dir = TempDir()
        let store = try EventStore(path: dir.dbPath)
        let rows = [
            Rows.process("R", pid: 1, parent: nil, exe: "/usr/sbin/sshd", start: 10),
            Rows.process("C1", pid: 2, parent: "R", exe: "/bin/bash", start: 20),
            Rows.process("C2", pid: 3, parent: "R", exe: "/bin/bash", start: 30),
            Rows.process("G1", pid: 4, parent: "C1", exe: "/usr/bin/curl", start: 40),
            Rows.process("G2", pid: 5, parent: "C1", exe: "/bin/sh", start: 50),
            Rows.process("GG1", pid: 6, parent: "G1", exe: "/tmp/payload", start: 60),
            Rows.process("OTHER", pid: 7, parent: nil, start: 5),
        ]
        try store.write(rows.map { StoreItem.process($0) })
        return (dir, store)
    }

    @Test func descendantsOfAThreeLevelTree() throws {
        let (_, store) = try Self.tree()
        let nodes = try store.descendants(of: "R")
        #expect(nodes.map(\.process.entityId) == ["C1", "C2", "G1", "G2", "GG1"])
        #expect(nodes.map(\.depth) == [1, 1, 2, 2, 3])
        #expect(nodes.last?.process.executable == "/tmp/payload")
        #expect(try store.descendants(of: "R", maxDepth: 2).map(\.process.entityId) == ["C1", "C2", "G1", "G2"])
        #expect(try store.descendants(of: "G2").isEmpty)
        #expect(try store.descendants(of: "missing").isEmpty)
    }

    @Test func childrenAndAncestors() throws {
        let (_, store) = try Self.tree()
        #expect(try store.children(of: "C1").map(\.entityId) == ["G1", "G2"])
        let chain = try store.ancestors(of: "GG1")
        #expect(chain.map(\.process.entityId) == ["G1", "C1", "R"])
        #expect(chain.map(\.depth) == [1, 2, 3])
        #expect(try store.ancestors(of: "R").isEmpty)
    }

    @Test func cyclesTerminate() throws {
        let dir = TempDir()
        let store = try EventStore(path: dir.dbPath)
        try store.upsert(Rows.process("X", pid: 1, parent: "Y"))
        try store.upsert(Rows.process("Y", pid: 2, parent: "X"))
        #expect(try store.descendants(of: "X").map(\.process.entityId) == ["Y"])
        #expect(try store.ancestors(of: "X").map(\.process.entityId) == ["Y"])
    }

    @Test func upsertKeepsKnownValuesAndRecordsExit() throws {
        let (_, store) = try Self.tree()
        try store.upsert(ProcessRow(entityId: "G1", pid: 4, exitNs: 99, exitCode: 137, seenUnixNs: Rows.t0 + 5))
        let g1 = try #require(try store.process(entityId: "G1"))
        #expect(g1.executable == "/usr/bin/curl" && g1.parentEntityId == "C1" && g1.unit == "sshd.service")
        #expect(g1.exitNs == 99 && g1.exitCode == 137 && g1.seenUnixNs == Rows.t0 + 5)
        #expect(try store.processes(pid: 4).map(\.entityId) == ["G1"])
        #expect(try store.process(entityId: "nope") == nil)
    }
}
