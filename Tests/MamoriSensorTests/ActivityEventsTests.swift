import Foundation
import Glibc
import MamoriEvents
@testable import MamoriSensor
import Testing

/// bpf/activity.bpf.c and bpf/lib/procfs.h against the real kernel, on the shared sensor.
/// Actors are python3 (or coreutils) processes this test spawns; their targets are `sleep`
/// processes it spawned too (siblings of the actor, so never the actor's children). Each
/// expectation checks the acting pid, the target and the syscall's own result.
extension SensorIntegration {
@Suite("activity events")
struct ActivityEventsTests {
    static let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"

    /// A `sleep 60` owned by the test; killed by the caller's defer.
    static func target() throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sleep")
        p.arguments = ["60"]
        try p.run()
        return p
    }

    static func reap(_ p: Process) {
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
    }

    /// Activity events of `actor`, until `done` says enough (or 5 s).
    static func activity(of actor: Int32, _ h: SensorHarness,
                         until done: @escaping ([ActivityEvent]) -> Bool) -> [ActivityEvent] {
        h.collect(filter: { e in
            if case .activity(let a) = e { return a.header.tgid == UInt32(actor) }
            return false
        }, until: { done($0.compactMap { if case .activity(let a) = $0 { return a } else { return nil } }) })
        .compactMap { if case .activity(let a) = $0 { return a } else { return nil } }
    }

    @Test("ptrace attach to a process that is not the tracer's child names the tracer and the target")
    func ptraceAttach() throws {
        let h = try SensorHarness.get()
        h.reset()
        let t = try Self.target()
        defer { Self.reap(t) }
        // PTRACE_ATTACH (16), wait for the stop, PTRACE_DETACH (17).
        let script = """
            import ctypes, os, sys
            libc = ctypes.CDLL(None, use_errno=True)
            pid = int(sys.argv[1])
            if libc.ptrace(16, pid, 0, 0) != 0: sys.exit(3)
            os.waitpid(pid, 0x40000000)
            libc.ptrace(17, pid, 0, 0)
            """
        let actor = try runProcess(Self.python, ["-c", script, "\(t.processIdentifier)"])
        #expect(actor.status == 0)
        let seen = Self.activity(of: actor.pid, h) { $0.contains { $0.op == .ptrace } }
        let attach = seen.first { $0.op == .ptrace }
        #expect(attach?.value == 16 && attach?.action.description == "ptrace_attach")
        #expect(attach?.targetPid == t.processIdentifier && attach?.targetProcess == UInt32(t.processIdentifier))
        #expect(attach?.result == 0)
        #expect(attach?.subject.comm.hasPrefix("python") == true)
    }

    @Test("process_vm_readv of another process reports the target and the bytes copied")
    func processVMRead() throws {
        let h = try SensorHarness.get()
        h.reset()
        let t = try Self.target()
        defer { Self.reap(t) }
        // Read 16 bytes at the start of the target's first mapping.
        let script = """
            import ctypes, sys
            libc = ctypes.CDLL(None, use_errno=True)
            pid = int(sys.argv[1])
            start = int(open(f"/proc/{pid}/maps").readline().split("-")[0], 16)
            class iovec(ctypes.Structure): _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
            buf = ctypes.create_string_buffer(16)
            local = iovec(ctypes.cast(buf, ctypes.c_void_p), 16); remote = iovec(start, 16)
            n = libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
            sys.exit(0 if n == 16 else 4)
            """
        let actor = try runProcess(Self.python, ["-c", script, "\(t.processIdentifier)"])
        #expect(actor.status == 0)
        let seen = Self.activity(of: actor.pid, h) { $0.contains { $0.op == .vmRead } }
        let read = seen.first { $0.op == .vmRead }
        #expect(read?.targetPid == t.processIdentifier)
        #expect(read?.result == 16)
        #expect(read?.flags.contains(.targetIsSelf) == false)
        // Its /proc/<pid>/maps read is another process's procfs entry too.
        #expect(seen.contains { $0.op == .procAccess && $0.procEntry == "maps" && $0.targetTgid == UInt32(t.processIdentifier) })
    }

    @Test("/proc/<pid>/environ and /proc/<pid>/mem of another process are reported with mode; /proc/self is not")
    func procfsCrossProcess() throws {
        let h = try SensorHarness.get()
        h.reset()
        let t = try Self.target()
        defer { Self.reap(t) }
        let script = """
            import sys
            pid = sys.argv[1]
            open(f"/proc/{pid}/environ", "rb").read()
            open(f"/proc/{pid}/mem", "r+b").close()
            open("/proc/self/environ", "rb").read()
            open("/proc/self/mem", "rb").close()
            open("/proc/self/maps", "rb").read()
            """
        let actor = try runProcess(Self.python, ["-c", script, "\(t.processIdentifier)"])
        #expect(actor.status == 0)
        let target = UInt32(t.processIdentifier)
        let seen = Self.activity(of: actor.pid, h) { evs in
            evs.contains { $0.procEntry == "environ" } && evs.contains { $0.procEntry == "mem" }
        }
        let environ = seen.first { $0.op == .procAccess && $0.procEntry == "environ" }
        #expect(environ?.targetTgid == target && environ?.accessMode == "read")
        #expect(environ?.name == "sleep", "the target's comm")
        #expect(environ?.targetUid == getuid())
        let mem = seen.first { $0.op == .procAccess && $0.procEntry == "mem" }
        #expect(mem?.targetTgid == target && mem?.accessMode == "read-write")
        // Its own entries (read) are not cross-process and are not reported at all.
        #expect(!seen.contains { $0.op == .procAccess && $0.targetTgid == UInt32(actor.pid) })
        #expect(!seen.contains { $0.flags.contains(.targetIsSelf) })
    }

    @Test("memfd_create then exec of the memfd: the create names the memfd, the exec carries EXE_MEMFD")
    func memfdExec() throws {
        let h = try SensorHarness.get()
        h.reset()
        let script = """
            import os
            fd = os.memfd_create("mamori-payload", 0)
            os.write(fd, open("/bin/true", "rb").read())
            os.execv(f"/proc/self/fd/{fd}", ["payload"])
            """
        let actor = try runProcess(Self.python, ["-c", script])
        #expect(actor.status == 0)
        var memfd: ActivityEvent?
        var exec: ExecEvent?
        _ = h.collect(filter: { e in
            switch e {
            case .activity(let a) where a.header.tgid == UInt32(actor.pid) && a.op == .memfdCreate: memfd = a; return true
            case .exec(let x) where x.header.tgid == UInt32(actor.pid) && x.flags.contains(.exeDeleted): exec = x; return true
            default: return false
            }
        }, until: { _ in memfd != nil && exec != nil })
        #expect(memfd?.path == "mamori-payload" && (memfd?.result ?? -1) >= 0)
        #expect(exec?.flags.contains(.exeMemfd) == true)
        #expect(exec?.executable.hasPrefix("/memfd:mamori-payload") == true, "exe \(exec?.executable ?? "-") flags \(exec?.flags.rawValue ?? 0)")
    }

    @Test("exec of a file deleted before the exec carries EXE_DELETED but not EXE_MEMFD")
    func deletedExec() throws {
        let h = try SensorHarness.get()
        h.reset()
        let dir = try makeTempDir("act-del")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = """
            import os, shutil, sys
            path = sys.argv[1] + "/dropper"
            shutil.copy("/bin/true", path); os.chmod(path, 0o755)
            fd = os.open(path, os.O_RDONLY)
            os.unlink(path)
            os.execv(f"/proc/self/fd/{fd}", ["dropper"])
            """
        let actor = try runProcess(Self.python, ["-c", script, dir])
        #expect(actor.status == 0)
        let e = h.first { e in
            if case .exec(let x) = e { return x.header.tgid == UInt32(actor.pid) && x.flags.contains(.exeDeleted) }
            return false
        }
        guard case .exec(let x)? = e else { Issue.record("no exec with EXE_DELETED"); return }
        #expect(!x.flags.contains(.exeMemfd))
        #expect(x.executable.hasPrefix(dir + "/dropper"))
    }

    @Test("touch -d and touch -r set explicit times: utimensat reports the file and the mtime")
    func timestomp() throws {
        let h = try SensorHarness.get()
        h.reset()
        let dir = try makeTempDir("act-utime")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/victim", ref = dir + "/ref"
        touch(file)
        touch(ref)
        let stamped = try runProcess("/usr/bin/env", ["TZ=UTC", "/usr/bin/touch", "-d", "2001-01-01 00:00:00", file])
        let byRef = try runProcess("/usr/bin/touch", ["-r", file, ref])
        let plain = try runProcess("/usr/bin/touch", [ref])
        let d = Self.activity(of: stamped.pid, h) { $0.contains { $0.op == .utimes } }.first { $0.op == .utimes }
        #expect(d?.path == file && d?.explicitTimes == true && d?.modificationTime == 978_307_200)
        let r = Self.activity(of: byRef.pid, h) { $0.contains { $0.op == .utimes } }.first { $0.op == .utimes }
        #expect(r?.path == ref && r?.modificationTime == 978_307_200)
        let p = Self.activity(of: plain.pid, h) { $0.contains { $0.op == .utimes } }.first { $0.op == .utimes }
        #expect(p?.path == ref && p?.explicitTimes == false, "plain touch sets 'now'")
    }

    @Test("a sysctl write through /proc/sys is reported by name (the value written is the current one)")
    func sysctlWrite() throws {
        let h = try SensorHarness.get()
        h.reset()
        let key = "/proc/sys/kernel/randomize_va_space"
        let current = try String(contentsOfFile: key, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        // Writing the value it already has: the open for write is the signal, nothing changes.
        let actor = try runProcess("/usr/sbin/sysctl", ["-q", "-w", "kernel.randomize_va_space=\(current)"])
        #expect(actor.status == 0)
        #expect(try String(contentsOfFile: key, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == current)
        let w = Self.activity(of: actor.pid, h) { $0.contains { $0.op == .sysctlWrite } }.first { $0.op == .sysctlWrite }
        #expect(w?.path == key && w?.sysctlName == "kernel.randomize_va_space")
        #expect(w?.accessMode == "write")
    }

    @Test("a failing finit_module (bad fd) is a module load attempt with its error; without the hook the sensor runs and says so")
    func moduleLoadAttempt() throws {
        let h = try SensorHarness.get()
        h.reset()
        // Kernels built without module support (this one) have no finit_module tracepoint:
        // the programs are left out, the sensor runs, and doctor names the missing hook.
        guard HookLinks.hookExists(section: "tracepoint/syscalls/sys_enter_finit_module") else {
            let skipped = h.session.program.skipped.map(\.program)
            #expect(skipped.contains("mamori_act_finit_module_enter") && skipped.contains("mamori_act_finit_module_exit"))
            #expect(!h.session.program.attached.contains { $0.program.hasPrefix("mamori_act_finit_module") })
            #expect(KernelProbe.missingActivityHooks().contains("finit_module"))
            #expect(KernelProbe.run(cgroup2Mount: cgroup2Mount()).capabilities.first { $0.name == "activity_hooks" }?.detail.contains("finit_module") == true)
            #expect(h.session.program.attached.contains { $0.program == "mamori_act_ptrace_enter" }, "the other activity hooks stay")
            return
        }
        let script = """
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            libc.syscall(313, -1, b"", 0)
            """
        let actor = try runProcess(Self.python, ["-c", script])
        let m = Self.activity(of: actor.pid, h) { $0.contains { $0.op == .moduleLoad } }.first { $0.op == .moduleLoad }
        #expect(m?.result == -EBADF)
        #expect(m?.arg1 == 1, "finit_module")
    }

    @Test("one kill(1) of many processes: one record per target with the signal")
    func massKill() throws {
        let h = try SensorHarness.get()
        h.reset()
        let targets = try (0..<6).map { _ in try Self.target() }
        defer { targets.forEach(Self.reap) }
        let pids = targets.map(\.processIdentifier)
        let killer = try runProcess("/bin/kill", ["-TERM"] + pids.map(String.init))
        #expect(killer.status == 0)
        let seen = Self.activity(of: killer.pid, h) { evs in Set(evs.filter { $0.op == .kill }.map(\.targetPid)).count >= 6 }
        let kills = seen.filter { $0.op == .kill && $0.value == SIGTERM }
        #expect(Set(kills.map(\.targetPid)) == Set(pids))
        #expect(kills.allSatisfy { $0.result == 0 && $0.signalName == "SIGTERM" })
    }

    @Test("killall (pidfd_send_signal) of processes of distinct executables: the pidfd's pid is the target")
    func killallThroughPidfd() throws {
        let h = try SensorHarness.get()
        h.reset()
        let dir = try makeTempDir("act-killall")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var decoys: [Process] = []
        defer { decoys.forEach(Self.reap) }
        for name in ["decoy-a", "decoy-b", "decoy-c"] {
            try FileManager.default.copyItem(atPath: "/bin/sleep", toPath: dir + "/" + name)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: dir + "/" + name)
            p.arguments = ["60"]
            try p.run()
            decoys.append(p)
        }
        let killer = try runProcess("/usr/bin/killall", ["-q", "-9"] + ["decoy-a", "decoy-b", "decoy-c"].map { dir + "/" + $0 })
        #expect(killer.status == 0)
        let pids = Set(decoys.map(\.processIdentifier))
        let seen = Self.activity(of: killer.pid, h) { evs in Set(evs.filter { $0.op == .kill }.map(\.targetPid)).isSuperset(of: pids) }
        let kills = seen.filter { $0.op == .kill && $0.value == SIGKILL }
        #expect(Set(kills.map(\.targetPid)).isSuperset(of: pids))
        #expect(kills.allSatisfy { $0.result == 0 && $0.targetProcess.map { pids.contains(Int32($0)) } == true })
    }
}
}
