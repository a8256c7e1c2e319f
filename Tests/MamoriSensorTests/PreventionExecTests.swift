import Foundation
import Glibc
import MamoriEvents
@testable import MamoriSensor
import Testing
import MamoriPolicy

/// Exec prevention against the real programs: private copies of /bin/sh whose inode (or
/// directory) is denied, run by the test process from inside a cgroup it created. With BPF LSM
/// the exec fails with EPERM; without it the process dies of SIGKILL at exec. Either way the
/// marker file the copy would write never appears.
extension SensorIntegration {
@Suite("prevention: exec")
struct PreventionExecTests {
    /// Everything a test needs: the sensor, a temp dir with a shell copy, and the test cgroup.
    final class Fixture {
        let h: SensorHarness
        let program: SensorProgram
        let dir: String
        let cgroup: TestCgroup
        init(_ tag: String) throws {
            h = try SensorHarness.get()
            program = h.session.program
            dir = try makeTempDir(tag)
            cgroup = try TestCgroup()
        }
        func tearDown() {
            try? program.policy.apply(KernelPolicy())
            cgroup.remove()
            try? FileManager.default.removeItem(atPath: dir)
        }
        /// Run `exe -c 'echo ran > marker'` (inside the test cgroup unless `outside`).
        func runShell(_ exe: String, marker: String, outside: Bool = false) throws -> ProgramRun {
            let args = ["-c", "echo ran > \(marker)"]
            if outside { return spawnAndWait(exe, args) }
            return try cgroup.inside { spawnAndWait(exe, args) }
        }
        func actions(path: String, count: Int = 1) -> [ActionEvent] {
            h.collect(filter: { $0.actionEvent?.path == path }, until: { $0.count >= count })
                .compactMap(\.actionEvent)
        }
    }

    /// The denied exec did not run, in the way this kernel's mechanism stops it.
    func expectStopped(_ run: ProgramRun, marker: String, _ program: SensorProgram) {
        #expect(!FileManager.default.fileExists(atPath: marker), "the denied program ran")
        switch program.preventionMechanism {
        case .signalAtExec:
            #expect(run.signal == SIGKILL, "expected death by SIGKILL at exec, got \(run)")
        case .lsm:
            #expect(run.spawnErrno != nil, "expected execve to fail (EPERM), got \(run)")
        }
    }

    var stopAction: PreventionAction {
        (try? SensorHarness.get().session.program.preventionMechanism) == .lsm ? .denyExec : .killExec
    }

    @Test("a denied executable never runs in its scope, runs below its level, and outside")
    func deniedFile() throws {
        let f = try Fixture("deny")
        defer { f.tearDown() }
        let exe = try copyBinary("/bin/sh", to: f.dir + "/payload")
        let marker = f.dir + "/marker"
        let inode = try #require(KernelPolicy.Inode.of(path: exe))
        var policy = KernelPolicy()
        policy.exec = [.init(inode: inode, kind: .file, minLevel: 1, policyId: 41)]
        policy.scopes = [.init(cgroupId: f.cgroup.id, level: 1)]
        try f.program.policy.apply(policy)
        #expect(f.program.policy.execRule(for: inode)?.policyId == 41)

        f.h.reset()
        let denied = try f.runShell(exe, marker: marker)
        expectStopped(denied, marker: marker, f.program)
        let enforced = f.actions(path: exe).first { $0.enforced }
        #expect(enforced != nil, "an ENFORCED action record with the exe path")
        #expect(enforced?.action == stopAction)
        #expect(enforced?.reason == .execDenylist)
        #expect(enforced?.policyId == 41 && enforced?.level == 1 && enforced?.neededLevel == 1)
        #expect(enforced?.inode == inode.ino)
        #expect(enforced?.subject.cgroupId == f.cgroup.id)

        // Scope level 0: the same exec runs, and a "would have" record says level 1 would stop it.
        policy.scopes = [.init(cgroupId: f.cgroup.id, level: 0)]
        try f.program.policy.apply(policy)
        f.h.reset()
        let allowed = try f.runShell(exe, marker: marker)
        #expect(allowed.exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: marker))
        let wouldHave = f.actions(path: exe).first { !$0.enforced }
        #expect(wouldHave != nil, "a would-have record")
        #expect(wouldHave?.level == 0 && wouldHave?.neededLevel == 1)
        try? FileManager.default.removeItem(atPath: marker)

        // Back at level 1 in the cgroup, a process outside it (host level 0) is untouched.
        policy.scopes = [.init(cgroupId: f.cgroup.id, level: 1)]
        try f.program.policy.apply(policy)
        let outside = try f.runShell(exe, marker: marker, outside: true)
        #expect(outside.exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: marker))
    }

    @Test("an executable below a denied directory (TREE) never runs")
    func deniedTree() throws {
        let f = try Fixture("tree")
        defer { f.tearDown() }
        let sub = f.dir + "/drop/deeper"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        let exe = try copyBinary("/bin/sh", to: sub + "/tool")
        let marker = f.dir + "/marker"
        var policy = KernelPolicy()
        policy.exec = [.init(inode: try #require(.of(path: f.dir + "/drop")), kind: .tree, minLevel: 1, policyId: 42)]
        policy.scopes = [.init(cgroupId: f.cgroup.id, level: 2)]
        try f.program.policy.apply(policy)
        f.h.reset()
        let run = try f.runShell(exe, marker: marker)
        expectStopped(run, marker: marker, f.program)
        let a = f.actions(path: exe).first { $0.enforced }
        #expect(a?.reason == .execDirectory && a?.policyId == 42 && a?.level == 2)

        // A copy outside the denied directory runs.
        let free = try copyBinary("/bin/sh", to: f.dir + "/free")
        #expect(try f.runShell(free, marker: marker).exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: marker))
    }

    @Test("a DAEMON scope may not run shells at its level; other scopes may")
    func daemonShell() throws {
        let f = try Fixture("daemon")
        defer { f.tearDown() }
        let shell = try copyBinary("/bin/sh", to: f.dir + "/dash-copy")
        let marker = f.dir + "/marker"
        var policy = KernelPolicy()
        policy.exec = [.init(inode: try #require(.of(path: shell)), kind: .shell, minLevel: 4, policyId: 43)]
        var scope = KernelPolicy.Scope(cgroupId: f.cgroup.id, level: 4)
        scope.daemon = true
        policy.scopes = [scope]
        try f.program.policy.apply(policy)
        f.h.reset()
        expectStopped(try f.runShell(shell, marker: marker), marker: marker, f.program)
        let a = f.actions(path: shell).first { $0.enforced }
        #expect(a?.reason == .daemonShell && a?.neededLevel == 4)

        // Not a daemon: the shell runs.
        policy.scopes = [.init(cgroupId: f.cgroup.id, level: 4)]
        try f.program.policy.apply(policy)
        #expect(try f.runShell(shell, marker: marker).exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: marker))
    }

    @Test("PROTECTED scopes and enforcementOff only report")
    func protectedAndOff() throws {
        let f = try Fixture("off")
        defer { f.tearDown() }
        let exe = try copyBinary("/bin/sh", to: f.dir + "/payload")
        let marker = f.dir + "/marker"
        var policy = KernelPolicy()
        policy.exec = [.init(inode: try #require(.of(path: exe)), kind: .file, minLevel: 1, policyId: 44)]
        var scope = KernelPolicy.Scope(cgroupId: f.cgroup.id, level: 4)
        scope.protected = true
        policy.scopes = [scope]
        try f.program.policy.apply(policy)
        #expect(try f.runShell(exe, marker: marker).exitCode == 0)
        try? FileManager.default.removeItem(atPath: marker)

        policy.scopes = [.init(cgroupId: f.cgroup.id, level: 4)]
        policy.enforcementOff = true
        try f.program.policy.apply(policy)
        f.h.reset()
        #expect(try f.runShell(exe, marker: marker).exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: marker))
        let a = f.actions(path: exe).first
        #expect(a != nil && a?.enforced == false)
    }

    @Test("protected files: refused with BPF LSM, only detectable without it")
    func protectedFile() throws {
        let f = try Fixture("protect")
        defer { f.tearDown() }
        let file = f.dir + "/authorized_keys"
        touch(file)
        var policy = KernelPolicy()
        policy.protectedFiles = [.init(inode: try #require(.of(path: file)), policyId: 50)]
        policy.scopes = [.init(cgroupId: f.cgroup.id, level: 1)]
        try f.program.policy.apply(policy)
        f.h.reset()
        let (writeErr, unlinkErr, readOK) = try f.cgroup.inside { () -> (Int32, Int32, Bool) in
            let fd = open(file, O_WRONLY | O_APPEND)
            let w = fd >= 0 ? 0 : errno
            if fd >= 0 { close(fd) }
            let u = unlink(file) == 0 ? 0 : errno
            let r = open(file, O_RDONLY)
            if r >= 0 { close(r) }
            return (w, u, r >= 0 || u == 0)
        }
        switch f.program.preventionMechanism {
        case .lsm:
            #expect(writeErr == EPERM && unlinkErr == EPERM && readOK)
            let a = f.h.first { $0.actionEvent?.action == .denyFile }?.actionEvent
            #expect(a?.enforced == true && a?.policyId == 50 && a?.reason == .protectedFile)
        case .signalAtExec:
            // Documented limit: without BPF LSM nothing refuses the write (detect and respond only).
            #expect(writeErr == 0 && unlinkErr == 0)
        }
    }
}
}
