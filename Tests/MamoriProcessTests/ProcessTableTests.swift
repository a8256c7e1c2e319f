import MamoriEvents
import Testing
@testable import MamoriProcess

@Suite("ProcessTable maintenance")
struct ProcessTableTests {
    @Test func forkInheritsFromParent() {
        let table = Fixture.tableWithInit()
        table.apply(Fixture.exec(pid: 300, start: 10, parent: 1, parentStart: 1, exe: "/usr/sbin/sshd",
                                 args: ["/usr/sbin/sshd", "-D"], cwd: "/", uid: 0))
        table.apply(Fixture.fork(pid: 301, start: 20, parent: 300, parentStart: 10, comm: "sshd"))
        let child = try! #require(table.record(for: Fixture.key(301, 20)))
        #expect(child.origin == .fork)
        #expect(child.executable == "/usr/sbin/sshd")
        #expect(child.args == ["/usr/sbin/sshd", "-D"])
        #expect(child.cwd == "/")
        #expect(child.parentKey == Fixture.key(300, 10))
        #expect(child.ppid == 300)
        #expect(child.entityId == Fixture.ids.entityId(for: Fixture.key(301, 20)))
        #expect(child.entityId != table.record(for: Fixture.key(300, 10))?.entityId)
        #expect(child.startBoottimeNs == Fixture.ns(ticks: 20))
        #expect(child.exitStatus == nil)
        #expect(table.counters.live == 3)
    }

    @Test func execReplacesImageOfExistingKey() {
        let table = Fixture.tableWithInit()
        table.apply(Fixture.exec(pid: 400, start: 30, parent: 1, parentStart: 1, exe: "/bin/bash", cwd: "/root", uid: 0))
        table.apply(Fixture.fork(pid: 401, start: 40, parent: 400, parentStart: 30))
        let before = try! #require(table.record(for: Fixture.key(401, 40)))
        table.apply(Fixture.exec(pid: 401, start: 40, parent: 400, parentStart: 30, exe: "/usr/bin/curl",
                                 args: ["curl", "-s", "http://x"], cwd: "/tmp", uid: 1000, sid: 400, tty: "pts/1"))
        let after = try! #require(table.record(for: Fixture.key(401, 40)))
        #expect(after.executable == "/usr/bin/curl")
        #expect(after.args == ["curl", "-s", "http://x"])
        #expect(after.commandLine == "curl -s http://x")
        #expect(after.cwd == "/tmp")
        #expect(after.uid == 1000 && after.euid == 1000)
        #expect(after.tty == "pts/1")
        #expect(after.sessionId == 400)
        #expect(after.loginUid == 1000)
        #expect(after.origin == .exec)
        #expect(after.name == "curl")
        #expect(after.entityId == before.entityId, "exec keeps the entity: same pid and start time")
        #expect(after.parentKey == Fixture.key(400, 30))
        #expect(table.count == 3)
    }

    @Test func execOfUnknownProcessCreatesIt() {
        let table = ProcessTable(entityIds: Fixture.ids)
        table.apply(Fixture.exec(pid: 77, start: 5, parent: 70, parentStart: 4, exe: "/usr/bin/env"))
        let r = try! #require(table.lookup(pid: 77, startBoottimeNs: Fixture.ns(ticks: 5) + 9_999_999))
        #expect(r.executable == "/usr/bin/env")
        #expect(r.parentKey == Fixture.key(70, 4))
        #expect(r.origin == .exec)
    }

    @Test func exitKeepsRecordWithStatus() {
        let table = Fixture.tableWithInit()
        table.apply(Fixture.exec(pid: 500, start: 50, parent: 1, parentStart: 1, exe: "/bin/false"))
        table.apply(Fixture.exit(pid: 500, start: 50, status: 1 << 8, at: Fixture.ns(ticks: 60)))
        let r = try! #require(table.record(for: Fixture.key(500, 50)))
        #expect(r.exitStatus == 256)
        #expect(r.endBoottimeNs == Fixture.ns(ticks: 60))
        #expect(r.executable == "/bin/false")
        #expect(!table.isLive(Fixture.key(500, 50)))
        #expect(table.lookup(pid: 500) == nil, "a bare pid names only a running process")
        // A late network record of the exited process is still enriched and does not revive it.
        table.apply(Fixture.connect(pid: 500, start: 50, at: Fixture.ns(ticks: 61)))
        #expect(table.record(for: Fixture.key(500, 50))?.executable == "/bin/false")
        #expect(table.counters.exited == 1)
        #expect(table.counters.live == 1)
    }

    @Test func pidReuseCreatesNewEntityAndKeepsOld() {
        let table = Fixture.tableWithInit()
        table.apply(Fixture.exec(pid: 600, start: 100, parent: 1, parentStart: 1, exe: "/usr/bin/old"))
        // The exit of 600@100 was lost; the pid comes back with a new start time.
        table.apply(Fixture.fork(pid: 600, start: 900, parent: 1, parentStart: 1))
        table.apply(Fixture.exec(pid: 600, start: 900, parent: 1, parentStart: 1, exe: "/usr/bin/new"))
        let old = try! #require(table.record(for: Fixture.key(600, 100)))
        let new = try! #require(table.record(for: Fixture.key(600, 900)))
        #expect(old.executable == "/usr/bin/old", "old entry not overwritten")
        #expect(new.executable == "/usr/bin/new")
        #expect(old.entityId != new.entityId)
        #expect(!table.isLive(old.key))
        #expect(table.lookup(pid: 600)?.key == new.key)
        #expect(table.counters.pidReuses == 1)
        // A late record of the old incarnation neither revives it nor retires the new one.
        table.apply(Fixture.connect(pid: 600, start: 100, at: Fixture.ns(ticks: 901)))
        #expect(table.lookup(pid: 600)?.key == new.key)
    }

    @Test func pidReuseAfterReportedExit() {
        let table = Fixture.tableWithInit()
        table.apply(Fixture.fork(pid: 700, start: 10, parent: 1, parentStart: 1))
        table.apply(Fixture.exit(pid: 700, start: 10, at: Fixture.ns(ticks: 11)))
        table.apply(Fixture.fork(pid: 700, start: 12, parent: 1, parentStart: 1))
        #expect(table.record(for: Fixture.key(700, 10))?.exitStatus == 0)
        #expect(table.record(for: Fixture.key(700, 12))?.exitStatus == nil)
        #expect(table.counters.pidReuses == 0)
    }

    @Test func staleRecordOfOlderIncarnationIsStoredAsExited() {
        let table = Fixture.tableWithInit()
        table.apply(Fixture.fork(pid: 800, start: 500, parent: 1, parentStart: 1))
        // A network record from 800@400, which we never saw, arrives late.
        table.apply(Fixture.connect(pid: 800, start: 400, at: Fixture.ns(ticks: 501)))
        #expect(table.isLive(Fixture.key(800, 500)))
        #expect(!table.isLive(Fixture.key(800, 400)))
        #expect(table.record(for: Fixture.key(800, 400))?.origin == .unknown)
    }

    @Test func ancestryParentFirstUpToInit() {
        let table = Fixture.tableWithInit()
        table.apply(Fixture.exec(pid: 300, start: 10, parent: 1, parentStart: 1, exe: "/usr/sbin/sshd"))
        table.apply(Fixture.fork(pid: 400, start: 20, parent: 300, parentStart: 10))
        table.apply(Fixture.exec(pid: 400, start: 20, parent: 300, parentStart: 10, exe: "/bin/bash", sid: 400))
        table.apply(Fixture.fork(pid: 500, start: 30, parent: 400, parentStart: 20))
        table.apply(Fixture.exec(pid: 500, start: 30, parent: 400, parentStart: 20, exe: "/usr/bin/sudo", sid: 400))
        table.apply(Fixture.fork(pid: 600, start: 40, parent: 500, parentStart: 30))
        table.apply(Fixture.exec(pid: 600, start: 40, parent: 500, parentStart: 30, exe: "/bin/sh", sid: 400))

        let chain = table.ancestry(of: Fixture.key(600, 40))
        #expect(chain.map(\.pid) == [500, 400, 300, 1])
        #expect(chain.map(\.name) == ["sudo", "bash", "sshd", "init"])
        #expect(table.ancestry(of: Fixture.key(600, 40), limit: 2).map(\.pid) == [500, 400])
        #expect(table.ancestry(of: Fixture.key(1, 1)).isEmpty)
        #expect(table.ancestry(of: Fixture.key(9999, 1)).isEmpty)

        #expect(table.sessionLeader(of: Fixture.key(600, 40))?.executable == "/bin/bash")
        #expect(table.sessionLeader(of: Fixture.key(400, 20))?.key == Fixture.key(400, 20))
        #expect(table.sessionLeader(of: Fixture.key(300, 10)) == nil, "session 0: unknown")
    }

    @Test func ancestrySurvivesExitedParentUntilEvicted() {
        let table = Fixture.tableWithInit()
        table.apply(Fixture.exec(pid: 10, start: 2, parent: 1, parentStart: 1, exe: "/bin/bash"))
        table.apply(Fixture.fork(pid: 11, start: 3, parent: 10, parentStart: 2))
        table.apply(Fixture.exit(pid: 10, start: 2, at: Fixture.ns(ticks: 4)))
        #expect(table.ancestry(of: Fixture.key(11, 3)).map(\.pid) == [10, 1])
        // Parent evicted after its grace period: the chain stops, the parent's id is still known.
        table.expire(nowBoottimeNs: Fixture.ns(ticks: 4) + table.configuration.exitedGraceNs + 1)
        #expect(table.ancestry(of: Fixture.key(11, 3)).isEmpty)
        #expect(table.entityId(for: Fixture.key(10, 2)) == Fixture.ids.entityId(for: Fixture.key(10, 2)))
    }

    @Test func unknownProcessGetsMinimalRecordWithLiveParent() {
        let table = Fixture.tableWithInit()
        table.apply(Fixture.connect(pid: 900, start: 70, parent: 1, at: Fixture.ns(ticks: 80), uid: 33))
        let r = try! #require(table.record(for: Fixture.key(900, 70)))
        #expect(r.origin == .unknown)
        #expect(r.uid == 33)
        #expect(r.parentKey == Fixture.key(1, 1))
        #expect(r.name == "proc", "falls back to comm")
        #expect(table.counters.unknownProcesses == 1)
    }

    @Test func fallbackFillsUnknownParentFromProcfs() {
        let seeded = ProcessRecord(key: Fixture.key(50, 5), entityId: "", parentKey: nil,
                                   executable: "/usr/sbin/cron", args: ["cron"], cwd: "/", uid: 0, euid: 0,
                                   gid: 0, loginUid: nil, sessionId: 50, tty: nil, cgroupId: 0, unit: "cron.service",
                                   startBoottimeNs: Fixture.ns(ticks: 5), comm: "cron", exitStatus: nil, origin: .procfs)
        var asked: [ProcessKey] = []
        let table = ProcessTable(entityIds: Fixture.ids, fallback: { key in
            asked.append(key)
            return key == seeded.key ? seeded : nil
        })
        table.apply(Fixture.fork(pid: 51, start: 9, parent: 50, parentStart: 5))
        let child = try! #require(table.record(for: Fixture.key(51, 9)))
        #expect(child.executable == "/usr/sbin/cron")
        #expect(child.unit == "cron.service")
        #expect(table.record(for: seeded.key)?.entityId == Fixture.ids.entityId(for: seeded.key))
        #expect(table.counters.procfsFallbacks == 1)
        #expect(asked == [seeded.key])
    }

    @Test func missesAreCounted() {
        let table = ProcessTable(entityIds: Fixture.ids)
        #expect(table.record(for: Fixture.key(1, 1)) == nil)
        #expect(table.lookup(pid: 1) == nil)
        #expect(table.counters.misses == 2)
    }

    @Test func seedDoesNotOverwriteEventData() {
        let table = Fixture.tableWithInit()
        var stale = try! #require(table.record(for: Fixture.key(1, 1)))
        stale.executable = "/stale"
        stale.entityId = ""
        let other = ProcessRecord(key: Fixture.key(2, 1), entityId: "", parentKey: nil, executable: "", args: [],
                                  cwd: "", uid: 0, euid: 0, gid: 0, loginUid: nil, sessionId: 0, tty: nil,
                                  cgroupId: 0, unit: nil, startBoottimeNs: 0, comm: "kthreadd",
                                  exitStatus: nil, origin: .procfs)
        #expect(table.seed([stale, other]) == 1)
        #expect(table.record(for: Fixture.key(1, 1))?.executable == "/sbin/init")
        #expect(table.record(for: Fixture.key(2, 1))?.entityId == Fixture.ids.entityId(for: Fixture.key(2, 1)))
        #expect(table.record(for: Fixture.key(2, 1))?.name == "kthreadd")
    }
}
