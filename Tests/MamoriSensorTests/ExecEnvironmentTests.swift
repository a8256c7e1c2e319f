import CMamoriABI
import Foundation
import Glibc
import MamoriEvents
@testable import MamoriSensor
import Testing

/// The loader-variable scan of bpf/process.bpf.c (LD_PRELOAD, LD_AUDIT, LD_LIBRARY_PATH read
/// from the new process's environment at exec) against the real kernel. The programs are
/// `/bin/true` started by this test with an environment it builds; the preloaded library does
/// not exist, so the loader only prints a warning and the program runs unchanged.
extension SensorIntegration {
@Suite("exec environment")
struct ExecEnvironmentTests {
    /// Runs /bin/true with exactly `env` and returns its exec event.
    static func exec(env: [String: String], _ h: SensorHarness) throws -> ExecEvent? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let pid = UInt32(p.processIdentifier)
        let found = h.first { if case .exec(let e) = $0 { return e.header.tgid == pid } else { return false } }
        guard case .exec(let e)? = found else { return nil }
        return e
    }

    @Test("LD_PRELOAD and LD_AUDIT set in the environment are reported with their values; other variables are not")
    func preloadAndAudit() throws {
        let h = try SensorHarness.get()
        h.reset()
        let e = try Self.exec(env: ["PATH": "/usr/bin:/bin", "LD_PRELOAD": "/tmp/.mamori-absent-hook.so",
                                    "HOME": "/root", "LD_AUDIT": "./audit.so", "LD_BIND_NOW": "1",
                                    "LD_PRELOADX": "not-a-loader-variable"], h)
        guard let e else { Issue.record("no exec event"); return }
        #expect(e.loaderEnvironment.sorted() == ["LD_AUDIT=./audit.so", "LD_PRELOAD=/tmp/.mamori-absent-hook.so"])
        #expect(e.flags.isDisjoint(with: [.envUnscanned, .envTruncated]))
        #expect(e.executable.hasSuffix("/true"))
    }

    @Test("an environment without loader variables adds nothing to the record")
    func noLoaderVariables() throws {
        let h = try SensorHarness.get()
        h.reset()
        let e = try Self.exec(env: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LD": "x", "LD_": "y"], h)
        guard let e else { Issue.record("no exec event"); return }
        #expect(e.loaderEnvironment.isEmpty)
        #expect(!e.flags.contains(.envUnscanned))
    }

    @Test("a loader variable behind 6 KiB of padding variables is still found (read past the window)")
    func pastTheWindow() throws {
        let h = try SensorHarness.get()
        h.reset()
        // env(1) -i sets the variables in argument order, so the loader variable comes last.
        var args = ["-i"]
        for i in 0..<60 { args.append("PAD\(i)=" + String(repeating: "p", count: 100)) }
        args += ["LD_LIBRARY_PATH=/dev/shm/.lib", "/bin/true"]
        let run = try runProcess("/usr/bin/env", args)
        let found = h.first {
            if case .exec(let e) = $0 { return e.header.tgid == UInt32(run.pid) && e.executable.hasSuffix("/true") }
            return false
        }
        guard case .exec(let e)? = found else { Issue.record("no exec event"); return }
        #expect(e.loaderEnvironment == ["LD_LIBRARY_PATH=/dev/shm/.lib"])
        #expect(!e.flags.contains(.envUnscanned))
    }

    @Test("more variables than the scan bound are flagged as unscanned, never silently")
    func tooManyVariables() throws {
        let h = try SensorHarness.get()
        h.reset()
        var env: [String: String] = [:]
        for i in 0..<(Int(MAMORI_ENV_SCAN_VARS) + 20) { env["V\(i)"] = "1" }
        let e = try Self.exec(env: env, h)
        guard let e else { Issue.record("no exec event"); return }
        #expect(e.flags.contains(.envUnscanned))
    }

    @Test("a value longer than the entry bound is cut and flagged")
    func longValue() throws {
        let h = try SensorHarness.get()
        h.reset()
        let long = "/tmp/" + String(repeating: "a", count: 400) + ".so"
        let e = try Self.exec(env: ["LD_PRELOAD": long], h)
        guard let e else { Issue.record("no exec event"); return }
        #expect(e.flags.contains(.envTruncated))
        #expect(e.loaderEnvironment.count == 1)
        #expect(e.loaderEnvironment.first?.hasPrefix("LD_PRELOAD=/tmp/aaaa") == true)
        #expect(e.loaderEnvironment.first.map { $0.utf8.count == Int(MAMORI_ENV_ENTRY_MAX) - 1 } == true)
    }
}
}
