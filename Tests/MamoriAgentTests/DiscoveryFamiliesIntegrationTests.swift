import Foundation
import Glibc
import MamoriAgent
import MamoriTestSupport
import Testing

/// `distinct: selection` end to end: the real sensor reports the execs of real sessions, and the
/// pack's families rule alerts on the session that crosses four discovery families, not on the
/// administrator's session that touches three, nor on a build that runs the same probes.
///
/// Every session here runs *under `make`*, as `make test` and `make eval` run everything: the
/// rule's build-tool exclusion (`/make` among its automation ancestors) must judge the session's
/// own lineage (`LineageAncestorImage`), not the whole ancestry. Before that, a `make` above the
/// test runner silenced the rule in every full `make test` run while a bare `swift test` passed.
@Suite("Discovery families integration", .serialized,
       .enabled(if: Privilege.integrationEnabled))
struct DiscoveryFamiliesIntegrationTests {
    static let packRule = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("rules/discovery/discovery-families-in-one-session.yml").path

    /// Runs `recipe` as the one recipe line of a makefile in `dir` (under a real `make`),
    /// output discarded.
    private func underMake(_ recipe: String, in dir: String) throws {
        let makefile = dir + "/Makefile.\(UInt32.random(in: 0 ... .max))"
        try "all:\n\t\(recipe)\n".write(toFile: makefile, atomically: true, encoding: .utf8)
        defer { unlink(makefile) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/make")
        p.arguments = ["-s", "-f", makefile, "all"]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        p.waitUntilExit()
    }

    @Test("under make: a session crossing four discovery families alerts once; three families or the build itself do not")
    func fourFamiliesAlertThreeDoNot() throws {
        // Every exec of these small sessions must reach the engine: no other suite's storm at
        // the same time (they overflow the rings by design).
        try StormLock.exclusive {
            let dir = try TestAgent.scratch("families")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try FileManager.default.copyItem(atPath: Self.packRule, toPath: dir + "/rules/families.yml")
            let agent = try TestAgent(directory: dir, configuration: TestAgent.configuration(directory: dir, store: true))
            defer { agent.stop() }

            // A build probing the host (configure-style) inside make's own session: excluded.
            try underMake("id; uname -a; ip addr >/dev/null; ss -tan >/dev/null; ps >/dev/null", in: dir)
            // An administrator's own session: listeners, addresses, kernel version (three families).
            try underMake("setsid --wait bash -c 'ss -tlnp; ip -br addr; uname -r; ss -tlnp; ip -br addr; uname -r; df -h; free -m; uptime'", in: dir)
            // An intruder's session: accounts, system identity, network configuration, connections.
            try underMake("setsid --wait bash -c 'id; uname -a; ip addr; ss -tan'", in: dir)

            let families = { (all: [String]) in all.filter { $0.contains("Several discovery families") } }
            _ = agent.waitForAlerts(seconds: 20) { !families($0).isEmpty }
            usleep(1_500_000)   // a late second alert (build or admin) would arrive by now
            let lines = families(agent.alertLines())
            #expect(lines.count == 1, "one alert, for the intruder session only: \(lines)")
            let alert = try #require(lines.first)
            let json = try JSONSerialization.jsonObject(with: Data(alert.utf8)) as? [String: Any]
            let process = json?["process"] as? [String: Any]
            // The fourth family's command fired it: the intruder's `ss -tan`, not the admin's
            // `ss -tlnp` nor the build's `ps`.
            #expect((process?["args"] as? [String]) == ["ss", "-tan"], "\(alert)")
        }
    }
}
