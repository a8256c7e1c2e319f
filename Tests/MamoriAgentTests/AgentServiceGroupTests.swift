import MamoriTestSupport
import Foundation
import Logging
import MamoriAgent
import ServiceLifecycle
import Synchronization
import Testing

private final class Journal: Sendable {
    private let entries = Mutex<[String]>([])
    func append(_ s: String) { entries.withLock { $0.append(s) } }
    var all: [String] { entries.withLock { $0 } }
}

/// Records when it was started and stopped, and whether the agent was running at that moment.
private struct RecordingService: Service {
    let name: String
    let agent: AgentService
    let journal: Journal

    func run() async throws {
        journal.append("start \(name)")
        try? await gracefulShutdown()
        let agentRunning = agent.isRunning
        journal.append("stop \(name), agent \(agentRunning ? "running" : "stopped")")
    }
}

/// The real agent in an `AgentServiceGroup` with a sink and a frontend: the frontend must stop
/// while the agent still runs, the sink only after the agent has drained and stopped.
@Suite("Agent service group", .serialized,
       .enabled(if: Privilege.integrationEnabled))
struct AgentServiceGroupTests {
    @Test func sinksOutliveTheAgentAndFrontendsStopBeforeIt() async throws {
        let dir = NSTemporaryDirectory() + "mamori-group-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            title: Never (test)
            id: test-group-never
            logsource: {product: linux, category: process_creation}
            detection: {sel: {Image|endswith: /mamori-group-never-exists}, condition: sel}
            """.write(toFile: dir + "/rules/t.yml", atomically: true, encoding: .utf8)
        var config = AgentConfiguration(rulesDirectory: dir + "/rules", alertsPath: dir + "/alerts.json",
                                        databasePath: dir + "/mamori.db")
        config.preventionEnabled = false  // detection only: never reads or changes the host's level state
        config.watchFiles = []
        config.watchDirectories = []
        config.sensor.fileEvents = false
        let agent = Agent(configuration: config) { print("agent: \($0)") }
        let journal = Journal()
        var group = AgentServiceGroup(agent: agent, notifier: nil, logger: Logger(label: "test"), reload: {})
        group.sinks = [RecordingService(name: "sink", agent: group.agentService, journal: journal)]
        group.frontends = [RecordingService(name: "frontend", agent: group.agentService, journal: journal)]
        let running = group
        let task = Task { try await running.run() }
        var ready = false
        for _ in 0..<3_000 where !ready {
            ready = group.agentService.isRunning
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(ready, "agent never started")
        group.requestShutdown()
        try await task.value
        #expect(!group.agentService.isRunning)
        let entries = journal.all
        #expect(entries.contains("stop frontend, agent running"), "\(entries)")
        #expect(entries.contains("stop sink, agent stopped"), "\(entries)")
        #expect(entries.firstIndex(of: "stop frontend, agent running")! < entries.firstIndex(of: "stop sink, agent stopped")!)
    }
}
