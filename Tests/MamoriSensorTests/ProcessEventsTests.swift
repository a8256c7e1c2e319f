import Foundation
import MamoriEvents
@testable import MamoriSensor
import Testing

/// Real programs, real hooks: exec, fork and exit as a user would trigger them.
extension SensorIntegration {
@Suite("process events")
struct ProcessEventsTests {
    @Test("exec through a relative path resolves the absolute executable, argv and cwd")
    func execRelativePath() throws {
        let h = try SensorHarness.get()
        h.reset()
        let dir = try makeTempDir("exec")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tool = dir + "/tool"
        try FileManager.default.copyItem(atPath: "/bin/echo", toPath: tool)
        var st = stat()
        #expect(stat(tool, &st) == 0)

        let sh = try runProcess("/bin/sh", ["-c", "cd '\(dir)' && ./tool alpha 'beta gamma' >/dev/null; exit 0"])
        let found = h.first { if case .exec(let e) = $0 { return e.executable == tool } else { return false } }
        guard case .exec(let e)? = found else {
            Issue.record("no exec event for \(tool)")
            return
        }
        #expect(e.args == ["./tool", "alpha", "beta gamma"])
        #expect(e.cwd == dir)
        #expect(e.exeInode == UInt64(st.st_ino))
        #expect(e.subject.uid == getuid())
        #expect(e.subject.euid == geteuid())
        #expect(e.subject.gid == getgid())
        #expect(e.egid == getegid())
        #expect(e.subject.comm == "tool")
        #expect(e.flags.isDisjoint(with: [.argsTruncated, .exeTruncated, .cwdTruncated, .argsFault]))
        // Either the shell exec'd in place (same pid) or forked a child whose parent is the shell.
        #expect(e.header.tgid == UInt32(sh.pid) || e.subject.ppid == UInt32(sh.pid))
        #expect(e.header.startBoottimeNs > 0)
        #expect(e.header.ktimeNs >= e.header.startBoottimeNs)
        #expect(e.subject.cgroupId != 0)
    }

    @Test("the file types of stdin/stdout/stderr are reported at exec (socket stdin = reverse shell)")
    func stdioTypes() throws {
        let h = try SensorHarness.get()
        h.reset()
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer { close(pair[0]) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "exit 0"]
        p.standardInput = FileHandle(fileDescriptor: pair[1], closeOnDealloc: true)
        p.standardOutput = FileHandle.nullDevice
        let tmp = try makeTempDir("stdio")
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        touch(tmp + "/err")
        p.standardError = FileHandle(forWritingAtPath: tmp + "/err")
        try p.run()
        p.waitUntilExit()
        let pid = UInt32(p.processIdentifier)
        let found = h.first { if case .exec(let e) = $0 { return e.header.tgid == pid } else { return false } }
        guard case .exec(let e)? = found else { Issue.record("no exec event"); return }
        #expect(e.stdio.stdin == .socket)
        #expect(e.stdio.stdout == .characterDevice)
        #expect(e.stdio.stderr == .regular)
    }

    @Test("long argv is cut at the bound and flagged, never silently")
    func argvTruncation() throws {
        let h = try SensorHarness.get()
        h.reset()
        let long = String(repeating: "x", count: 3000)
        let sh = try runProcess("/bin/echo", [long, long])
        let found = h.first { if case .exec(let e) = $0 { return e.header.tgid == UInt32(sh.pid) } else { return false } }
        guard case .exec(let e)? = found else { Issue.record("no exec event"); return }
        #expect(e.flags.contains(.argsTruncated))
        #expect(e.args.first == "/bin/echo")
        #expect(e.args.count == 3)
        #expect(e.args[1] == long)
    }

    @Test("fork and exit carry the parent, the child and the exit code")
    func forkAndExit() throws {
        let h = try SensorHarness.get()
        h.reset()
        // The subshell is a fork of the shell that exits with 3; the shell itself exits with 7.
        let sh = try runProcess("/bin/sh", ["-c", "(exit 3); exit 7"])
        #expect(sh.status == 7)
        let shPid = UInt32(sh.pid)
        let events = h.collect(filter: {
            switch $0 {
            case .fork(let f): return f.header.tgid == shPid || f.parentTgid == shPid
            case .exit(let x): return x.header.tgid == shPid || x.subject.ppid == shPid
            default: return false
            }
        }, until: { evs in
            evs.contains { if case .exit(let x) = $0 { return x.header.tgid == shPid } else { return false } }
                && evs.filter { if case .exit = $0 { return true } else { return false } }.count >= 2
        })
        let forks = events.compactMap { if case .fork(let f) = $0 { return f } else { return nil } }
        let exits = events.compactMap { if case .exit(let x) = $0 { return x } else { return nil } }
        let shFork = forks.first { $0.header.tgid == shPid }
        #expect(shFork?.parentTgid == UInt32(getpid()))
        let subFork = forks.first { $0.parentTgid == shPid }
        #expect(subFork != nil, "the subshell's fork from the shell is reported")
        let shExit = exits.first { $0.header.tgid == shPid }
        #expect(shExit?.exitCode == 7)
        #expect(shExit?.signal == 0)
        if let sub = subFork {
            let subExit = exits.first { $0.header.tgid == sub.header.tgid }
            #expect(subExit?.exitCode == 3)
            #expect(subExit?.header.startBoottimeNs == sub.header.startBoottimeNs, "same process key at fork and exit")
            #expect(sub.parentStartBoottimeNs == shFork?.header.startBoottimeNs)
        }
    }

    @Test("a process killed by a signal reports the signal")
    func exitBySignal() throws {
        let h = try SensorHarness.get()
        h.reset()
        let sh = try runProcess("/bin/sh", ["-c", "kill -9 $$"])
        let found = h.first { if case .exit(let x) = $0 { return x.header.tgid == UInt32(sh.pid) } else { return false } }
        guard case .exit(let x)? = found else { Issue.record("no exit event"); return }
        #expect(x.signal == 9)
    }

    @Test("muted processes are not reported")
    func mutedProcess() throws {
        let h = try SensorHarness.get()
        h.reset()
        let dir = try makeTempDir("mute")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        // The redirections are performed by the shell process itself (no fork).
        p.arguments = ["-c", "read x; echo a > '\(dir)/muted'; exec 3>'\(dir)/marker'"]
        let input = Pipe()
        p.standardInput = input
        try p.run()
        let pid = UInt32(p.processIdentifier)
        try h.session.program.maps.mute(tgid: pid)
        defer { h.session.program.maps.unmute(tgid: pid) }
        input.fileHandleForWriting.write("go\n".data(using: .utf8)!)
        p.waitUntilExit()
        // Prove the sensor is live by a file event from the (unmuted) test process itself.
        let live = dir + "/live"
        touch(live)
        let events = h.collect(filter: {
            if case .file(let f) = $0 { return f.path.hasPrefix(dir) } else { return false }
        }, until: { evs in evs.contains { if case .file(let f) = $0 { return f.path == live } else { return false } } })
        #expect(events.contains { if case .file(let f) = $0 { return f.path == live } else { return false } }, "\(events)")
        #expect(!events.contains { if case .file(let f) = $0 { return f.header.tgid == pid } else { return false } })
    }
}
}
