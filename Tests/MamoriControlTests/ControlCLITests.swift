import MamoriSystem
import Foundation
import Glibc
import Testing
@testable import MamoriControl

/// The built `mamori` binary against a test server: what the CLI parses ends up on the wire,
/// replies are printed, and exit statuses are the documented ones (0 ok, 1 failed, 2 usage,
/// 3 agent not running, 4 denied). Needs `swift build` to have built the binary; under CI=true a
/// missing binary fails.
@Suite(.serialized) struct ControlCLITests {
    static let binary: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for dir in [".build/debug", ".build/x86_64-unknown-linux-gnu/debug", ".build/release"] {
            let path = root.appendingPathComponent(dir).appendingPathComponent("mamori").path
            if access(path, X_OK) == 0 { return path }
        }
        return nil
    }()

    struct Run { var status: Int32; var stdout: String; var stderr: String }

    /// Runs the binary, as root or (with `asNobody`) as uid 65534 with the given supplementary
    /// groups through setpriv.
    static func mamori(_ args: [String], environment: [String: String] = [:],
                       asNobody groups: [UInt32]? = nil) throws -> Run {
        let binary = try #require(Self.binary, "build the mamori binary first (swift build)")
        let p = Process()
        if let groups {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            p.arguments = ["--reuid=65534", "--regid=65534",
                           groups.isEmpty ? "--clear-groups" : "--groups=" + groups.map(String.init).joined(separator: ","),
                           binary] + args
        } else {
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = args
        }
        var env = ProcessInfo.processInfo.environment
        env["MAMORI_SOCKET"] = "/nonexistent/mamori-test.sock"
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                   stderr: String(decoding: e, as: UTF8.self))
    }

    @Test func levelSetSendsWhatWasTyped() throws {
        let handler = RecordingHandler()
        try withServer(handler: handler) { (_, path) throws in
            let run = try Self.mamori(["level", "set", "3", "--scope", "nginx.service", "--for", "1h30m",
                                       "--reason", "drill", "--socket", path, "--json"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(handler.requests.map(\.0) == [.levelSet(LevelSetRequest(level: .number(3), scope: .unit("nginx.service"),
                                                                              reason: "drill", forSeconds: 5400))])
            #expect(run.stdout.contains(#""level":3"#))
            let named = try Self.mamori(["level", "set", "Lockdown", "--scope", "/system.slice/x.service"],
                                        environment: ["MAMORI_SOCKET": path])
            #expect(named.status == 2, "the agent refused an unknown name: bad_request → 2")
            #expect(named.stderr.contains("unknown level lockdown"))
            #expect(handler.requests.last?.0 == .levelSet(LevelSetRequest(level: .name("lockdown"),
                                                                          scope: .cgroup("/system.slice/x.service"))))
        }
    }

    @Test func levelShowPrintsTheLadder() throws {
        try withServer { (_, path) throws in
            let run = try Self.mamori(["level", "--socket", path])
            #expect(run.status == 0)
            #expect(run.stdout.contains("level: 1 known-bad (host)"))
            #expect(run.stdout.contains("▶ 1 known-bad"))
            let json = try Self.mamori(["level", "show", "--json", "--socket", path])
            #expect(json.stdout.hasPrefix("{") && json.stdout.contains(#""levelName":"known-bad""#))
        }
    }

    @Test func agentErrorsExitOne() throws {
        try withServer { (_, path) throws in
            let run = try Self.mamori(["reload", "--socket", path])
            #expect(run.status == 1)
            #expect(run.stderr.contains("rules.yaml:3: bad"))
        }
    }

    @Test(arguments: [
        (["level", "set", "3x"], "is not a level"),
        (["level", "set", "3", "--for", "30"], "needs a unit"),
        (["level", "set", "3", "--for", "2y"], "unknown unit 'y'"),
        (["level", "set", "3", "--scope", "nginx"], "neither a systemd unit"),
        (["level", "simulate", "3", "--since", "yesterday"], "--since"),
        (["response", "kill"], "give an incident id or --pid N"),
        (["response", "freeze", "abc-123", "--pid", "5"], "not both"),
        (["response", "thaw", "--pid", "1"], "other than init"),
        (["response", "kill", "not/an/id"], "is not an incident id"),
        (["quarantine", "add", "relative/path"], "not an absolute path"),
        (["quarantine", "restore", "../x"], "is not a quarantine id"),
        (["alerts", "--follow", "--since", "1h"], "cannot be combined"),
        (["isolate", "--bogus"], "Unknown option"),
    ] as [([String], String)])
    func badUsageExitsTwoWithAPreciseMessage(args: [String], message: String) throws {
        let run = try Self.mamori(args)
        #expect(run.status == 2, "\(args): \(run.stderr)")
        #expect(run.stderr.contains(message), "\(args): \(run.stderr)")
    }

    @Test func agentNotRunningExitsThreeAndStatusStillAnswers() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let missing = dir.path + "/none.sock"
        let set = try Self.mamori(["level", "set", "2", "--socket", missing])
        #expect(set.status == 3)
        #expect(set.stderr.contains("mamori agent is not running (no \(missing))"))
        let status = try Self.mamori(["status", "--socket", missing, "--db", dir.path + "/none.db"])
        #expect(status.status == 3)
        #expect(status.stdout.contains("NOT RUNNING"))
        #expect(status.stdout.contains("no event store at \(dir.path)/none.db"))
        let json = try Self.mamori(["status", "--json", "--socket", missing, "--db", dir.path + "/none.db"])
        #expect(json.stdout.contains(#""agentRunning":false"#))
    }

    @Test func otherCommandsKeepTheirUsageStatus() throws {
        let run = try Self.mamori(["events", "--limit", "x"])
        #expect(run.status == 64, "non-control commands keep argument-parser's 64")
    }

    /// Bytes from `fd` up to the first newline, or whatever came within `timeout` seconds.
    static func readLine(_ fd: Int32, timeout: Double) -> String {
        var bytes: [UInt8] = []
        var one: UInt8 = 0
        let deadline = Deadline.after(timeout)
        while !bytes.contains(UInt8(ascii: "\n")) {
            guard (try? Socket(rawValue: fd).wait(for: .readable, until: deadline)) != nil else { break }
            guard read(fd, &one, 1) == 1 else { break }
            bytes.append(one)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func followPrintsStreamedAlertsAsTheyArrive() throws {
        try withServer { (server, path) throws in
            let binary = try #require(Self.binary)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = ["alerts", "--follow", "--json", "--min-severity", "high", "--socket", path]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            // SIGTERM may be blocked in children of the test runner: end with SIGKILL if needed.
            defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) }; p.waitUntilExit() }
            try waitUntil { server.alerts.followerCount == 1 }
            server.alerts.publish(AlertNotice(alertUUID: "low-1", tsUnixNs: 1, ruleId: "r", ruleName: "n",
                                              severity: "low", riskScore: 1))
            server.alerts.publish(AlertNotice(alertUUID: "high-1", tsUnixNs: 2, ruleId: "r", ruleName: "n",
                                              severity: "high", riskScore: 90, ecsJSON: #"{"event":{"kind":"alert"},"id":"high-1"}"#))
            let text = Self.readLine(out.fileHandleForReading.fileDescriptor, timeout: 10)
            #expect(text == #"{"event":{"kind":"alert"},"id":"high-1"}"# + "\n", "low filtered, ECS JSON as sent")
            server.stop()   // the agent goes away: the CLI ends the stream and exits 0
            try waitUntil { !p.isRunning }
            #expect(p.terminationStatus == 0)
        }
    }
}
