import MamoriTestSupport
import Foundation
import Glibc

/// One real `mamori agent` child with its own temp config, rules, alert file and store.
///
/// Exists so that the resilience tests drive the shipped binary the way systemd does (a
/// process that can be SIGKILLed, restarted on the same store, starved of disk) without
/// touching anything outside the test's directory. Used from one test thread.
final class AgentChild {
    let dir: String
    let dbPath: String
    let alertsPath: String
    private(set) var process: Process?
    private var logIndex = 0

    /// `dbPath` defaults to `<dir>/mamori.db`; `overrides` are extra `-o key=value`.
    init(dir: String, dbPath: String? = nil, alertsPath: String? = nil) throws {
        self.dir = dir
        self.dbPath = dbPath ?? dir + "/mamori.db"
        self.alertsPath = alertsPath ?? dir + "/alerts.json"
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        try """
            title: Resilience marker file (test)
            id: test-resilience-marker
            level: low
            logsource: {product: linux, category: file_event}
            detection:
              sel: {TargetFilename|contains: mamori-resilience-alert}
              condition: sel
            """.write(toFile: dir + "/rules/marker.yml", atomically: true, encoding: .utf8)
    }

    static var binary: String { BuiltProduct.path("mamori") }

    var logPath: String { dir + "/agent-\(logIndex).log" }
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
    var pid: Int32 { process?.processIdentifier ?? 0 }

    /// Start the agent and wait until its sensor is attached.
    func start(overrides: [String] = []) throws {
        logIndex += 1
        let config = """
            rules: {directory: \(dir)/rules}
            alerts: {path: \(alertsPath)}
            store: {path: \(dbPath)}
            control: {socket: \(dir)/control.sock}
            sensor: {watch_files: [], watch_directories: []}
            """
        try config.write(toFile: dir + "/config.yaml", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = ["agent", "--config", dir + "/config.yaml"] + overrides.flatMap { ["-o", $0] }
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        p.standardError = handle
        p.standardOutput = handle
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(180)
        while !log.contains("sensor attached") && p.isRunning && Date() < deadline { usleep(100_000) }
        guard log.contains("sensor attached") else {
            kill(p.processIdentifier, SIGKILL)
            throw AgentChildError.notStarted(log)
        }
    }

    func kill9() {
        guard let p = process, p.isRunning else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        guard let p = process else { return -1 }
        if p.isRunning { kill(p.processIdentifier, SIGTERM) }
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// Always safe from `defer`.
    func cleanup() {
        kill9()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// The numbers of the agent's stop line ("stopped: N events, ... store drops N").
    func stopCounters() -> [String: UInt64]? {
        guard let line = log.split(separator: "\n").last(where: { $0.contains("stopped: ") }) else { return nil }
        var out: [String: UInt64] = [:]
        let words = line.split(separator: " ").map(String.init)
        for (i, w) in words.enumerated() {
            let n = UInt64(w.trimmingCharacters(in: CharacterSet(charactersIn: ",")))
            if let n, i + 1 < words.count, ["events,", "alerts,"].contains(words[i + 1]) { out[String(words[i + 1].dropLast())] = n }
            if w == "unstored", i + 1 < words.count,
               let n = UInt64(words[i + 1].trimmingCharacters(in: CharacterSet(charactersIn: ","))) {
                out["unstored"] = n
            }
            if w == "drops", i + 1 < words.count, i >= 1,
               let n = UInt64(words[i + 1].trimmingCharacters(in: CharacterSet(charactersIn: ","))) {
                out[words[i - 1] + "_drops"] = n
            }
        }
        return out
    }

    /// VmRSS of the agent in KiB (0 when it is gone).
    func rssKiB() -> UInt64 {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return UInt64(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }
}

enum AgentChildError: Error, CustomStringConvertible {
    case notStarted(String)
    var description: String {
        switch self { case .notStarted(let log): return "the agent did not attach its sensor; log:\n\(log)" }
    }
}

/// `sqlite3 <db> <sql>` (the CLI, a process independent of the agent and the test's store code).
func sqlite(_ db: String, _ sql: String) -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    p.arguments = [db, sql]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    do { try p.run() } catch { return "error: \(error)" }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

/// A shell loop creating and deleting files in `dir` until killed: a storm of file events
/// (plus an exec per `rm`). Returns the running process; kill it with SIGKILL.
func startFileStorm(in dir: String, name: String = "storm") throws -> Process {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", "i=0; while :; do : > \(dir)/\(name)$i; : > \(dir)/\(name)b$i; rm -f \(dir)/\(name)$i \(dir)/\(name)b$i; i=$((i+1)); done"]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    return p
}
