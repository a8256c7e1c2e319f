import MamoriTestSupport
import Foundation
import Glibc
import Testing

/// Self-protection end to end with the real `mamori agent` and the shipped rules: a SIGSTOP
/// aimed at the agent and a ptrace seize of it become alerts (rules agent-signalled and
/// agent-ptrace-attach) once the agent runs again. Only the agent this test started is touched.
/// Needs `.tamper` in DetectionPipeline.process's evaluated kinds
/// (`case .exec, .network, .file, .tamper: break`), the one-line hook left to the lead.
@Suite("Agent self-protection", .serialized,
       .enabled(if: Privilege.integrationEnabled))
struct SelfProtectionTests {
    /// The repository's rules/ directory, found from this source file.
    static let packRules = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path + "/rules/defense_evasion"

    @Test("SIGSTOP and ptrace aimed at the agent raise the self-protection alerts")
    func stopAndPtraceAreAlerted() throws {
        #expect(geteuid() == 0, "needs root to load BPF programs")
        let agent = try AgentChild(dir: ResilienceTests.tempDir("selfprot"))
        defer { agent.cleanup() }
        for rule in ["agent-signalled.yml", "agent-ptrace-attach.yml"] {
            try FileManager.default.copyItem(atPath: Self.packRules + "/" + rule, toPath: agent.dir + "/rules/" + rule)
        }
        try agent.start()

        // Stopped by someone else: the record waits in the ring until SIGCONT.
        let stopper = Process()
        stopper.executableURL = URL(fileURLWithPath: "/usr/bin/kill")
        stopper.arguments = ["-STOP", "\(agent.pid)"]
        try stopper.run()
        stopper.waitUntilExit()
        usleep(300_000)
        kill(agent.pid, SIGCONT)
        // PTRACE_SEIZE does not stop the tracee; the tracer's exit detaches it.
        let tracer = Process()
        tracer.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        tracer.arguments = ["-c", "import ctypes,sys; ctypes.CDLL(None).ptrace(0x4206, int(sys.argv[1]), 0, 0)", "\(agent.pid)"]
        try tracer.run()
        tracer.waitUntilExit()

        var alerts = ""
        for _ in 0..<100 {
            alerts = (try? String(contentsOfFile: agent.alertsPath, encoding: .utf8)) ?? ""
            if alerts.contains("Debugger attached to the Mamori agent") && alerts.contains("terminating or stopping signal") { break }
            usleep(100_000)
        }
        #expect(alerts.contains("Mamori agent sent a terminating or stopping signal"), "alerts:\n\(alerts)\nlog:\n\(agent.log)")
        #expect(alerts.contains("Debugger attached to the Mamori agent"), "alerts:\n\(alerts)")
        #expect(alerts.contains("\"SIGSTOP\""), "the alert names the signal")
        #expect(alerts.contains("\"PTRACE_SEIZE\""), "the alert names the ptrace request")
        #expect(agent.process?.isRunning == true)
        #expect(agent.stop() == 0)
    }
}
