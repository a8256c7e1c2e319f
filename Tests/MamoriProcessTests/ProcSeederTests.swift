import Foundation
import MamoriEvents
import Testing
@testable import MamoriProcess

@Suite("Seeding from /proc")
struct ProcSeederTests {
    // MARK: Parsers

    @Test func statWithAwkwardComm() throws {
        let line = "4242 (my (odd) prog) S 17 4242 4200 34817 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 123456 1000 10 18446744073709551615 0 0\n"
        let stat = try #require(ProcStat(parsing: Array(line.utf8)))
        #expect(stat == ProcStat(pid: 4242, comm: "my (odd) prog", state: UInt8(ascii: "S"), ppid: 17,
                                 sessionId: 4200, ttyNr: 34817, startTime: 123_456))
        #expect(ProcStat(parsing: Array("1 (x) S 0 1".utf8)) == nil, "truncated")
        #expect(ProcStat(parsing: []) == nil)
    }

    @Test func statusCmdlineCgroupLoginuidTty() {
        let status = "Name:\tbash\nUmask:\t0022\nUid:\t1000\t0\t0\t0\nGid:\t100\t101\t101\t101\nGroups:\t\n"
        #expect(ProcParsers.credentials(fromStatus: status) == .init(uid: 1000, euid: 0, gid: 100, egid: 101))
        #expect(ProcParsers.credentials(fromStatus: "Name:\tx\n") == nil)

        #expect(ProcParsers.arguments(fromCmdline: Array("ls\0-la\0/tmp\0".utf8)) == ["ls", "-la", "/tmp"])
        #expect(ProcParsers.arguments(fromCmdline: Array("a\0\0b\0".utf8)) == ["a", "", "b"])
        #expect(ProcParsers.arguments(fromCmdline: []) == [])

        let cg = ProcParsers.cgroupPaths(fromCgroupFile: "12:pids:/x\n1:name=systemd:/system.slice/a.service\n0::/\n")
        #expect(cg.unified == "/" && cg.systemd == "/system.slice/a.service")

        #expect(ProcParsers.loginUid(fromText: "4294967295") == nil)
        #expect(ProcParsers.loginUid(fromText: "1000") == 1000)

        #expect(ProcParsers.executablePath(fromLink: "/usr/bin/x (deleted)") == "/usr/bin/x")
        #expect(ProcParsers.ttyName(ttyNr: 0) == nil)
        #expect(ProcParsers.ttyName(ttyNr: 136 << 8 | 3) == "pts/3")
        #expect(ProcParsers.ttyName(ttyNr: 4 << 8 | 1) == "tty1")
        #expect(ProcParsers.ttyName(ttyNr: 4 << 8 | 64) == "ttyS0")
        // pts 300: minor 300 = low byte 44, high bits 1 in bits 20..31 of tty_nr.
        #expect(ProcParsers.ttyName(ttyNr: 136 << 8 | 44 | (1 << 20)) == "pts/300")
    }

    // MARK: A synthetic /proc

    static func statLine(_ pid: UInt32, _ comm: String, ppid: UInt32, sid: UInt32, tty: UInt32 = 0, start: UInt64) -> String {
        "\(pid) (\(comm)) S \(ppid) \(pid) \(sid) \(tty) -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 \(start) 1000 10 0\n"
    }

    static func fakeProc() throws -> TempDir {
        let proc = try TempDir()
        try proc.write("sys/kernel/random/boot_id", Fixture.bootId + "\n")
        try proc.write("self/stat", "not a process")
        // init
        try proc.write("1/stat", statLine(1, "systemd", ppid: 0, sid: 1, start: 250))
        try proc.symlink("1/exe", to: "/usr/lib/systemd/systemd")
        try proc.symlink("1/cwd", to: "/")
        try proc.write("1/cmdline", "/sbin/init\0splash\0")
        try proc.write("1/status", "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n")
        try proc.write("1/loginuid", "4294967295")
        try proc.write("1/cgroup", "0::/init.scope\n")
        // kernel threads: no exe
        try proc.write("2/stat", statLine(2, "kthreadd", ppid: 0, sid: 0, start: 250))
        try proc.write("3/stat", statLine(3, "kworker/0:0-events", ppid: 2, sid: 0, start: 300))
        // a user process in a session, with a deleted executable and a hybrid cgroup file
        try proc.write("42/stat", statLine(42, "my (odd) prog", ppid: 1, sid: 40, tty: 136 << 8 | 1, start: 5000))
        try proc.symlink("42/exe", to: "/opt/app/bin (deleted)")
        try proc.symlink("42/cwd", to: "/srv/app")
        try proc.write("42/cmdline", "app\0--flag\0")
        try proc.write("42/status", "Uid:\t1000\t1001\t1001\t1001\nGid:\t100\t100\t100\t100\n")
        try proc.write("42/loginuid", "1000")
        try proc.write("42/cgroup", "1:name=systemd:/system.slice/app.service\n0::/\n")
        // a process whose parent is not visible, and one that vanished between listing and reading
        try proc.write("43/stat", statLine(43, "orphan", ppid: 77, sid: 43, start: 6000))
        try proc.mkdir("99")
        return proc
    }

    @Test func seedsFromSyntheticProc() throws {
        let proc = try Self.fakeProc()
        let ids = EntityIdGenerator.forThisHost(procRoot: proc.path)
        #expect(ids == Fixture.ids, "boot id read from <procRoot>/sys/kernel/random/boot_id")
        let seeder = ProcSeeder(procRoot: proc.path, entityIds: ids, clockTicksPerSecond: 250)
        let result = try seeder.scan()
        #expect(result.vanished == 1)
        let byPid = Dictionary(uniqueKeysWithValues: result.records.map { ($0.pid, $0) })
        #expect(Set(byPid.keys) == [1, 2, 3, 42, 43])

        let initRecord = try #require(byPid[1])
        #expect(initRecord.key == ProcessKey(pid: 1, startTicks: 100), "250 ticks at USER_HZ 250 = 1 s = 100 key ticks")
        #expect(initRecord.startBoottimeNs == 1_000_000_000)
        #expect(initRecord.executable == "/usr/lib/systemd/systemd")
        #expect(initRecord.args == ["/sbin/init", "splash"])
        #expect(initRecord.unit == "init.scope")
        #expect(initRecord.parentKey == nil)
        #expect(initRecord.loginUid == nil)
        #expect(initRecord.origin == .procfs)

        let kworker = try #require(byPid[3])
        #expect(kworker.executable.isEmpty && kworker.args.isEmpty)
        #expect(kworker.name == "kworker/0:0-events")
        #expect(kworker.parentKey == ProcessKey(pid: 2, startTicks: 100))

        let app = try #require(byPid[42])
        #expect(app.executable == "/opt/app/bin")
        #expect(app.cwd == "/srv/app")
        #expect(app.comm == "my (odd) prog")
        #expect(app.args == ["app", "--flag"])
        #expect(app.uid == 1000 && app.euid == 1001 && app.gid == 100)
        #expect(app.loginUid == 1000)
        #expect(app.sessionId == 40)
        #expect(app.tty == "pts/1")
        #expect(app.unit == "app.service", "from the name=systemd line when 0:: has no unit")
        #expect(app.parentKey == initRecord.key)
        #expect(app.entityId == ids.entityId(for: app.key))

        #expect(byPid[43]?.parentKey == nil, "parent not visible")
        #expect(byPid[43]?.executable == "", "exe unreadable: empty, not an error")

        let table = ProcessTable(entityIds: ids)
        #expect(try seeder.seed(into: table) == 5)
        #expect(table.ancestry(of: app.key).map(\.pid) == [1])
        #expect(seeder.readProcess(app.key)?.parentKey == initRecord.key)
        #expect(seeder.readProcess(ProcessKey(pid: 99, startTicks: 0)) == nil)
    }

    @Test func unreadableProcIsAnError() {
        let seeder = ProcSeeder(procRoot: "/nonexistent-proc-root", entityIds: Fixture.ids)
        #expect(throws: ProcessTableError.procfsUnreadable(path: "/nonexistent-proc-root")) { try seeder.scan() }
    }

    // MARK: The real /proc

    static let hasProc = ProcFS.readBytes("/proc/self/stat") != nil

    @Test(.enabled(if: hasProc, "no procfs"))
    func seedsTheRealProcWithOwnAncestry() throws {
        let ids = EntityIdGenerator.forThisHost()
        let resolver = CgroupResolver.discover()
        let seeder = ProcSeeder(entityIds: ids, cgroups: resolver)
        let table = ProcessTable(entityIds: ids, cgroups: resolver)
        let inserted = try seeder.seed(into: table)
        #expect(inserted > 2)

        let pid = UInt32(getpid()), ppid = UInt32(getppid())
        let me = try #require(table.lookup(pid: pid))
        let ownExe = try #require(ProcFS.readLink("/proc/self/exe"))
        #expect(me.executable == ProcParsers.executablePath(fromLink: ownExe))
        #expect(me.args == ProcParsers.arguments(fromCmdline: ProcFS.readBytes("/proc/self/cmdline", limit: 4096) ?? []))
        #expect(me.cwd == FileManager.default.currentDirectoryPath)
        #expect(me.uid == getuid() && me.euid == geteuid())
        #expect(me.entityId == ids.entityId(for: me.key))
        #expect(me.parentKey?.pid == ppid)
        var now = timespec()
        clock_gettime(CLOCK_BOOTTIME, &now)
        #expect(me.startBoottimeNs <= UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec))

        let parent = try #require(table.lookup(pid: ppid))
        #expect(me.parentKey == parent.key)
        if let link = ProcFS.readLink("/proc/\(ppid)/exe") {
            #expect(parent.executable == ProcParsers.executablePath(fromLink: link))
        }

        // The chain the table reports equals the ppid chain in /proc, up to pid 1.
        var expected: [UInt32] = []
        var cursor = ppid
        while cursor != 0, expected.count < 64 {
            expected.append(cursor)
            if cursor == 1 { break }
            guard let stat = seeder.readStat(pid: cursor) else { break }
            cursor = stat.ppid
        }
        let chain = table.ancestry(of: me.key)
        #expect(chain.map(\.pid) == expected)
        if expected.contains(1) { #expect(chain.last?.pid == 1) }
        if let leader = table.sessionLeader(of: me.key) { #expect(leader.pid == me.sessionId) }

        // Kernel threads are kept under their comm.
        if let kthreadd = table.lookup(pid: 2), kthreadd.comm == "kthreadd" {
            #expect(kthreadd.executable.isEmpty)
            #expect(kthreadd.name == "kthreadd")
        }
        #expect(ProcFS.isAlive(me.key))
        #expect(!ProcFS.isAlive(ProcessKey(pid: pid, startTicks: me.key.startTicks + 1000)))
    }
}
