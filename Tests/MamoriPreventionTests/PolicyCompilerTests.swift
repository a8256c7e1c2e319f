import MamoriText
import MamoriSensor
@testable import MamoriPrevention
import Testing
import MamoriPolicy

@Suite struct PolicyCompilerTests {
    static let cgroups = FakeCgroups(ids: [
        "/": 1, "/system.slice": 2, "/system.slice/nginx.service": 10, "/system.slice/postgresql@15-main.service": 11,
        "/system.slice/ssh.service": 12, "/system.slice/php8.2-fpm.service": 13, "/system.slice/mamori.service": 14,
        "/user.slice": 3, "/user.slice/user-0.slice/session-1.scope": 20,
    ])
    static let inodes = FakeInodes(table: [
        "/usr/bin/nc": ino(100), "/opt/drop": ino(101), "/tmp": ino(102), "/var/tmp": ino(103), "/dev/shm": ino(104, dev: 22),
        "/bin/sh": ino(200), "/usr/bin/sh": ino(200), "/bin/bash": ino(201), "/usr/bin/curl": ino(300),
        "/etc/ld.so.preload": ino(400), "/root/.ssh/authorized_keys": ino(401),
    ])

    func policy() -> PreventionPolicy {
        var p = PreventionPolicy()
        p.execDeny = [.init(match: .path("/usr/bin/nc", tree: false)),
                      .init(match: .path("/opt/drop", tree: true), level: .critical),
                      .init(match: .sha256(String(repeating: "a", count: 64))),
                      .init(match: .path("/nope", tree: false))]
        p.shells = ["/bin/sh", "/usr/bin/sh", "/bin/bash", "/bin/zsh"]
        p.egressDeny = [
            .init(networks: [CIDR("203.0.113.0/24")!], ports: [4444], ipProtocol: .tcp),
            .init(networks: [CIDR("203.0.113.0/24")!], ports: [5555], ipProtocol: .tcp),
            .init(networks: [CIDR("2001:db8::/32")!], executables: ["/usr/bin/curl"], level: .high),
        ]
        p.managementNetworks = [CIDR("10.0.0.0/8")!]
        p.unitEgress = [.init(unit: "postgresql@15-main.service", mode: .allowlist,
                              rules: [.init(networks: [CIDR("10.1.2.0/24")!], ports: [5432])]),
                        .init(unit: "ssh.service", mode: .denylist, rules: [.init(networks: [CIDR("0.0.0.0/0")!])])]
        p.daemonUnits = ["nginx.service", "postgresql*.service", "php*-fpm.service"]
        p.scopes = [.init(target: .unit("nginx.service"), level: .high), .init(target: .cgroup("/gone"), level: .monitor)]
        return p
    }

    @Test func compilesExactly() {
        var state = LevelState(hostLevel: .critical)
        state.isolated = true
        _ = state.setScope(.unit("nginx.service"), level: .lockdown, by: .agent, reason: nil, now: 0)
        let out = PolicyCompiler.compile(policy(), .init(
            state: state, cgroups: Self.cgroups, inodes: Self.inodes,
            hashInodes: [String(repeating: "a", count: 64): [ino(500)]], agentCgroupPath: "/system.slice/mamori.service"))
        let k = out.kernel
        #expect(k.hostLevel == 2)
        #expect(!k.enforcementOff)
        #expect(k.exec == [
            .init(inode: ino(100), kind: .file, minLevel: 1, policyId: 1),
            .init(inode: ino(101), kind: .tree, minLevel: 2, policyId: 2),
            .init(inode: ino(500), kind: .file, minLevel: 1, policyId: 3),
            .init(inode: ino(102), kind: .tree, minLevel: 4, policyId: 4),
            .init(inode: ino(103), kind: .tree, minLevel: 4, policyId: 5),
            .init(inode: ino(104, dev: 22), kind: .tree, minLevel: 4, policyId: 6),
            .init(inode: ino(200), kind: .shell, minLevel: 4, policyId: 7),
            .init(inode: ino(201), kind: .shell, minLevel: 4, policyId: 8),
        ])
        var root = KernelPolicy.Scope(cgroupId: 1); root.isolated = true
        var nginx = KernelPolicy.Scope(cgroupId: 10, level: 4); nginx.daemon = true
        var pg = KernelPolicy.Scope(cgroupId: 11); pg.daemon = true
        pg.egressPolicy = 1; pg.allowlist = true; pg.allowlistMinLevel = 1
        var php = KernelPolicy.Scope(cgroupId: 13); php.daemon = true
        var ssh = KernelPolicy.Scope(cgroupId: 12); ssh.protected = true
        var agent = KernelPolicy.Scope(cgroupId: 14); agent.protected = true
        #expect(k.scopes == [root, nginx, php, pg, agent, ssh])
        #expect(k.taggedExecutables == [.init(inode: ino(300), tag: 1)])
        let v4 = CIDR("203.0.113.0/24")!, v6 = CIDR("2001:db8::/32")!
        #expect(k.egress == [
            .init(policy: .management, address: [10, 0, 0, 0], prefixLength: 8, verdict: .allow, minLevel: 0, policyId: 9),
            .init(policy: .global, address: v4.address, prefixLength: 24, verdict: .deny, minLevel: 1, ipProtocol: 6,
                  ports: [4444, 5555], policyId: 10),
            .init(policy: .executable(1), address: v6.address, prefixLength: 32, verdict: .deny, minLevel: 3, policyId: 12),
            .init(policy: .scope(1), address: [10, 1, 2, 0], prefixLength: 24, verdict: .allow, minLevel: 0,
                  ports: [5432], policyId: 13),
            .init(policy: .scope(1), address: [10, 0, 0, 0], prefixLength: 8, verdict: .allow, minLevel: 0, policyId: 14),
        ])
        #expect(k.protectedFiles == [.init(inode: ino(400), policyId: 15), .init(inode: ino(401), policyId: 16)])
        #expect(out.entries[1] == "exec_deny[0] path /usr/bin/nc")
        #expect(out.entries[6] == "temp dir /dev/shm")
        #expect(out.notes.contains("exec_deny[3]: /nope does not exist; skipped until it does"))
        #expect(out.notes.contains("scope cgroup /gone: not found; level 0 applies once it exists and the policy is recompiled"))
        #expect(out.notes.contains("unit_egress.ssh.service: management SSH is always kept open; entry ignored"))
    }

    @Test func breakerAndUnresolvedHashes() {
        let out = PolicyCompiler.compile(policy(), .init(state: LevelState(), cgroups: Self.cgroups, inodes: Self.inodes,
                                                         enforcementOff: true))
        #expect(out.kernel.enforcementOff)
        #expect(out.kernel.hostLevel == 0)
        #expect(!out.kernel.exec.contains { $0.inode == ino(500) })
        #expect(out.notes.contains { $0.hasPrefix("exec_deny[2]: no executable with sha256 aaaaaaaaaaaa") })
        #expect(!out.kernel.scopes.contains { $0.cgroupId == 1 }) // not isolated
    }

    @Test func globs() {
        #expect(PolicyCompiler.glob("postgresql*.service", matches: "postgresql@15-main.service"))
        #expect(PolicyCompiler.glob("php*-fpm.service", matches: "php8.2-fpm.service"))
        #expect(!PolicyCompiler.glob("php*-fpm.service", matches: "php8.2-fpm.socket"))
        #expect(PolicyCompiler.glob("redis?.service", matches: "redis6.service"))
        #expect(!PolicyCompiler.glob("nginx.service", matches: "nginx.service.d"))
    }

    @Test func levelViewDeepestScopeWins() {
        let view = LevelView(hostLevel: .critical, scopes: [.unit("nginx.service"): .lockdown,
                                                            .cgroup("/system.slice"): .monitor,
                                                            .cgroup("/system.slice/nginx.service/worker"): .high])
        #expect(view.effectiveLevel(cgroupPath: "/system.slice/nginx.service", unit: "nginx.service") == .lockdown)
        #expect(view.effectiveLevel(cgroupPath: "/system.slice/nginx.service/worker/x", unit: "nginx.service") == .high)
        #expect(view.effectiveLevel(cgroupPath: "/system.slice/cron.service", unit: "cron.service") == .monitor)
        #expect(view.effectiveLevel(cgroupPath: "/user.slice/session-1.scope", unit: nil) == .critical)
        #expect(view.effectiveLevel(cgroupPath: nil, unit: "nginx.service") == .lockdown)
        #expect(view.effectiveLevel(cgroupPath: nil, unit: "cron.service") == .critical)
    }
}
