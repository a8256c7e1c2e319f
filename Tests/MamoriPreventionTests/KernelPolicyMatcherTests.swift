import MamoriText
import MamoriSensor
@testable import MamoriPrevention
import Testing
import MamoriPolicy

@Suite struct KernelPolicyMatcherTests {
    func policy(host: UInt8) -> KernelPolicy {
        var k = KernelPolicy()
        k.hostLevel = host
        k.exec = [.init(inode: ino(1), kind: .file, minLevel: 1, policyId: 11),
                  .init(inode: ino(2), kind: .tree, minLevel: 4, policyId: 12),
                  .init(inode: ino(3), kind: .shell, minLevel: 4, policyId: 13),
                  .init(inode: ino(4), kind: .tree, minLevel: 1, policyId: 14)]
        var daemon = KernelPolicy.Scope(cgroupId: 100, level: 4); daemon.daemon = true
        var protected = KernelPolicy.Scope(cgroupId: 200); protected.protected = true
        var db = KernelPolicy.Scope(cgroupId: 300); db.egressPolicy = 7; db.allowlist = true; db.allowlistMinLevel = 2
        let sub = KernelPolicy.Scope(cgroupId: 101)
        k.scopes = [daemon, protected, db, sub]
        k.egress = [
            .init(policy: .global, address: [127, 0, 0, 0], prefixLength: 8, verdict: .deny, minLevel: 1, ipProtocol: 6,
                  ports: [9], policyId: 21),
            .init(policy: .global, address: [127, 0, 0, 5], prefixLength: 32, verdict: .deny, minLevel: 3, policyId: 22),
            .init(policy: .global, address: CIDR("::1")!.address, prefixLength: 128, verdict: .deny, minLevel: 1,
                  ipProtocol: 17, policyId: 23),
            .init(policy: .management, address: [10, 0, 0, 0], prefixLength: 8, verdict: .allow, minLevel: 0, policyId: 24),
            .init(policy: .executable(5), address: [192, 0, 2, 0], prefixLength: 24, verdict: .deny, minLevel: 1, policyId: 25),
            .init(policy: .scope(7), address: [10, 1, 0, 0], prefixLength: 16, verdict: .allow, minLevel: 0,
                  ports: [5432], policyId: 26),
        ]
        k.taggedExecutables = [.init(inode: ino(9), tag: 5)]
        return k
    }

    @Test func execFileTreeShellAndLevels() {
        let low = KernelPolicyMatcher(policy(host: 0))
        let v = low.exec(executable: ino(1), directories: [], cgroupChain: [50, 1])
        #expect(v == KernelVerdict(reason: .execDenylist, policyId: 11, neededLevel: 1, level: 0, enforced: false))
        let m = KernelPolicyMatcher(policy(host: 1))
        #expect(m.exec(executable: ino(1), directories: [], cgroupChain: [])?.enforced == true)
        // TREE: nearest enforced directory decides; below its level it is "would have".
        #expect(m.exec(executable: ino(50), directories: [ino(2)], cgroupChain: [])
                == KernelVerdict(reason: .execDirectory, policyId: 12, neededLevel: 4, level: 1, enforced: false))
        #expect(m.exec(executable: ino(50), directories: [ino(2), ino(4)], cgroupChain: [])
                == KernelVerdict(reason: .execDirectory, policyId: 14, neededLevel: 1, level: 1, enforced: true))
        // Shells only matter in daemon scopes (found through the ancestry), at the scope's level.
        #expect(m.exec(executable: ino(3), directories: [], cgroupChain: [50]) == nil)
        #expect(m.exec(executable: ino(3), directories: [], cgroupChain: [101, 100, 1])
                == KernelVerdict(reason: .daemonShell, policyId: 13, neededLevel: 4, level: 4, enforced: true))
        // Protected scope: nothing, not even "would have".
        #expect(m.exec(executable: ino(1), directories: [], cgroupChain: [200]) == nil)
        #expect(m.exec(executable: ino(77), directories: [ino(78)], cgroupChain: []) == nil)
    }

    @Test func scopeWalk() {
        var k = policy(host: 2)
        k.scopes.append(KernelPolicy.Scope(cgroupId: 102, level: 1))
        let m = KernelPolicyMatcher(k)
        #expect(m.scope(cgroupChain: [101, 100]).level == 4) // 101 inherits
        #expect(m.scope(cgroupChain: [102, 100]).level == 1) // deepest set level wins
        #expect(m.scope(cgroupChain: [102, 100]).daemon)     // flags OR
        #expect(m.scope(cgroupChain: [5, 6]).level == 2)     // host
    }

    @Test func egressLongestPrefixPortsProtocol() {
        let m = KernelPolicyMatcher(policy(host: 1))
        // 127.0.0.0/8 denies TCP port 9 only.
        #expect(m.connect(address: [127, 0, 0, 1], port: 9, ipProtocol: 6, cgroupChain: [])
                == KernelVerdict(reason: .egressDeny, policyId: 21, neededLevel: 1, level: 1, enforced: true))
        #expect(m.connect(address: [127, 0, 0, 1], port: 10, ipProtocol: 6, cgroupChain: []) == nil)
        #expect(m.connect(address: [127, 0, 0, 1], port: 9, ipProtocol: 17, cgroupChain: []) == nil)
        // The /32 is the longest match for .5: its own level (3) applies; the /8 is not consulted.
        #expect(m.connect(address: [127, 0, 0, 5], port: 9, ipProtocol: 6, cgroupChain: [])
                == KernelVerdict(reason: .egressDeny, policyId: 22, neededLevel: 3, level: 1, enforced: false))
        // IPv6 loopback, UDP only.
        #expect(m.connect(address: CIDR.parseAddress("::1")!, port: 53, ipProtocol: 17, cgroupChain: [])?.policyId == 23)
        #expect(m.connect(address: CIDR.parseAddress("::1")!, port: 53, ipProtocol: 6, cgroupChain: []) == nil)
        // Executable lists apply only to tagged processes.
        #expect(m.connect(address: [192, 0, 2, 1], port: 80, ipProtocol: 6, cgroupChain: []) == nil)
        #expect(m.tag(of: ino(9)) == 5)
        #expect(m.connect(address: [192, 0, 2, 1], port: 80, ipProtocol: 6, cgroupChain: [], tag: 5)?.policyId == 25)
    }

    @Test func allowlistAndIsolation() {
        var k = policy(host: 2)
        let m = KernelPolicyMatcher(k)
        #expect(m.connect(address: [10, 1, 3, 4], port: 5432, ipProtocol: 6, cgroupChain: [300]) == nil)
        // Management networks (10/8 here) stay reachable from an allowlist, as in the kernel.
        #expect(m.connect(address: [10, 1, 3, 4], port: 22, ipProtocol: 6, cgroupChain: [300]) == nil)
        // Anything else not allowed is denied, reported with the scope's list id.
        #expect(m.connect(address: [192, 0, 2, 9], port: 22, ipProtocol: 6, cgroupChain: [300])
                == KernelVerdict(reason: .egressAllowlist, policyId: 7, neededLevel: 2, level: 2, enforced: true))
        #expect(m.connect(address: [8, 8, 8, 8], port: 53, ipProtocol: 17, cgroupChain: [300])?.reason == .egressAllowlist)
        #expect(m.connect(address: [127, 0, 0, 1], port: 80, ipProtocol: 6, cgroupChain: [300]) == nil) // loopback stays
        #expect(m.connect(address: [8, 8, 8, 8], port: 53, ipProtocol: 17, cgroupChain: [301]) == nil)

        var root = KernelPolicy.Scope(cgroupId: 1); root.isolated = true
        k.scopes.append(root)
        let iso = KernelPolicyMatcher(k)
        #expect(iso.connect(address: [8, 8, 8, 8], port: 443, ipProtocol: 6, cgroupChain: [50, 1])
                == KernelVerdict(reason: .isolated, policyId: 0, neededLevel: 0, level: 2, enforced: true))
        #expect(iso.connect(address: [10, 9, 9, 9], port: 22, ipProtocol: 6, cgroupChain: [50, 1]) == nil)
        #expect(iso.connect(address: [127, 0, 0, 1], port: 80, ipProtocol: 6, cgroupChain: [50, 1]) == nil)
        #expect(iso.connect(address: [8, 8, 8, 8], port: 443, ipProtocol: 6, cgroupChain: [200, 1]) == nil) // protected

        k.enforcementOff = true
        let off = KernelPolicyMatcher(k)
        #expect(off.connect(address: [8, 8, 8, 8], port: 443, ipProtocol: 6, cgroupChain: [50, 1])?.enforced == false)
    }

    @Test func prefixes() {
        #expect(CIDR("10.1.2.3/8")!.description == "10.0.0.0/8")
        #expect(CIDR("2001:db8::1/32")!.description == "2001:db8::/32")
        #expect(CIDR("10.0.0.1/33") == nil)
        #expect(CIDR("::1")!.mapped.length == 128)
        #expect(CIDR("10.0.0.0/8")!.mapped.length == 104)
        #expect(CIDR("10.0.0.0/8")!.contains(mapped: CIDR.mapped([10, 200, 1, 1])))
        #expect(!CIDR("10.0.0.0/8")!.contains(mapped: CIDR.mapped([11, 0, 0, 1])))
    }
}

@Suite struct KernelScopeDepthTests {
    @Test func onlyTheSixteenLevelsNearestTheRootAreSeen() {
        var k = KernelPolicy()
        var root = KernelPolicy.Scope(cgroupId: 1); root.isolated = true
        k.scopes = [root, KernelPolicy.Scope(cgroupId: 1000, level: 4)]
        let m = KernelPolicyMatcher(k)
        // A 20-deep chain: 1000 (deepest) is beyond level 15, the root is level 0.
        let chain: [UInt64] = [1000] + (2...19).reversed().map { UInt64($0) } + [1]
        #expect(chain.count == 20)
        #expect(m.scope(cgroupChain: chain).isolated)
        #expect(m.scope(cgroupChain: chain).level == 0)
        #expect(m.scope(cgroupChain: [1000, 1]).level == 4)
    }
}
