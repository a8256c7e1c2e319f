import MamoriTestSupport
import Foundation
import Glibc
import MamoriAgent
import Testing

/// `mamori selftest` as a test: every technique simulation that can run here is detected by
/// the default rule pack on the real kernel.
@Suite("Selftest", .serialized,
       .enabled(if: Privilege.integrationEnabled))
struct SelftestTests {
    static let rulesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("rules").path

    @Test("every runnable simulation is detected by the default pack")
    func selftest() throws {
        let dir = NSTemporaryDirectory() + "mamori-selftest-test-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var config = AgentConfiguration(rulesDirectory: Self.rulesDirectory, alertsPath: dir + "/alerts.json", databasePath: nil)
        config.preventionEnabled = false  // detection only: never reads or changes the host's level state
        config.storeEvents = false
        let agent = Agent(configuration: config) { print("agent: \($0)") }
        try agent.start()
        let test = Selftest(agent: agent, waitSeconds: 30)
        let done = DispatchSemaphore(value: 0)
        Thread { agent.run(); done.signal() }.start()
        let results = test.run { r in
            print("selftest \(r.simulation.technique): \(r.skipped ?? (r.detected ? r.rules.joined(separator: "; ") : "MISSED"))")
        }
        agent.requestStop()
        done.wait()
        let ran = results.filter { $0.skipped == nil }
        #expect(ran.count >= 6, "most simulations can run on a Debian server")
        for r in ran { #expect(r.detected, "\(r.simulation.technique) \(r.simulation.name)") }
    }
}
