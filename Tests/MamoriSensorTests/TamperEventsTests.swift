import Foundation
import Glibc
import MamoriEvents
import MamoriPipeline
@testable import MamoriSensor
import Testing

/// bpf/tamper.bpf.c against the real kernel. A `sleep` this test spawned plays the agent
/// (its pid is the session's self_tgid); real processes then signal it, ptrace-seize it and
/// call bpf(BPF_LINK_DETACH) on a bad fd. Only the test's own `sleep` is ever signalled.
extension SensorIntegration {
@Suite("tamper events")
struct TamperEventsTests {
    static let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"

    @Test("signals, ptrace attach and bpf detach aimed at the agent are reported with the sender")
    func tamperAimedAtTheAgent() throws {
        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: "/bin/sleep")
        agent.arguments = ["120"]
        try agent.run()
        let agentPid = UInt32(agent.processIdentifier)
        defer { if agent.isRunning { kill(agent.processIdentifier, SIGKILL) }; agent.waitUntilExit() }

        var options = SensorOptions()
        options.fileEvents = false
        let session = try SensorSession(options: options, queueCapacity: 1 << 16,
                                        cgroupRoot: cgroup2Mount(), selfTgid: agentPid)
        defer { session.stop() }
        session.start()

        let signaller = try runProcess("/usr/bin/kill", ["-CONT", "\(agentPid)"])
        #expect(signaller.status == 0)
        // PTRACE_SEIZE (0x4206) then exit (which detaches); bpf(BPF_LINK_DETACH=34, {link_fd=-1}).
        let script = """
            import ctypes, os, sys
            libc = ctypes.CDLL(None, use_errno=True)
            libc.ptrace(0x4206, int(sys.argv[1]), 0, 0)
            attr = (ctypes.c_uint32 * 4)(0xffffffff, 0, 0, 0)
            libc.syscall(321, 34, ctypes.byref(attr), 16)
            """
        let tracer = try runProcess(Self.python, ["-c", script, "\(agentPid)"])
        #expect(tracer.status == 0)
        let killer = try runProcess("/usr/bin/kill", ["-KILL", "\(agentPid)"])
        agent.waitUntilExit()

        var seen: [TamperEvent] = []
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && seen.count < 4 {
            while let e = session.queue.pop() {
                if case .tamper(let t) = e, [UInt32(signaller.pid), UInt32(tracer.pid), UInt32(killer.pid)].contains(t.header.tgid) {
                    seen.append(t)
                }
            }
            _ = session.queue.waitForElements(timeout: .milliseconds(50))
        }
        let cont = seen.first { $0.kind == .signal && $0.value == SIGCONT }
        #expect(cont?.header.tgid == UInt32(signaller.pid) && cont?.targetTgid == agentPid)
        #expect(cont?.code == 0, "kill(2) from user space is SI_USER")
        #expect(cont?.subject.comm == "kill")
        let seize = seen.first { $0.kind == .ptrace }
        #expect(seize?.value == 0x4206 && seize?.targetPid == agentPid && seize?.header.tgid == UInt32(tracer.pid))
        let detach = seen.first { $0.kind == .bpfDetach }
        #expect(detach?.value == 34 && detach?.valueName == "BPF_LINK_DETACH" && detach?.objectId == 0)
        let sigkill = seen.first { $0.kind == .signal && $0.value == SIGKILL }
        #expect(sigkill?.header.tgid == UInt32(killer.pid) && sigkill?.signalName == "SIGKILL")
        #expect(seen.count == 4, "exactly the four tamper records of the test's processes: \(seen)")
    }
}
}
