import MamoriEvents
import Testing
@testable import MamoriProcess

/// `ProcessTable.generation` lets the pipeline reuse an ancestry while nothing changed; these
/// tests pin down when it must move (any record or membership change) and when it must not
/// (a known process merely emitting again).
@Suite("ProcessTable generation and stored command line")
struct ProcessTableGenerationTests {
    @Test func activityOfAKnownProcessKeepsTheGeneration() {
        let table = Fixture.tableWithInit()
        table.apply(Fixture.fork(pid: 10, start: 5, parent: 1, parentStart: 1))
        let before = table.generation
        let chain = table.ancestry(of: Fixture.key(10, 5))
        for t: UInt64 in 1...3 {
            table.apply(Fixture.connect(pid: 10, start: 5, at: Fixture.ns(ticks: 5) + t))
        }
        #expect(table.generation == before)
        #expect(table.ancestry(of: Fixture.key(10, 5)) == chain)
    }

    @Test func lifecycleEventsMoveTheGeneration() {
        let table = Fixture.tableWithInit()
        var seen: Set<UInt64> = [table.generation]
        table.apply(Fixture.fork(pid: 10, start: 5, parent: 1, parentStart: 1))
        #expect(seen.insert(table.generation).inserted, "fork inserts a record")
        table.apply(Fixture.exec(pid: 10, start: 5, parent: 1, parentStart: 1, exe: "/usr/bin/sh"))
        #expect(seen.insert(table.generation).inserted, "exec rewrites the record")
        table.apply(Fixture.exit(pid: 10, start: 5, at: Fixture.ns(ticks: 6)))
        #expect(seen.insert(table.generation).inserted, "exit marks it exited")
    }

    @Test func commandLineFollowsArgs() {
        let table = Fixture.tableWithInit()
        table.apply(Fixture.exec(pid: 10, start: 5, parent: 1, parentStart: 1, exe: "/usr/bin/tar",
                                 args: ["tar", "czf", "/backup/etc.tgz", "/etc"]))
        var record = table.record(for: Fixture.key(10, 5))
        #expect(record?.commandLine == "tar czf /backup/etc.tgz /etc")
        record?.args = ["sh", "-c", "id"]
        #expect(record?.commandLine == "sh -c id")
    }
}
