import MamoriTestSupport
import MamoriText
import Foundation
import MamoriDetection
import MamoriEvents
import MamoriSensor
@testable import MamoriPrevention
import Testing
import MamoriPolicy

/// Numbers for docs/prevention.md, not assertions: run with
/// `MAMORI_MEASURE=1 swift test --skip-build --filter PreventionMeasurements` (root for the
/// responder figures). Skipped otherwise so the suite never depends on timing.
@Suite("PreventionMeasurements", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["MAMORI_MEASURE"] == "1"))
struct PreventionMeasurements {
    func now() -> UInt64 { ProcInspector.boottimeNs() }

    func report(_ name: String, _ samples: [UInt64]) {
        let s = samples.sorted()
        func pct(_ p: Double) -> Double { Double(s[min(s.count - 1, Int(Double(s.count) * p))]) / 1000 }
        print(String(format: "MEASURE %@: n=%d p50=%.1f µs p90=%.1f µs max=%.1f µs", name, s.count, pct(0.5), pct(0.9),
                     Double(s.last!) / 1000))
    }

    @Test func responderLatency() throws {
        guard Privilege.isRoot else { return }
        let responder = Responder(protection: ProtectionList(.init(), agentPid: UInt32(getpid())))
        var kill: [UInt64] = [], tree: [UInt64] = []
        for _ in 0..<30 {
            let p = try Spawned("exec sleep 100")
            _ = waitFor { ProcInspector.live(UInt32(p.pid))?.comm == "sleep" }
            let key = try #require(ProcInspector.live(UInt32(p.pid))).key
            let r = responder.kill(key, eventNs: now())
            kill.append(r.latencyNs ?? 0)
            p.stop()
        }
        for _ in 0..<10 {
            let p = try Spawned("sleep 100 & sh -c 'sleep 100 & sleep 100 & wait' & wait")
            _ = waitFor { ProcInspector.lineage(of: UInt32(p.pid)).count >= 4 }
            let key = try #require(ProcInspector.live(UInt32(p.pid))).key
            let t0 = now()
            _ = responder.killTree(key, eventNs: t0)
            tree.append(now() - t0)
            p.stop()
        }
        report("kill via pidfd (decision to signal sent)", kill)
        report("kill-tree of a 5-process, 3-level lineage (start to all killed)", tree)
    }

    @Test func matcherAndCompiler() {
        var policy = PreventionPolicy()
        var table: [String: KernelPolicy.Inode] = [:]
        for i in 0..<2000 {
            table["/opt/bad/\(i)"] = ino(UInt64(10_000 + i))
            policy.execDeny.append(.init(match: .path("/opt/bad/\(i)", tree: false)))
            policy.egressDeny.append(.init(networks: [CIDR("10.\(i / 256).\(i % 256).0/24")!], ports: [443]))
        }
        let cgroups = FakeCgroups(ids: ["/": 1])
        var t0 = now()
        let out = PolicyCompiler.compile(policy, .init(state: LevelState(hostLevel: .knownBad), cgroups: cgroups,
                                                       inodes: FakeInodes(table: table)))
        report("compile 2000 exec + 2000 egress entries", [now() - t0])
        let matcher = KernelPolicyMatcher(out.kernel)
        var sink = 0
        t0 = now()
        for i in 0..<2000 {
            if matcher.exec(executable: ino(UInt64(10_000 + i)), directories: [ino(2), ino(3)], cgroupChain: [5, 1]) != nil { sink += 1 }
        }
        report("matcher exec, per call (2000 calls)", [(now() - t0) / 2000])
        t0 = now()
        for i in 0..<2000 {
            if matcher.connect(address: [10, UInt8(i / 256), UInt8(i % 256), 9], port: 443, ipProtocol: 6, cgroupChain: [5, 1]) != nil { sink += 1 }
        }
        report("matcher connect (2000-prefix list), per call", [(now() - t0) / 2000])
        let rule = RuleMetadata(id: "r", title: "r", level: .critical, categories: [], response: .kill, source: "x")
        let subject = DecisionSubject(pid: 300, executable: "/usr/bin/bash", comm: "bash", unit: "nginx.service",
                                      cgroupPath: "/system.slice/nginx.service")
        let view = LevelView(hostLevel: .critical, scopes: [.unit("nginx.service"): .lockdown, .cgroup("/x"): .monitor])
        let protection = ProtectionList(.init(), agentPid: 1)
        t0 = now()
        for _ in 0..<100_000 {
            if ResponseDecision.decide(rule: rule, subject: subject, ancestry: [], levels: view, ladder: LevelLadder(),
                                       protection: protection).verdict == .act { sink += 1 }
        }
        report("ResponseDecision.decide, per call (100k calls)", [(now() - t0) / 100_000])
        #expect(sink > 0)
    }
}
