import MamoriTestSupport
import Foundation
import Glibc
import MamoriAgent
import MamoriControl
import MamoriPrevention
import Testing

/// `exec_deny: - sha256:` through the whole agent on the real kernel: the first exec of a file
/// with a denied hash is hashed off the worker thread and its inode enters the kernel's deny
/// map; the next exec of it in a scope at the entry's level dies at exec, while the same file
/// outside that scope (host at level 0) still runs. The file is a copy of touch with random
/// bytes appended, so its hash is unique to the test and nothing else on the host is denied.
@Suite("Hash denylist end to end", .serialized,
       .enabled(if: Privilege.integrationEnabled))
struct HashDenyEndToEndTests {
    @Test("a denied sha256 is enforced in the kernel from the second exec on, inside its scope only")
    func deniedHashReachesTheKernel() throws {
        let dir = NSTemporaryDirectory() + "mamori-hash-e2e-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            title: Never matches (hash e2e test)
            id: test-hash-e2e-none
            level: low
            logsource: {product: linux, category: process_creation}
            detection:
              sel: {CommandLine|contains: mamori-hash-e2e-never-\(getpid())-x}
              condition: sel
            """.write(toFile: dir + "/rules/none.yml", atomically: true, encoding: .utf8)
        let tool = dir + "/hashed-touch"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: "/usr/bin/touch"))
        bytes.append(contentsOf: (0..<32).map { _ in UInt8.random(in: 0...255) })
        try bytes.write(to: URL(fileURLWithPath: tool))
        chmod(tool, 0o755)
        let sha = FileDigest.hex(bytes)

        let mount = try #require(CgroupDirectory.discoverMount(), "no cgroup v2 mount")
        let unit = "mamori-hash-e2e-\(getpid()).scope"
        let cgroup = mount + "/" + unit
        #expect(mkdir(cgroup, 0o755) == 0 || errno == EEXIST)
        defer { for _ in 0..<50 where rmdir(cgroup) != 0 { usleep(100_000) } }
        let procs = cgroup + "/cgroup.procs"

        var config = AgentConfiguration(rulesDirectory: dir + "/rules", alertsPath: dir + "/alerts.json",
                                        databasePath: nil)
        config.watchFiles = []
        config.watchDirectories = []
        config.levelStatePath = dir + "/state.json"
        config.controlSocket = nil
        config.prevention = try PolicyParser.parse(yaml: """
            exec_deny:
              - sha256: \(sha)
                level: 1
            """, file: "hash-policy.yaml")
        let logLock = NSLock()
        nonisolated(unsafe) var logLines: [String] = []
        let running = try TestAgent(directory: dir, configuration: config) { line in
            print("agent: \(line)")
            logLock.lock(); logLines.append(line); logLock.unlock()
        }
        defer { running.stop() }
        let agent = running.agent
        let control = AgentControlHandler(agent: agent, version: "test")
        let root = Peer(uid: 0, gid: 0, pid: getpid(), comm: "hash-e2e-test")
        if case .failure(let e) = control.handle(.levelSet(LevelSetRequest(level: .number(1), scope: .unit(unit), reason: "hash e2e",
                                                                           forSeconds: nil)), from: root) {
            Issue.record("level set failed: \(e)")
            return
        }

        // First run: the kernel does not know the inode yet; the agent hashes it.
        let first = try PreventionEndToEndTests.runInCgroup(procs, "\(tool) \(dir)/marker1")
        #expect(PreventionEndToEndTests.waitExit(first, seconds: 10))
        #expect(FileManager.default.fileExists(atPath: dir + "/marker1"))
        let deadline = Date().addingTimeInterval(30)
        func learned() -> Bool { logLock.lock(); defer { logLock.unlock() }; return logLines.contains { $0.contains("matches a denied sha256") } }
        while !learned() && Date() < deadline { usleep(50_000) }
        #expect(learned(), "the agent never matched the denied hash")

        // Second run, in the scope at level 1: denied at exec.
        let second = try PreventionEndToEndTests.runInCgroup(procs, "\(tool) \(dir)/marker2")
        #expect(PreventionEndToEndTests.waitExit(second, seconds: 10))
        #expect(!FileManager.default.fileExists(atPath: dir + "/marker2"), "a denied hash must not run again")
        #expect(second.killedBySIGKILL || (second.exitCode.map { $0 != 0 } ?? false))

        // Outside the scope (host level 0) the same file still runs: enforcement is scoped.
        let outside = try PreventionEndToEndTests.runInCgroup(nil, "\(tool) \(dir)/marker3")
        #expect(PreventionEndToEndTests.waitExit(outside, seconds: 10))
        #expect(FileManager.default.fileExists(atPath: dir + "/marker3"))
    }
}
