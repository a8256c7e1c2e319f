import Foundation
import MamoriConfig
import Testing

/// dist/systemd/mamori.service against the configuration defaults and systemd itself.
@Suite struct ServiceUnitTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func unit() throws -> [String: [String]] {
        let text = try String(contentsOfFile: root + "/dist/systemd/mamori.service", encoding: .utf8)
        var keys: [String: [String]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("[") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            keys[String(line[..<eq]), default: []].append(String(line[line.index(after: eq)...]))
        }
        return keys
    }

    @Test func unitIsANotifyServiceWithWatchdogRestartLimitsAndHardening() throws {
        let u = try Self.unit()
        #expect(u["Type"] == ["notify"] && u["WatchdogSec"] != nil && u["Restart"] == ["always"])
        // Issue 13.4: never give up restarting (a blinded sensor must come back).
        #expect(u["StartLimitIntervalSec"] == ["0"] && u["RestartSec"] == ["5s"])
        #expect(u["NoNewPrivileges"] == ["yes"] && u["ProtectSystem"] == ["strict"] && u["ProtectHome"] == ["read-only"])
        // Issue 13.3: a private /tmp made "no exec from /tmp" resolve the agent's own copy.
        #expect(u["PrivateTmp"] == ["no"])
        let writable = (u["ReadWritePaths"]?.first ?? "").split(separator: " ").map(String.init)
        #expect(writable.contains("/tmp") && writable.contains("/var/tmp"), "quarantine must reach the host's /tmp")
        #expect(u["ExecStartPre"] == ["/usr/sbin/mamori config check"], "a bad config never starts")
        let caps = Set((u["CapabilityBoundingSet"]?.first ?? "").split(separator: " ").map(String.init))
        #expect(caps.isSuperset(of: ["CAP_BPF", "CAP_PERFMON", "CAP_NET_ADMIN"]), "the measured minimum to attach")
        #expect(!caps.contains("CAP_SYS_ADMIN") && !caps.contains("CAP_DAC_OVERRIDE"))
        #expect(u["RuntimeDirectory"] == ["mamori"] && u["StateDirectory"] == ["mamori"] && u["LogsDirectory"] == ["mamori"])
    }

    @Test func everyDefaultPathTheAgentWritesIsWritableUnderTheUnit() throws {
        let writable = (try Self.unit()["ReadWritePaths"]?.first ?? "").split(separator: " ").map(String.init)
        let c = MamoriConfiguration()
        for path in [c.store.path, c.alerts.path, c.control.socket, c.exports.eventsJSON.path] {
            #expect(writable.contains { path.hasPrefix($0 + "/") }, "\(path) is read-only under ProtectSystem=strict")
        }
        #expect(writable.contains("/sys/fs/bpf"), "pins")
    }

    @Test func systemdAnalyzeVerifyHasNothingToSay() throws {
        let analyzer = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: analyzer) else { return }  // make verify-unit says so
        let dir = NSTemporaryDirectory() + "mamori-unit-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // ExecStart must name an existing binary for verify: point it at /bin/true.
        let text = try String(contentsOfFile: Self.root + "/dist/systemd/mamori.service", encoding: .utf8)
        try text.replacingOccurrences(of: "/usr/sbin/mamori", with: "/bin/true")
            .write(toFile: dir + "/mamori.service", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: analyzer)
        p.arguments = ["verify", dir + "/mamori.service"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0 && out.isEmpty, "systemd-analyze verify: \(out)")
    }
}
