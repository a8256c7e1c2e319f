import Foundation
import MamoriEvents
import MamoriProcess
import Testing
@testable import MamoriOutput

/// exec, fork and exit lines: every ECS field, with and without enrichment records.
@Suite struct ECSProcessEventTests {
    /// Fields every non-gap line carries, with the fixture's values.
    static func expectCommon(_ line: ParsedLine, action: String, category: String = "process",
                             uid: String = "1000", userName: String? = "alice") {
        #expect(line.string("@timestamp") == Fixture.eventTime)
        #expect(line.string("event.kind") == "event")
        #expect(line.strings("event.category") == [category])
        #expect(line.string("event.action") == action)
        #expect(line.string("user.id") == uid)
        #expect(line.string("user.name") == userName)
        #expect(line.string("user.effective.id") == "0")
        #expect(line.string("user.effective.name") == "root")
        #expect(line.string("group.id") == "1000")
        #expect(line.string("host.name") == "web-1")
        #expect(line.string("ecs.version") == "8.11.0")
        #expect(line.int("mamori.cgroup_id") == 4242)
        #expect(line.int("process.thread.id") == 1235)
    }

    @Test func execCarriesTheProcessFromTheEvent() throws {
        var encoder = Fixture.encoder()
        let exec = Fixture.exec()
        let line = try ParsedLine(encoder.encodeLine(.exec(exec), process: Fixture.record(),
                                                     parent: Fixture.parentRecord()))
        Self.expectCommon(line, action: "exec")
        #expect(line.strings("event.type") == ["start"])
        #expect(line.string("event.outcome") == "success")

        #expect(line.int("process.pid") == 1234)
        #expect(line.string("process.entity_id") == "ent-1234")
        #expect(line.string("process.executable") == "/usr/bin/curl")
        #expect(line.string("process.name") == "curl")
        #expect(line.strings("process.args") == ["curl", "-s", "http://x"])
        #expect(line.int("process.args_count") == 3)
        #expect(line.string("process.command_line") == "curl -s http://x")
        #expect(line.string("process.working_directory") == "/root")
        #expect(line.string("process.start") == Fixture.startTime)
        #expect(line.string("process.tty.name") == "pts/3")
        #expect(line.int("process.session_leader.pid") == 1100)
        #expect(!line.has("process.exit_code"))

        #expect(line.int("process.parent.pid") == 1200)
        #expect(line.string("process.parent.entity_id") == "ent-1200")
        #expect(line.string("process.parent.executable") == "/bin/bash")
        #expect(line.string("process.parent.name") == "bash")
        #expect(line.strings("process.parent.args") == ["-bash"])
        #expect(line.string("process.parent.command_line") == "-bash")
        #expect(line.string("process.parent.start") == Fixture.parentStartTime)

        #expect(line.string("mamori.kind") == "exec")
        #expect(line.string("mamori.unit") == "sshd.service")
        #expect(line.int("mamori.login_uid") == 1000)
        #expect(line.int("mamori.exe_inode") == 777)
        #expect(line.string("mamori.stdio.stdin") == "tty")
        #expect(line.string("mamori.stdio.stdout") == "pipe")
        #expect(line.string("mamori.stdio.stderr") == "tty")
        #expect(!line.has("mamori.truncated"))
        #expect(!line.has("mamori.result"))
        #expect(line.keys("") == ["@timestamp", "event", "process", "user", "group", "host", "ecs", "mamori"])
    }

    @Test func execPrefersEventDataOverAStaleRecord() throws {
        var encoder = Fixture.encoder()
        var stale = Fixture.record()
        stale.executable = "/bin/bash"
        stale.args = ["bash"]
        stale.cwd = "/"
        let line = try ParsedLine(encoder.encodeLine(.exec(Fixture.exec()), process: stale))
        #expect(line.string("process.executable") == "/usr/bin/curl")
        #expect(line.strings("process.args") == ["curl", "-s", "http://x"])
        #expect(line.string("process.working_directory") == "/root")
        #expect(line.string("process.entity_id") == "ent-1234")
    }

    @Test func execWithoutRecordsAndWithTruncation() throws {
        var encoder = Fixture.encoder()
        let exec = Fixture.exec(args: [], flags: [.argsTruncated, .argsFault], tty: nil)
        let line = try ParsedLine(encoder.encodeLine(.exec(exec)))
        #expect(line.int("process.pid") == 1234)
        #expect(!line.has("process.entity_id"))
        #expect(line.string("process.name") == "curl")
        #expect(!line.has("process.args"))
        #expect(!line.has("process.command_line"))
        #expect(!line.has("process.tty"))
        #expect(line.keys("process.parent") == ["pid"])
        #expect(line.int("process.parent.pid") == 1200)
        #expect(line.bool("mamori.truncated") == true)
        #expect(line.bool("mamori.args_unreadable") == true)
        #expect(!line.has("mamori.unit"))
    }

    @Test func execFromASocketShowsInStdio() throws {
        var encoder = Fixture.encoder()
        let exec = Fixture.exec(stdio: StdioTypes(stdin: .socket, stdout: .socket, stderr: .closed))
        let line = try ParsedLine(encoder.encodeLine(.exec(exec)))
        #expect(line.string("mamori.stdio.stdin") == "socket")
        #expect(line.string("mamori.stdio.stdout") == "socket")
        #expect(line.string("mamori.stdio.stderr") == "closed")
    }

    @Test func forkDescribesTheChild() throws {
        var encoder = Fixture.encoder()
        let fork = ForkEvent(header: Fixture.header(.fork), subject: Fixture.subject(comm: "bash"),
                             parentTgid: 1200, parentStartBoottimeNs: Fixture.parentStart)
        var child = Fixture.parentRecord()
        child.key = ProcessKey(pid: 1234, startBoottimeNs: Fixture.start)
        child.entityId = "ent-1234"
        child.startBoottimeNs = Fixture.start
        child.origin = .fork
        let line = try ParsedLine(encoder.encodeLine(.fork(fork), process: child, parent: Fixture.parentRecord()))
        Self.expectCommon(line, action: "fork")
        #expect(line.strings("event.type") == ["start"])
        #expect(line.string("event.outcome") == "success")
        #expect(line.int("process.pid") == 1234)
        #expect(line.string("process.entity_id") == "ent-1234")
        #expect(line.string("process.executable") == "/bin/bash")
        #expect(line.string("process.name") == "bash")
        #expect(line.string("process.start") == Fixture.startTime)
        #expect(line.int("process.parent.pid") == 1200)
        #expect(line.string("process.parent.entity_id") == "ent-1200")
        #expect(line.string("mamori.kind") == "fork")
        #expect(line.int("mamori.login_uid") == 1000)
    }

    @Test func forkWithoutRecordsFallsBackToHeaderAndSubject() throws {
        var encoder = Fixture.encoder()
        let fork = ForkEvent(header: Fixture.header(.fork, tgid: 4321, tid: 4321),
                             subject: Fixture.subject(comm: "worker"), parentTgid: 1200,
                             parentStartBoottimeNs: Fixture.parentStart)
        let line = try ParsedLine(encoder.encodeLine(.fork(fork)))
        #expect(line.keys("process") == ["pid", "name", "start", "thread", "parent"])
        #expect(line.int("process.pid") == 4321)
        #expect(line.string("process.name") == "worker")
        #expect(line.string("process.start") == Fixture.startTime)
        #expect(line.int("process.thread.id") == 4321)
        #expect(line.int("process.parent.pid") == 1200)
    }

    @Test func exitWithCode() throws {
        var encoder = Fixture.encoder()
        let exit = ExitEvent(header: Fixture.header(.exit), subject: Fixture.subject(), exitStatus: 3 << 8)
        let line = try ParsedLine(encoder.encodeLine(.exit(exit), process: Fixture.record(),
                                                     parent: Fixture.parentRecord()))
        Self.expectCommon(line, action: "exit")
        #expect(line.strings("event.type") == ["end"])
        #expect(line.string("event.outcome") == "failure")
        #expect(line.int("process.exit_code") == 3)
        #expect(line.string("process.executable") == "/usr/bin/curl")
        #expect(line.string("process.command_line") == "curl -s http://x")
        #expect(line.string("process.entity_id") == "ent-1234")
        #expect(line.string("mamori.kind") == "exit")
        #expect(!line.has("mamori.signal"))
    }

    @Test func exitCleanAndKilled() throws {
        var encoder = Fixture.encoder()
        let clean = ExitEvent(header: Fixture.header(.exit), subject: Fixture.subject(), exitStatus: 0)
        let cleanLine = try ParsedLine(encoder.encodeLine(.exit(clean)))
        #expect(cleanLine.string("event.outcome") == "success")
        #expect(cleanLine.int("process.exit_code") == 0)

        let killed = ExitEvent(header: Fixture.header(.exit), subject: Fixture.subject(), exitStatus: 9)
        let killedLine = try ParsedLine(encoder.encodeLine(.exit(killed)))
        #expect(killedLine.string("event.outcome") == "failure")
        #expect(killedLine.int("process.exit_code") == 137)
        #expect(killedLine.int("mamori.signal") == 9)
    }

    @Test func unknownUserHasIdButNoName() throws {
        var encoder = Fixture.encoder()
        var exec = Fixture.exec()
        exec.subject = Subject(ppid: 1, uid: 4242, gid: 4242, euid: 4242, cgroupId: 1, comm: "x")
        let line = try ParsedLine(encoder.encodeLine(.exec(exec)))
        #expect(line.string("user.id") == "4242")
        #expect(!line.has("user.name"))
        #expect(line.string("user.effective.id") == "4242")
        #expect(!line.has("user.effective.name"))
    }

    @Test func encodeAppendsLinesToTheCallersBuffer() throws {
        var encoder = Fixture.encoder()
        var buffer = Array("prefix\n".utf8)
        encoder.encode(.exec(Fixture.exec()), process: nil, parent: nil, into: &buffer)
        encoder.encode(.exec(Fixture.exec()), process: nil, parent: nil, into: &buffer)
        let lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4)
        #expect(lines[0] == "prefix")
        #expect(lines[1] == lines[2])
        #expect(lines[3].isEmpty)
        _ = try ParsedLine(String(lines[1]) + "\n")
    }
}
