import MamoriTestSupport
import Foundation
import Glibc
import MamoriAgent
import Testing

/// Pipe identity end to end: the real sensor reports the pipefs inode of each exec's stdio, the
/// agent joins `curl … | sh` into one pipeline, and the pack's `pipeline` rules name the writer.
@Suite("Pipeline join integration", .serialized,
       .enabled(if: Privilege.integrationEnabled))
struct PipelineJoinIntegrationTests {
    /// The pack's pipeline rules, copied unchanged from `rules/execution`.
    static let packRules = ["pipe-downloader-into-interpreter.yml", "pipe-decoder-into-interpreter.yml"]

    @Test("curl file://… | sh and base64 -d | bash raise pipeline alerts naming the writer; curl | cat does not")
    func downloaderAndDecoderIntoShell() throws {
        let dir = try TestAgent.scratch("pipe")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in Self.packRules {
            try FileManager.default.copyItem(atPath: TestAgent.packRule("execution/" + name), toPath: dir + "/rules/" + name)
        }
        try "echo pipeline-payload-ran\n".write(toFile: dir + "/payload.sh", atomically: true, encoding: .utf8)
        let agent = try TestAgent(directory: dir, configuration: TestAgent.configuration(directory: dir, store: true))
        defer { agent.stop() }

        // Real pipelines, built by a shell exactly as typed at a prompt.
        let curl = try #require(["/usr/bin/curl", "/bin/curl"].first { FileManager.default.isExecutableFile(atPath: $0) })
        let script = """
        \(curl) -s file://\(dir)/payload.sh | sh
        printf 'ZWNobyBkZWNvZGVkLXBheWxvYWQtcmFuCg==' | base64 -d | bash
        \(curl) -s file://\(dir)/payload.sh | cat > /dev/null
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)

        _ = agent.waitForAlerts(seconds: 60) { $0.filter { $0.contains("stdin_writer") }.count >= 2 }
        // Let a (wrong) third alert for `curl | cat` arrive if it were going to.
        usleep(500_000)
        let lines = agent.alertLines()
        let downloads = lines.filter { $0.contains("Downloaded content piped into a shell") }
        let decoded = lines.filter { $0.contains("Decoded payload piped into a shell") }
        #expect(downloads.count == 1, "\(lines)")
        #expect(decoded.count == 1, "\(lines)")
        let download = try #require(downloads.first)
        let writer = try JSONSerialization.jsonObject(with: Data(download.utf8)) as? [String: Any]
        let mamori = writer?["mamori"] as? [String: Any]
        let stdinWriter = mamori?["stdin_writer"] as? [String: Any]
        #expect((stdinWriter?["executable"] as? String)?.hasSuffix("/curl") == true, "\(download)")
        #expect((stdinWriter?["command_line"] as? String)?.contains("payload.sh") == true, "\(download)")
        let process = writer?["process"] as? [String: Any]
        #expect((process?["executable"] as? String)?.hasSuffix("sh") == true, "\(download)")
        let decoder = try #require(decoded.first)
        #expect(decoder.contains("/base64\""), "\(decoder)")
        // `curl | cat` is a pipe too, but cat is not an interpreter: no third alert.
        #expect(lines.filter { $0.contains("stdin_writer") }.count == 2, "\(lines)")
    }
}
