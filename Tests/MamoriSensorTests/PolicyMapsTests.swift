import CMamoriABI
import Foundation
@testable import MamoriSensor
import Testing
import MamoriPolicy

/// `EncodedPolicy`: the exact bytes PolicyMaps writes, and the errors of bad policies.
@Suite("policy encoding")
struct PolicyEncodingTests {
    @Test func ipv4PrefixIsMappedMaskedAndCountsThePolicyWord() throws {
        let e = KernelPolicy.EgressEntry(policy: .scope(7), address: [10, 1, 2, 3], prefixLength: 20,
                                         verdict: .deny, minLevel: 1, ports: [22, 443], policyId: 5)
        let key = EncodedPolicy.load(try EncodedPolicy.egressKey(e, index: 0), as: mamori_egress_key.self)
        #expect(key.prefixlen == 32 + 96 + 20)
        #expect(key.policy == UInt32(7).bigEndian)
        let addr = withUnsafeBytes(of: key.addr) { Array($0) }
        #expect(addr == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 0, 0])
        var p = KernelPolicy()
        p.egress = [e]
        let rule = EncodedPolicy.load(try #require(try EncodedPolicy(p).egress.values.first), as: mamori_egress_rule.self)
        #expect(rule.nports == 2 && rule.ports.0 == 22 && rule.ports.1 == 443)
        #expect(rule.prefixlen == 32 + 96 + 20)
        #expect(rule.verdict == UInt8(MAMORI_EGRESS_DENY))
    }

    @Test func flagsFollowTheContent() throws {
        var p = KernelPolicy()
        #expect(try EncodedPolicy(p).configFlags == 0)
        var s = KernelPolicy.Scope(cgroupId: 42, level: nil)
        s.isolated = true
        p.scopes = [s]
        p.exec = [.init(inode: .init(dev: 1, ino: 2), kind: .file, minLevel: 1, policyId: 1),
                  .init(inode: .init(dev: 1, ino: 2), kind: .shell, minLevel: 4, policyId: 2)]
        p.enforcementOff = true
        let enc = try EncodedPolicy(p)
        let want = UInt32(MAMORI_CFG_HAS_SCOPES) | UInt32(MAMORI_CFG_HAS_EXEC_POLICY) | UInt32(MAMORI_CFG_HAS_EGRESS)
            | UInt32(MAMORI_CFG_PREVENTION_OFF) | UInt32(MAMORI_CFG_HAS_ISOLATION)
        #expect(enc.configFlags == want)
        let rule = EncodedPolicy.load(try #require(enc.exec.values.first), as: mamori_exec_rule.self)
        #expect(enc.exec.count == 1) // one inode, FILE and SHELL merged
        #expect(rule.flags == UInt16(MAMORI_EXECP_FILE | MAMORI_EXECP_SHELL) && rule.min_level == 1 && rule.policy_id == 1)
        let scope = EncodedPolicy.load(try #require(enc.scopes.values.first), as: mamori_scope.self)
        #expect(scope.level == UInt8(MAMORI_LEVEL_INHERIT) && scope.flags == UInt16(MAMORI_SCOPE_ISOLATED))
    }

    @Test func badPoliciesSayWhatIsWrong() {
        func error(_ build: (inout KernelPolicy) -> Void) -> String? {
            var p = KernelPolicy()
            build(&p)
            do { _ = try EncodedPolicy(p); return nil } catch { return error.description }
        }
        #expect(error { $0.hostLevel = 5 }?.contains("host level 5") == true)
        #expect(error { $0.egress = [.init(policy: .global, address: [1, 2, 3], prefixLength: 8, verdict: .deny, minLevel: 1, policyId: 1)] }?
            .contains("egress entry 0: address has 3 bytes") == true)
        #expect(error { $0.egress = [.init(policy: .global, address: [1, 2, 3, 4], prefixLength: 33, verdict: .deny, minLevel: 1, policyId: 1)] }?
            .contains("/33") == true)
        #expect(error { $0.egress = [.init(policy: .global, address: [1, 2, 3, 4], prefixLength: 8, verdict: .deny, minLevel: 1,
                                           ports: Array(1...9), policyId: 1)] }?.contains("9 ports") == true)
        #expect(error { $0.egress = [.init(policy: .scope(0), address: [1, 2, 3, 4], prefixLength: 8, verdict: .deny, minLevel: 1, policyId: 1)] } != nil)
        #expect(error { var s = KernelPolicy.Scope(cgroupId: 1); s.allowlist = true; $0.scopes = [s] }?.contains("allowlist needs an egressPolicy") == true)
        #expect(error { $0.scopes = [.init(cgroupId: 1, level: 1), .init(cgroupId: 1, level: 2)] }?.contains("listed twice") == true)
        #expect(error { $0.exec = [.init(inode: .init(dev: 1, ino: 1), kind: .file, minLevel: 9, policyId: 1)] }?.contains("minLevel 9") == true)
    }
}

extension SensorIntegration {
@Suite("prevention: policy maps")
struct PolicyMapsIntegrationTests {
    @Test("apply writes, replaces and deletes; a bad policy changes nothing")
    func applyReplaceAndReject() throws {
        let maps = try SensorHarness.get().session.program.policy
        defer { try? maps.apply(KernelPolicy()) }
        var p = KernelPolicy()
        // Scopes of a cgroup id that cannot exist (ids are kernfs inode numbers): inert.
        p.scopes = [.init(cgroupId: UInt64.max - 1, level: 3)]
        p.exec = [.init(inode: .init(dev: 0xfff_fffff, ino: UInt64.max - 7), kind: .file, minLevel: 4, policyId: 9)]
        let entry = KernelPolicy.EgressEntry(policy: .scope(3), address: [192, 0, 2, 0], prefixLength: 24,
                                             verdict: .deny, minLevel: 4, policyId: 10)
        p.egress = [entry]
        try maps.apply(p)
        var snap = maps.readBack()
        #expect(snap.execEntries == 1 && snap.scopes == 1 && snap.egressEntries == 1)
        #expect(snap.configFlags & UInt32(MAMORI_CFG_HAS_SCOPES) != 0)
        #expect(maps.scope(cgroupId: UInt64.max - 1)?.level == 3)
        #expect(maps.egressRule(entry)?.policyId == 10)

        var bad = p
        bad.hostLevel = 9
        #expect(throws: SensorError.self) { try maps.apply(bad) }
        #expect(maps.readBack() == snap, "a rejected policy must leave the previous one in force")

        p.exec = []
        try maps.apply(p)
        snap = maps.readBack()
        #expect(snap.execEntries == 0 && snap.configFlags & UInt32(MAMORI_CFG_HAS_EXEC_POLICY) == 0)
        #expect(snap.egressEntries == 1)
    }

    @Test("the test cgroup helper moves the process back and removes its directory")
    func testCgroupCleansUp() throws {
        let before = TestCgroup.ownCgroupPath()
        let cg = try TestCgroup()
        try cg.enter()
        #expect(TestCgroup.ownCgroupPath().hasSuffix((cg.path as NSString).lastPathComponent))
        cg.remove()
        #expect(TestCgroup.ownCgroupPath() == before)
        #expect(access(cg.path, F_OK) != 0)
    }
}
}
