import ArgumentParser
import Glibc
import MamoriAgent

/// `mamori selftest`: harmless technique simulations against the live sensor and rule pack.
struct SelftestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Simulate attacker techniques harmlessly and report which were detected.",
        discussion: """
            Every simulation runs in a scratch directory under /tmp (removed afterwards) and talks
            only to 127.0.0.1; nothing is killed or blocked. Exit status 1 when a simulation that
            could run was not detected.
            Example: sudo mamori selftest --rules rules
            """)

    @Option(name: .long, help: "Directory of rule files.")
    var rules: String?

    func run() throws {
        var config = AgentConfiguration()
        config.preventionEnabled = false  // detection only: never reads or changes the host's level state
        if let rules { config.rulesDirectory = rules }
        config.alertsPath = "/tmp/mamori-selftest-alerts-\(getpid()).json"
        config.databasePath = nil
        defer { unlink(config.alertsPath) }
        let agent = Agent(configuration: config) { StandardError.write("mamori: \($0)\n") }
        do { try agent.start() } catch { throw CLIError(error.description) }
        let test = Selftest(agent: agent)
        var worker = pthread_t()
        let ctx = Unmanaged.passRetained(agent).toOpaque()
        pthread_create(&worker, nil, { arg in
            let a = Unmanaged<Agent>.fromOpaque(arg!).takeRetainedValue()
            a.run()
            return nil
        }, ctx)
        let results = test.run { r in
            let mark = r.skipped != nil ? "SKIP" : (r.detected ? "ok  " : "MISS")
            let detail = r.skipped ?? (r.detected ? r.rules.joined(separator: "; ") : "no alert within 4 s")
            print("[\(mark)] \(r.simulation.technique.padded(10)) \(r.simulation.name)\n         \(detail)")
        }
        agent.requestStop()
        pthread_join(worker, nil)
        let ran = results.filter { $0.skipped == nil }
        let detected = ran.filter(\.detected).count
        print("selftest: \(detected)/\(ran.count) techniques detected, \(results.count - ran.count) skipped")
        if detected < ran.count { throw ExitCode(1) }
    }
}
