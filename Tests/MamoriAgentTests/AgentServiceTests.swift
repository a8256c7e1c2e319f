import MamoriTestSupport
import Foundation
import Glibc
import Testing

/// `mamori agent` as systemd runs it: the real binary, the real BPF programs, a notify socket
/// the test binds. It must report READY=1 once attached, feed the watchdog, survive a bad
/// SIGHUP reload with its configuration intact, apply a good one, and stop gracefully on
/// SIGTERM with STOPPING=1 and exit status 0. Only the child this test spawned is signalled.
@Suite("Agent service", .serialized,
       .enabled(if: Privilege.integrationEnabled))
struct AgentServiceTests {
    static var mamoriBinary: String { BuiltProduct.path("mamori") }

    @Test("systemd lifecycle: READY, WATCHDOG, reload (bad kept, good applied), graceful SIGTERM")
    func lifecycleUnderANotifySocket() throws {
        #expect(geteuid() == 0, "needs root to load BPF programs")
        let binary = Self.mamoriBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build first: swift build --build-tests (\(binary))")
        let dir = NSTemporaryDirectory() + "mamori-service-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            title: Marker exec (test)
            id: test-service-marker
            level: low
            logsource: {product: linux, category: process_creation}
            detection:
              sel: {Image|endswith: /mamori-service-never-exists}
              condition: sel
            """.write(toFile: dir + "/rules/test.yml", atomically: true, encoding: .utf8)
        let good = """
            rules: {directory: \(dir)/rules}
            alerts: {path: \(dir)/alerts.json}
            store: {path: \(dir)/mamori.db, store_events: false}
            sensor: {file_events: false, watch_files: [], watch_directories: []}
            agent: {watchdog: true}
            """
        try good.write(toFile: dir + "/config.yaml", atomically: true, encoding: .utf8)

        let notify = try NotifySocket(abstract: false)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: binary)
        child.arguments = ["agent", "--config", dir + "/config.yaml"]
        var env = ProcessInfo.processInfo.environment
        env["NOTIFY_SOCKET"] = notify.name
        env["WATCHDOG_USEC"] = "1000000"
        env.removeValue(forKey: "WATCHDOG_PID")
        child.environment = env
        FileManager.default.createFile(atPath: dir + "/stderr.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/stderr.log"))
        child.standardError = log
        child.standardOutput = log
        try child.run()
        defer { if child.isRunning { kill(child.processIdentifier, SIGKILL); child.waitUntilExit() } }
        func stderrText() -> String { (try? String(contentsOfFile: dir + "/stderr.log", encoding: .utf8)) ?? "" }

        try #require(notify.waitFor("READY=1", seconds: 300), "no READY=1; agent said:\n\(stderrText())")
        #expect(notify.messages.contains { $0.contains("STATUS=running:") })
        #expect(notify.waitFor("WATCHDOG=1", seconds: 30), "the watchdog is fed while the worker runs")

        // A bad file: rejected with file:line:column, the agent keeps running on the old one.
        try (good + "\nexports: {syslog: {port: 0}}\n").write(toFile: dir + "/config.yaml", atomically: true, encoding: .utf8)
        kill(child.processIdentifier, SIGHUP)
        #expect(notify.waitFor("RELOADING=1", seconds: 30))
        #expect(waitUntil(seconds: 30) { stderrText().contains("previous configuration stays in force") }, "\(stderrText())")
        #expect(stderrText().contains("\(dir)/config.yaml:6:26: exports.syslog.port: 0 is out of range"), "the error names file, line and key")
        #expect(child.isRunning)

        try (good.replacingOccurrences(of: "watchdog: true", with: "watchdog: true, log_level: debug"))
            .write(toFile: dir + "/config.yaml", atomically: true, encoding: .utf8)
        kill(child.processIdentifier, SIGHUP)
        #expect(waitUntil(seconds: 30) { stderrText().contains("configuration reloaded from \(dir)/config.yaml") }, "\(stderrText())")

        kill(child.processIdentifier, SIGTERM)
        #expect(notify.waitFor("STOPPING=1", seconds: 60))
        child.waitUntilExit()
        #expect(child.terminationReason == .exit && child.terminationStatus == 0, "\(stderrText())")
        #expect(stderrText().contains("stopped:"), "the worker drained and closed the store")
    }

    @Test("an invalid configuration stops `mamori agent` before anything is loaded")
    func invalidConfigurationRefusesToStart() throws {
        let binary = Self.mamoriBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary))
        let path = NSTemporaryDirectory() + "mamori-bad-\(getpid()).yaml"
        try "sensor:\n  ring_size: 4MiB\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: binary)
        child.arguments = ["agent", "--config", path]
        let pipe = Pipe()
        child.standardError = pipe
        try child.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        #expect(child.terminationStatus == 1)
        #expect(text.contains("\(path):2:3: sensor.ring_size: unknown key"), "\(text)")
    }
}

/// Polls `condition` every 100 ms for up to `seconds`.
func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(100_000)
    }
    return condition()
}
