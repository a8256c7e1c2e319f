import Foundation
import Glibc
import MamoriAgent
import MamoriTestSupport
import Testing

/// The pack's renamed-download-utility rule on real processes: a downloader under another name
/// is judged by what it does (it connects), not by the shape of its command line alone. The
/// toolchain's own assembler (`clang-21 -cc1as`, whose producer string carries a URL and whose
/// output is an object in /tmp) never connects and stays silent; a copy of curl renamed
/// `fetcher`, given the same kind of command line, connects and alerts.
@Suite("Renamed download utility integration", .serialized,
       .enabled(if: geteuid() == 0 || ProcessInfo.processInfo.environment["CI"] == "true"))
struct RenamedDownloadIntegrationTests {
    /// The LLVM assembler of the toolchain that builds this package (a real compiler binary).
    static func assembler() -> String? {
        let candidates = ["/opt/swift/usr/bin/clang-21", "/usr/bin/clang-21", "/usr/lib/llvm-21/bin/clang-21",
                          "/usr/bin/clang-19", "/usr/bin/clang-16", "/usr/bin/clang-14", "/opt/swift/usr/bin/clang"]
        return candidates.first { access($0, X_OK) == 0 }
    }

    private func run(_ exe: String, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        p.waitUntilExit()
    }

    /// A loopback port nothing listens on (bound, then closed).
    private func closedPort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        return UInt16(bigEndian: addr.sin_port)
    }

    @Test("clang -cc1as with a URL and /tmp output stays silent; a renamed curl that connects alerts")
    func assemblerIsSilentRenamedCurlAlerts() throws {
        let clang = try #require(Self.assembler(), "no clang-NN assembler found on this host")
        #expect(access("/usr/bin/curl", X_OK) == 0, "curl is needed for the positive")
        try StormLock.exclusive {
            let dir = try TestAgent.scratch("renamed-dl")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try FileManager.default.copyItem(atPath: TestAgent.packRule("defense_evasion/renamed-download-utility.yml"),
                                             toPath: dir + "/rules/renamed-download.yml")
            let fetcher = dir + "/fetcher"
            try FileManager.default.copyItem(atPath: "/usr/bin/curl", toPath: fetcher)
            let source = dir + "/crt.s"
            try ".text\nnop\n".write(toFile: source, atomically: true, encoding: .utf8)
            let object = "/tmp/mamori-crt-\(getpid()).o"
            defer { unlink(object) }
            let agent = try TestAgent(directory: dir, configuration: TestAgent.configuration(directory: dir, store: false))
            defer { agent.stop() }

            // The assembler step of a compiler build: URL in the producer string, object in /tmp.
            try run(clang, ["-cc1as", "-triple", "x86_64-pc-linux-gnu", "-filetype", "obj",
                            "-dwarf-debug-producer", "clang version 21.0.0 (https://github.com/swiftlang/llvm-project.git 1a2b3c)",
                            "-o", object, source])
            #expect(access(object, F_OK) == 0, "the assembler ran")
            // A renamed downloader: the same kind of command line, and it really connects.
            let port = closedPort()
            try run(fetcher, ["-s", "-m", "2", "-o", "/tmp/.mamori-fetch-\(getpid())", "http://127.0.0.1:\(port)/payload"])

            let rule = { (all: [String]) in all.filter { $0.contains("Renamed download utility") } }
            _ = agent.waitForAlerts(seconds: 20) { !rule($0).isEmpty }
            usleep(500_000)
            let lines = rule(agent.alertLines())
            #expect(lines.contains { $0.contains("\"executable\":\"\(fetcher)\"") }, "no alert for the renamed curl: \(lines)")
            #expect(!lines.contains { $0.contains("\"executable\":\"\(clang)\"") }, "the assembler must not alert: \(lines)")
        }
    }
}
