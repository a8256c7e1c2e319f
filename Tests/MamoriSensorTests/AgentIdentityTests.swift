import CLibbpf
import CMamoriABI
import Foundation
import Glibc
import MamoriEvents
@testable import MamoriSensor
import Testing

/// Issue 13 finding 7, kernel side: the kernel must know the agent by more than a number.
/// Another root process writes a chosen tgid into `mamori_config.self_tgid` (the rest of the
/// value untouched, as a careful attacker would); the agent's pid may also be reused after it
/// died while pinned maps keep its tgid. Either way the process at that tgid runs another
/// executable, so it must stay reported (and, by the same check, killable). The test process
/// plays the agent and must itself stay unreported.
extension SensorIntegration {
@Suite("agent identity in the kernel")
struct AgentIdentityTests {
    @Test("a foreign process whose tgid is written into self_tgid is still reported; the agent is not")
    func tgidWriteDoesNotMuteAnotherExecutable() throws {
        var options = SensorOptions()
        options.fileEvents = true
        let me = UInt32(getpid())
        let session = try SensorSession(options: options, queueCapacity: 1 << 16, cgroupRoot: cgroup2Mount(), selfTgid: me)
        defer { session.stop() }
        session.start()
        let maps = session.program.maps
        let intended = maps.configGuard.readKernel()
        #expect(intended.self_tgid == me && intended.self_exe_ino != 0, "the agent registered its executable")

        // The victim: a shell that waits for a line, then opens a file and execs true.
        let dir = try makeTempDir("identity")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let marker = dir + "/victim-open"
        let input = Pipe()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        child.arguments = ["-c", "read x; : > '\(marker)'; exec /bin/true"]
        child.standardInput = input
        try child.run()
        let victim = UInt32(child.processIdentifier)

        // Another process's write: only self_tgid changes.
        var forged = intended
        forged.self_tgid = victim
        var zero: UInt32 = 0
        #expect(bpf_map_update_elem(maps.configFD, &zero, &forged, UInt64(BPF_ANY)) == 0)
        #expect(maps.configGuard.readKernel().self_tgid == victim)

        input.fileHandleForWriting.write(Data("go\n".utf8))
        child.waitUntilExit()
        // The agent's own activity under the forged tgid (it is no longer self_tgid) and, once
        // the value is back, under its own: the latter must be unreported.
        var restored = intended
        #expect(bpf_map_update_elem(maps.configFD, &zero, &restored, UInt64(BPF_ANY)) == 0)
        let ownFile = dir + "/agent-own-open"
        let fd = open(ownFile, O_CREAT | O_WRONLY, 0o600)
        if fd >= 0 { close(fd) }

        var victimExec = false, victimFile = false, ownFileSeen = false
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline && !(victimExec && victimFile) {
            while let e = session.queue.pop() {
                switch e {
                case .exec(let x) where x.header.tgid == victim: victimExec = true
                case .file(let f) where f.path == marker && f.header.tgid == victim: victimFile = true
                case .file(let f) where f.path == ownFile: ownFileSeen = true
                default: break
                }
            }
            _ = session.queue.waitForElements(timeout: .milliseconds(50))
        }
        #expect(victimExec, "the exec of the process whose tgid was written into self_tgid was reported")
        #expect(victimFile, "its file create was reported")
        Thread.sleep(forTimeInterval: 0.3)
        while let e = session.queue.pop() { if case .file(let f) = e, f.path == ownFile { ownFileSeen = true } }
        #expect(!ownFileSeen, "the agent itself (tgid, executable and uid all match) stays unreported")
    }
}
}
