import MamoriText
import MamoriDetection
@testable import MamoriPrevention
import Testing

@Suite struct PolicyParserTests {
    static let full = """
    levels:
      rules: {critical: 1, high: critical, medium: never}
      confidence_penalty: {low: 2}
      temp_exec: high
      temp_dirs: [/tmp, /dev/shm]
    exec_deny:
      - path: /usr/bin/nc
      - dir: /opt/drop
        level: 2
      - sha256: 0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef
        comment: miner
    egress_deny:
      - cidr: [203.0.113.0/24, 2001:db8::/32]
        ports: [4444, 5555]
        protocol: tcp
      - cidr: 198.51.100.7
        executables: [/usr/bin/curl]
        level: known-bad
    management_networks: 10.0.0.0/8
    unit_egress:
      postgresql.service:
        mode: allowlist
        rules:
          - cidr: 10.1.2.0/24
            ports: [5432]
    daemon_units: [nginx.service, php*-fpm.service]
    protected:
      comms: [backup-agent]
    protected_files: [/etc/shadow]
    scopes:
      - unit: nginx.service
        level: lockdown
      - cgroup: /system.slice/build.slice
        level: 0
    guardrails:
      actions_per_minute: 12
      burst: 3
      breaker_actions: 20
      breaker_window: 2m
      canary: {enabled: false, actions: 2, window: 5m}
    quarantine_dir: /srv/q
    """

    @Test func parsesEveryKey() throws {
        let p = try PolicyParser.parse(yaml: Self.full, file: "policy.yaml")
        #expect(p.ladder.rulesActFrom == [.critical: .knownBad, .high: .critical])
        #expect(p.ladder.confidencePenalty[.low] == 2)
        #expect(p.ladder.tempExecDenyFrom == .high)
        #expect(p.ladder.tempDirectories == ["/tmp", "/dev/shm"])
        #expect(p.execDeny == [
            .init(match: .path("/usr/bin/nc", tree: false)),
            .init(match: .path("/opt/drop", tree: true), level: .critical),
            .init(match: .sha256("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), comment: "miner"),
        ])
        #expect(p.egressDeny.count == 2)
        #expect(p.egressDeny[0].networks.map(\.description) == ["203.0.113.0/24", "2001:db8::/32"])
        #expect(p.egressDeny[0].ports == [4444, 5555])
        #expect(p.egressDeny[0].ipProtocol == .tcp)
        #expect(p.egressDeny[1].networks.map(\.description) == ["198.51.100.7"])
        #expect(p.egressDeny[1].executables == ["/usr/bin/curl"])
        #expect(p.egressDeny[1].level == .knownBad)
        #expect(p.managementNetworks.map(\.description) == ["10.0.0.0/8"])
        #expect(p.unitEgress == [.init(unit: "postgresql.service", mode: .allowlist,
                                       rules: [.init(networks: [CIDR("10.1.2.0/24")!], ports: [5432])])])
        #expect(p.daemonUnits == ["nginx.service", "php*-fpm.service"])
        #expect(p.protected.comms == ["backup-agent"]) // accepted, ignored: names protect nothing
        #expect(p.protectedFiles.contains("/etc/shadow") && p.protectedFiles.contains("/etc/ld.so.preload"))
        #expect(p.scopes == [.init(target: .unit("nginx.service"), level: .lockdown),
                             .init(target: .cgroup("/system.slice/build.slice"), level: .monitor)])
        #expect(p.guardrails.actionsPerMinute == 12 && p.guardrails.burst == 3 && p.guardrails.breakerActions == 20)
        #expect(p.guardrails.breakerWindowSeconds == 120)
        #expect(!p.guardrails.canaryEnabled && p.guardrails.canaryActions == 2 && p.guardrails.canaryWindowSeconds == 300)
        #expect(p.quarantineDirectory == "/srv/q")
    }

    @Test func emptyOrMissingSectionIsTheEmbeddedDefault() throws {
        #expect(try PolicyParser.parse(node: nil, file: "config.yaml") == PreventionPolicy())
        #expect(try PolicyParser.parse(yaml: "", file: "p.yaml") == PreventionPolicy())
        let d = PreventionPolicy()
        #expect(d.daemonUnits.contains("postgresql*.service") && d.daemonUnits.contains("php*-fpm.service"))
        #expect(d.protectedFiles.contains("/root/.ssh/authorized_keys"))
        #expect(d.ladder.tempDirectories == ["/tmp", "/var/tmp", "/dev/shm"])
    }

    func error(_ yaml: String) -> String {
        do {
            _ = try PolicyParser.parse(yaml: yaml, file: "p.yaml")
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func errorsNameFileLineColumnAndKey() {
        #expect(error("exec_deny:\n  - path: /bin/x\n  - pth: /bin/y\n")
                == "p.yaml:3:5: exec_deny[1].pth: unknown key (expected one of: comment, dir, level, path, sha256)")
        #expect(error("egress_deny:\n  - cidr: 10.0.0.300/8\n") == "p.yaml:2:11: egress_deny[0].cidr: '10.0.0.300' is not an IPv4 or IPv6 address (e.g. 10.0.0.0/8, fd00::/8)")
        #expect(error("egress_deny:\n  - cidr: 10.0.0.0/8\n    ports: [1,2,3,4,5,6,7,8,9]\n")
                == "p.yaml:3:12: egress_deny[0].ports: at most 8 ports per entry (the kernel's limit); split the entry")
        #expect(error("scopes:\n  - unit: a.service\n    level: 7\n")
                == "p.yaml:3:12: scopes[0].level: unknown level '7' (0-4 or monitor, known-bad, critical, high, lockdown)")
        #expect(error("levl: 1\n").hasPrefix("p.yaml:1:1: levl: unknown key"))
        #expect(error("guardrails:\n  breaker_window: soon\n")
                == "p.yaml:2:19: guardrails.breaker_window: expected a duration such as 90s, 10m, 1h, got 'soon': unknown unit 'soon' (use ms, s, m, h, d or w, e.g. 30m)")
        #expect(error("shells: [bash]\n") == "p.yaml:1:9: shells: expected absolute paths, got 'bash'")
        #expect(error("unit_egress:\n  db.service:\n    rules: []\n") == "p.yaml:3:5: unit_egress.db.service: needs mode: allowlist or denylist")
        #expect(error("exec_deny:\n  - sha256: abc\n") == "p.yaml:2:13: exec_deny[0].sha256: expected 64 hexadecimal digits")
        #expect(error("levels: {temp_exec: 1}\nlevels: {}\n").contains("levels: duplicate key"))
        #expect(error("exec_deny: [\n").hasPrefix("p.yaml:"))
    }
}
