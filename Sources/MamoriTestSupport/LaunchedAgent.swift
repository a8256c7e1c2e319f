import Foundation
import Glibc

/// The executables SwiftPM built beside the running test bundle (`.build/<config>/mamori`).
///
/// Exists because four test files walked up from /proc/self/exe to the `.xctest` bundle with
/// the same loop. Any thread.
public enum BuiltProduct {
    /// `<build dir>/<name>`.
    public static func path(_ name: String) -> String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var url = URL(fileURLWithPath: exe)
        while url.path != "/" && !url.lastPathComponent.hasSuffix(".xctest") { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent().path + "/" + name
    }
}

/// A child process whose stdout and stderr go to one log file, started and waited for until a
/// line appears (the agent's `sensor attached`).
///
/// Exists because the end-to-end tests that run `mamori agent` as a child (the CLI's, the
/// sandboxed prevention test, AgentChild) wrote the same log-file plumbing and wait loop. One
/// test thread.
public final class LaunchedProcess {
    public let process: Process
    public let logPath: String

    /// Points `process`'s output at `logPath` (truncated) and runs it.
    public init(_ process: Process, logPath: String) throws {
        self.process = process
        self.logPath = logPath
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
    }

    /// What the child has written so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until the log contains `text`, the child exits, or `timeout` seconds pass.
    /// - Returns: whether the log contains `text`.
    @discardableResult
    public func waitForLog(_ text: String, timeout: Double = 180) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !log.contains(text) && process.isRunning && Date() < deadline { usleep(100_000) }
        return log.contains(text)
    }

    /// SIGTERM if still running, then wait; returns the exit status.
    @discardableResult
    public func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
