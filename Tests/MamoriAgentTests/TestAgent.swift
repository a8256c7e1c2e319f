import Foundation
import Glibc
import MamoriAgent

/// The in-process agent the root end-to-end suites drive: a scratch directory with a rules
/// folder and an alert log, a detection-only configuration that watches nothing of the host's
/// (no prevention state, no watched files, no control socket) unless the suite changes it, the
/// agent's loop on its own thread, and a stop that always runs (`stop()` or deinit). One place
/// for the scaffolding so every suite starts and stops the agent the same way.
final class TestAgent {
    let directory: String
    var rulesDirectory: String { directory + "/rules" }
    var alertsPath: String { directory + "/alerts.json" }
    let agent: Agent
    private let finished = DispatchSemaphore(value: 0)
    private var running = false

    /// A fresh scratch directory `<tmp>/mamori-<name>-<pid>` with an empty `rules/`.
    static func scratch(_ name: String) throws -> String {
        let dir = NSTemporaryDirectory() + "mamori-\(name)-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        return dir
    }

    /// The detection-only configuration for `directory` (store at `<dir>/mamori.db` when
    /// `store` is true, events not stored unless the suite says so).
    static func configuration(directory: String, store: Bool) -> AgentConfiguration {
        var config = AgentConfiguration(rulesDirectory: directory + "/rules", alertsPath: directory + "/alerts.json",
                                        databasePath: store ? directory + "/mamori.db" : nil)
        config.preventionEnabled = false
        config.watchFiles = []
        config.watchDirectories = []
        config.controlSocket = nil
        config.storeEvents = false
        return config
    }

    /// Starts an agent on `configuration` (its rules are whatever `rulesDirectory` holds now).
    init(directory: String, configuration: AgentConfiguration, log: @escaping (String) -> Void = { print("agent: \($0)") }) throws {
        self.directory = directory
        agent = Agent(configuration: configuration, log: log)
        try agent.start()
        running = true
        let agent = self.agent, finished = self.finished
        Thread { agent.run(); finished.signal() }.start()
    }

    /// Stops the agent and waits for its loop to return. Idempotent.
    func stop() {
        guard running else { return }
        running = false
        agent.requestStop()
        finished.wait()
    }

    deinit { stop() }

    /// The alert log's lines now.
    func alertLines() -> [String] {
        ((try? String(contentsOfFile: alertsPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Polls the alert log until `done` holds for its lines or `seconds` pass; the last lines.
    @discardableResult
    func waitForAlerts(seconds: Double = 30, until done: ([String]) -> Bool) -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        var lines = alertLines()
        while !done(lines) && Date() < deadline {
            usleep(100_000)
            lines = alertLines()
        }
        return lines
    }

    /// Path of a file of the repository's rule pack (`rules/<relative>`).
    static func packRule(_ relative: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("rules/" + relative).path
    }
}
