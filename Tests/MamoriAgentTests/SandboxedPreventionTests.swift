import MamoriTestSupport
import Foundation
import Glibc
import MamoriPrevention
import Testing

/// Prevention under the shipped unit's own sandbox (`UnitSandbox`: its capability bounding set,
/// no_new_privs, ProtectSystem=strict + ReadWritePaths, ProtectHome, PrivateTmp), driven through
/// the CLI as an operator would: "no exec from /tmp" kills a host process in a scope at
/// lockdown, and quarantine moves a host file out of /tmp and back. Every enforcement is scoped
/// to a cgroup the test creates; the files are the test's own.
@Suite("Prevention under the unit's sandbox", .serialized,
       .enabled(if: Privilege.integrationEnabled))
struct SandboxedPreventionTests {
    @Test("exec from /tmp denied and quarantine of a /tmp file, with the unit's sandbox applied")
    func enforcementWorksInsideTheSandbox() throws {
        let sandbox = try UnitSandbox.fromShippedUnit()
        #expect(!sandbox.capabilities.isEmpty && sandbox.protectSystemStrict, "unit parse: \(sandbox)")
        // The agent's own files where the unit lets it write (its runtime directory); the host
        // files it must act on in the host's /tmp.
        let work = "/run/mamori/sandbox-test-\(getpid())"
        let dir = "/tmp/mamori-sbx-\(getpid())"
        try FileManager.default.createDirectory(atPath: work + "/rules", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(atPath: dir)
            try? FileManager.default.removeItem(atPath: work)
        }
        try """
            title: Never matches (sandbox test)
            id: test-sandbox-none
            level: low
            logsource: {product: linux, category: process_creation}
            detection:
              sel: {CommandLine|contains: mamori-sandbox-never-\(getpid())-x}
              condition: sel
            """.write(toFile: work + "/rules/none.yml", atomically: true, encoding: .utf8)
        let socket = work + "/control.sock"
        try """
            rules: {directory: \(work)/rules}
            alerts: {path: \(work)/alerts.json}
            store: {path: \(work)/mamori.db}
            control: {socket: \(socket)}
            sensor: {watch_files: [], watch_directories: []}
            prevention: {quarantine_dir: \(work)/quarantine}
            """.write(toFile: work + "/config.yaml", atomically: true, encoding: .utf8)

        let launched = try LaunchedProcess(sandbox.process([AgentChild.binary, "agent", "--config", work + "/config.yaml",
                                                            "--state-file", work + "/state.json"]),
                                           logPath: work + "/agent.log")
        defer { launched.stop() }
        let agent = launched.process
        func agentLog() -> String { launched.log }
        try #require(launched.waitForLog("sensor attached"), "agent did not start in the sandbox: \(agentLog())")

        // The sandbox really applies: root file system read-only for the agent, capabilities bounded.
        let pid = agent.processIdentifier
        let mounts = (try? String(contentsOfFile: "/proc/\(pid)/mountinfo", encoding: .utf8)) ?? ""
        let rootMount = mounts.split(separator: "\n").first { $0.split(separator: " ").dropFirst(4).first == "/" }
        #expect(rootMount.map { $0.split(separator: " ")[5].hasPrefix("ro") } == true, "root not read-only: \(rootMount ?? "-")")
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let bounding = status.split(separator: "\n").first { $0.hasPrefix("CapBnd:") }.flatMap { UInt64($0.split(separator: "\t").last ?? "", radix: 16) }
        #expect(bounding != nil && bounding! & (1 << 21) == 0, "CAP_SYS_ADMIN must not be in the bounding set: \(String(describing: bounding))")

        // A scope at lockdown: no exec from /tmp there.
        let mount = try #require(CgroupDirectory.discoverMount(), "no cgroup v2 mount")
        let unit = "mamori-sbx-\(getpid()).scope"
        let cgroup = mount + "/" + unit
        #expect(mkdir(cgroup, 0o755) == 0 || errno == EEXIST)
        defer { for _ in 0..<50 where rmdir(cgroup) != 0 { usleep(100_000) } }
        let set = try Self.cli(["level", "set", "4", "--scope", unit, "--reason", "sandbox test", "--socket", socket])
        #expect(set.status == 0, "level set: \(set.output)")

        let payload = dir + "/payload"
        try FileManager.default.copyItem(atPath: "/usr/bin/touch", toPath: payload)
        let inScope = try PreventionEndToEndTests.runInCgroup(cgroup + "/cgroup.procs", "\(payload) \(dir)/marker-in")
        #expect(PreventionEndToEndTests.waitExit(inScope, seconds: 10))
        #expect(!FileManager.default.fileExists(atPath: dir + "/marker-in"), "exec from /tmp must be denied in the lockdown scope")
        let outside = try PreventionEndToEndTests.runInCgroup(nil, "\(payload) \(dir)/marker-out")
        #expect(PreventionEndToEndTests.waitExit(outside, seconds: 10))
        #expect(FileManager.default.fileExists(atPath: dir + "/marker-out"), "outside the scope nothing is enforced")

        // Quarantine a host file in /tmp through the agent, then restore it.
        let dropped = dir + "/dropped.bin"
        try Data("payload bytes".utf8).write(to: URL(fileURLWithPath: dropped))
        let add = try Self.cli(["quarantine", "add", dropped, "--reason", "sandbox test", "--json", "--socket", socket])
        #expect(add.status == 0, "quarantine add: \(add.output)")
        #expect(!FileManager.default.fileExists(atPath: dropped), "the file must leave /tmp")
        let id = ((try? JSONSerialization.jsonObject(with: Data(add.stdout.utf8))) as? [String: Any])?["id"] as? String
        let restore = try Self.cli(["quarantine", "restore", id ?? "missing-id", "--socket", socket])
        #expect(restore.status == 0, "quarantine restore: \(restore.output)")
        #expect((try? String(contentsOfFile: dropped, encoding: .utf8)) == "payload bytes")
    }

    struct CLIResult { var status: Int32; var stdout: String; var output: String }

    /// Runs the `mamori` CLI (outside the sandbox, as an operator's shell would).
    static func cli(_ args: [String]) throws -> CLIResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: AgentChild.binary)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let stdout = String(decoding: o, as: UTF8.self)
        return CLIResult(status: p.terminationStatus, stdout: stdout, output: stdout + String(decoding: e, as: UTF8.self))
    }
}
