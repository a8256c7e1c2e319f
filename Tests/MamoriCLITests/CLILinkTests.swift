import Foundation
import Testing

/// The shipped daemon carries none of the benchmark harness (issue 14): `mamori` holds no
/// symbol of the MamoriBench or MamoriTestSupport modules, `mamori-bench` beside it does, and
/// `mamori bench` reaches the helper (its help and usage errors are the helper's).
@Suite struct CLILinkTests {
    /// Swift-mangled symbols of `binary` naming `module` (`<len><name>` in the mangling), by nm.
    static func symbols(_ binary: String, module: String) throws -> Int {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/nm")
        p.arguments = [binary]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "nm \(binary) failed")
        let needle = "\(module.utf8.count)\(module)"
        return String(decoding: data, as: UTF8.self).split(separator: "\n").filter { $0.contains(needle) }.count
    }

    @Test func daemonLinksNoBenchmarkOrTestSupport() throws {
        let helper = (CLI.binary as NSString).deletingLastPathComponent + "/mamori-bench"
        #expect(FileManager.default.isExecutableFile(atPath: helper), "\(helper) not built")
        #expect(try Self.symbols(CLI.binary, module: "MamoriBench") == 0)
        #expect(try Self.symbols(CLI.binary, module: "MamoriTestSupport") == 0)
        #expect(try Self.symbols(helper, module: "MamoriBench") > 0, "the check would be blind")
    }

    @Test func benchSubcommandRunsTheHelper() throws {
        let help = try CLI.run(["bench", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: mamori bench"), "\(help.stdout)")
        #expect(help.stdout.contains("--workload-binary"), "the helper's own options: \(help.stdout.prefix(300))")
        let bad = try CLI.run(["bench", "--no-such-option-xyz"])
        #expect(bad.status == 64 && bad.stderr.hasPrefix("Error:"))
    }
}
