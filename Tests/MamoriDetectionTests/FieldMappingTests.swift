import Testing
import MamoriDetection
import MamoriEvents
import MamoriProcess

/// Sigma field names mapped onto exec, network and file events, plus Mamori's extra fields.
@Suite struct FieldMappingTests {
    private func one(_ category: String, _ selection: String) -> Harness {
        let h = Harness(Fixture.rule("r", category: category, "    sel:\n\(selection)\n    condition: sel"))
        #expect(h.errors.isEmpty, "\(h.errors)")
        return h
    }

    @Test func processCreationFields() {
        let parent = Fixture.record(pid: 50, "/usr/sbin/nginx", ["nginx: worker process"], uid: 33)
        let exec = Fixture.exec("/bin/sh", ["sh", "-c", "id"], pid: 100, ppid: 50, cwd: "/var/www", uid: 33, loginUid: nil)
        let cases: [(String, Bool)] = [
            ("        Image: /bin/sh", true), ("        Image: /bin/bash", false),
            ("        CommandLine: 'sh -c id'", true), ("        CommandLine: 'sh -c'", false),
            ("        ParentImage|endswith: /nginx", true), ("        ParentImage|endswith: /apache2", false),
            ("        ParentCommandLine|contains: worker", true), ("        ParentCommandLine|contains: master", false),
            ("        CurrentDirectory: /var/www", true), ("        CurrentDirectory: /var", false),
            ("        User: www-data", true), ("        User: root", false),
            ("        ParentUser: www-data", true), ("        ParentUser: alice", false),
            ("        LogonId: 4294967295", true), ("        LogonId: 0", false),
            ("        ProcessId: 100", true), ("        ProcessId: 101", false),
            ("        ParentProcessId: 50", true), ("        ParentProcessId|gt: 50", false),
        ]
        for (selection, expected) in cases {
            let h = one("process_creation", selection)
            #expect(!h.hits(exec, parent: parent).isEmpty == expected, "\(selection)")
        }
    }

    @Test func unknownUserIsItsNumber() {
        let h = one("process_creation", "        User: '4242'")
        #expect(!h.hits(Fixture.exec("/bin/x", [], uid: 4242)).isEmpty)
    }

    @Test func networkConnectionFields() {
        let curl = Fixture.record(pid: 100, "/usr/bin/curl", ["curl", "http://1.2.3.4"], uid: 1000)
        let connect = Fixture.network(.connect, to: Fixture.ipv4("1.2.3.4"), port: 443, proto: 6,
                                      from: Fixture.ipv4("10.0.0.5"), sourcePort: 51000, uid: 1000)
        let accept = Fixture.network(.accept, to: Fixture.ipv4("10.0.0.5"), port: 22)
        let udp = Fixture.network(.send, to: Fixture.ipv6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 53]), port: 53, proto: 17)
        let cases: [(String, SensorEvent, Bool)] = [
            ("        Initiated: 'true'", connect, true), ("        Initiated: 'true'", accept, false),
            ("        Initiated: 'false'", accept, true),
            ("        Protocol: tcp", connect, true), ("        Protocol: udp", udp, true), ("        Protocol: udp", connect, false),
            ("        DestinationIp: 1.2.3.4", connect, true), ("        DestinationIp: 1.2.3.5", connect, false),
            ("        DestinationIp|startswith: '2001:db8::'", udp, true),
            ("        DestinationPort: 443", connect, true), ("        DestinationPort: 80", connect, false),
            ("        SourceIp: 10.0.0.5", connect, true), ("        SourcePort|gte: 50000", connect, true),
            ("        DestinationIsIpv6: 'true'", udp, true), ("        DestinationIsIpv6: 'true'", connect, false),
            ("        Image|endswith: /curl", connect, true), ("        CommandLine|contains: '1.2.3.4'", connect, true),
            ("        User: alice", connect, true), ("        User: root", connect, false),
        ]
        for (selection, event, expected) in cases {
            let h = one("network_connection", selection)
            #expect(!h.hits(event, process: curl).isEmpty == expected, "\(selection)")
        }
        // listen is not a connection.
        let any = one("network_connection", "        DestinationPort|gte: 0")
        #expect(any.hits(Fixture.network(.listen, to: Fixture.ipv4("0.0.0.0"), port: 8080)).isEmpty)
    }

    @Test func fileCategories() {
        let h = Harness(
            Fixture.rule("event", category: "file_event", "    sel:\n        TargetFilename|startswith: /etc/\n    condition: sel"),
            Fixture.rule("delete", category: "file_delete", "    sel:\n        TargetFilename|startswith: /etc/\n    condition: sel"),
            Fixture.rule("rename", category: "file_rename", "    sel:\n        SourceFilename|startswith: /tmp/\n        TargetFilename|startswith: /etc/\n    condition: sel"),
            Fixture.rule("change", category: "file_change", "    sel:\n        TargetFilename|startswith: /etc/\n    condition: sel"))
        #expect(h.errors.isEmpty, "\(h.errors)")
        #expect(h.ids(Fixture.file(.create, "/etc/cron.d/x")) == ["event"])
        #expect(h.ids(Fixture.file(.openWrite, "/etc/passwd")) == ["change", "event"])
        #expect(h.ids(Fixture.file(.truncate, "/etc/passwd")) == ["change", "event"])
        #expect(h.ids(Fixture.file(.chmod, "/etc/passwd", mode: 0o777)) == ["change", "event"])
        #expect(h.ids(Fixture.file(.unlink, "/etc/passwd")) == ["delete"])
        #expect(h.ids(Fixture.file(.rename, "/tmp/x", target: "/etc/sudoers.d/x")) == ["event", "rename"])
        #expect(h.ids(Fixture.file(.rename, "/etc/x", target: "/tmp/x")) == [])
        #expect(h.ids(Fixture.file(.openRead, "/etc/shadow")) == [])
    }

    @Test func fileOperationModeAndExecutable() {
        let h = one("file_event", "        FileOperation: chmod\n        FileExecutable: 'true'\n        FileMode|endswith: '755'")
        #expect(!h.hits(Fixture.file(.chmod, "/tmp/x", mode: 0o100755)).isEmpty)
        #expect(h.hits(Fixture.file(.chmod, "/tmp/x", mode: 0o644)).isEmpty)
        #expect(h.hits(Fixture.file(.create, "/tmp/x", mode: 0o755)).isEmpty)
    }

    @Test func ancestorFieldsMatchAnyAncestor() {
        let chain = [Fixture.record(pid: 60, "/bin/bash", ["bash"]),
                     Fixture.record(pid: 50, "/usr/sbin/nginx", ["nginx: master process"], unit: "nginx.service"),
                     Fixture.record(pid: 1, "/sbin/init")]
        let exec = Fixture.exec("/usr/bin/id", ["id"], ppid: 60)
        let image = one("process_creation", "        AncestorImage|endswith: /nginx")
        #expect(!image.hits(exec, parent: chain[0], ancestry: chain).isEmpty)
        #expect(image.hits(exec, parent: chain[0], ancestry: Array(chain.prefix(1))).isEmpty)
        let parentOnly = one("process_creation", "        ParentImage|endswith: /nginx")
        #expect(parentOnly.hits(exec, parent: chain[0], ancestry: chain).isEmpty)
        let cli = one("process_creation", "        AncestorCommandLine|contains|all:\n            - nginx\n            - master")
        #expect(!cli.hits(exec, parent: chain[0], ancestry: chain).isEmpty)
        let noneAllInOne = one("process_creation", "        AncestorCommandLine|contains|all:\n            - bash\n            - master")
        #expect(noneAllInOne.hits(exec, parent: chain[0], ancestry: chain).isEmpty)
        let unit = one("process_creation", "        AncestorUnit: nginx.service")
        #expect(!unit.hits(exec, parent: chain[0], ancestry: chain).isEmpty)
        #expect(unit.hits(exec, parent: chain[0], ancestry: [chain[0], chain[2]]).isEmpty)
        let own = one("process_creation", "        ProcessUnit: cron.service")
        #expect(!own.hits(exec, process: Fixture.record(pid: 100, "/usr/bin/id", unit: "cron.service")).isEmpty)
        #expect(own.hits(exec, process: Fixture.record(pid: 100, "/usr/bin/id")).isEmpty)
    }

    /// `LineageAncestor*` stop at the lineage root (session leader or service main process):
    /// a `make` above a new session (`make test` → setsid bash → id) is outside the session's
    /// lineage, a `make` inside it (make → sh → uname, one session) is not.
    @Test func lineageAncestorFieldsStopAtTheLineageRoot() {
        let make = Fixture.record(pid: 40, "/usr/bin/make", ["make", "test"], ppid: 30, session: 30)
        let login = Fixture.record(pid: 30, "/bin/bash", ["-bash"], ppid: 1, session: 30)
        let init1 = Fixture.record(pid: 1, "/sbin/init")
        let image = one("process_creation", "        LineageAncestorImage|endswith: /make")
        let cli = one("process_creation", "        LineageAncestorCommandLine|contains: 'make test'")
        let whole = one("process_creation", "        AncestorImage|endswith: /make")

        // A new session under make: its leader is the lineage root; make is above it.
        let leader = Fixture.record(pid: 60, "/bin/bash", ["bash", "-c", "id"], ppid: 50, session: 60)
        let setsid = Fixture.record(pid: 50, "/usr/bin/setsid", ["setsid", "bash"], ppid: 40, session: 30)
        let inNewSession = [leader, setsid, make, login, init1]
        let id = Fixture.record(pid: 70, "/usr/bin/id", ["id"], ppid: 60, session: 60)
        let exec = Fixture.exec("/usr/bin/id", ["id"], pid: 70, ppid: 60)
        #expect(image.hits(exec, process: id, parent: leader, ancestry: inNewSession).isEmpty)
        #expect(cli.hits(exec, process: id, parent: leader, ancestry: inNewSession).isEmpty)
        #expect(!whole.hits(exec, process: id, parent: leader, ancestry: inNewSession).isEmpty)

        // make's own recipe shell, in make's session: make is inside the lineage.
        let recipe = Fixture.record(pid: 45, "/bin/sh", ["/bin/sh", "-c", "uname -a"], ppid: 40, session: 30)
        let uname = Fixture.record(pid: 46, "/usr/bin/uname", ["uname", "-a"], ppid: 45, session: 30)
        let execUname = Fixture.exec("/usr/bin/uname", ["uname", "-a"], pid: 46, ppid: 45)
        let inBuild = [recipe, make, login, init1]
        #expect(!image.hits(execUname, process: uname, parent: recipe, ancestry: inBuild).isEmpty)
        #expect(!cli.hits(execUname, process: uname, parent: recipe, ancestry: inBuild).isEmpty)

        // The session leader itself has no ancestor in its lineage.
        let execLeader = Fixture.exec("/bin/bash", ["bash", "-c", "id"], pid: 60, ppid: 50)
        #expect(image.hits(execLeader, process: leader, parent: setsid, ancestry: [setsid, make, login, init1]).isEmpty)
        // A service's processes: the lineage ends at the unit's main process (its parent is pid 1).
        let main = Fixture.record(pid: 80, "/usr/bin/make", ["make", "-C", "/srv/app", "serve"], ppid: 1, unit: "app.service")
        let worker = Fixture.record(pid: 81, "/bin/sh", ["sh"], ppid: 80, unit: "app.service")
        let execWorker = Fixture.exec("/usr/bin/ps", ["ps"], pid: 82, ppid: 81)
        let ps = Fixture.record(pid: 82, "/usr/bin/ps", ["ps"], ppid: 81, unit: "app.service")
        #expect(!image.hits(execWorker, process: ps, parent: worker, ancestry: [worker, main, init1]).isEmpty)
    }

    @Test func stdioTypesComeFromTheInjectedReader() {
        let rule = Fixture.rule("revshell", "    sel:\n        Image|endswith: [/sh, /bash]\n        StdinType: socket\n        StdoutType: socket\n    condition: sel")
        let reader: StdioReader = { exec in
            exec.args.contains("net") ? StdioKinds(stdin: .socket, stdout: .socket, stderr: .socket)
                                      : StdioKinds(stdin: .tty, stdout: .tty, stderr: .tty)
        }
        let h = Harness(rule, stdio: reader)
        #expect(h.errors.isEmpty, "\(h.errors)")
        #expect(h.fires("/bin/bash", ["bash", "net"]))
        #expect(!h.fires("/bin/bash", ["bash", "-i"]))
        let unknown = Harness(rule)
        #expect(!unknown.fires("/bin/bash", ["bash", "net"]))
    }

    @Test func unavailableFieldsDegradeTheRule() {
        let h = Harness(Fixture.rule("r", "    sel:\n        OriginalFileName: 'x.exe'\n    other:\n        Image|endswith: /x\n    condition: sel or other"))
        #expect(h.report.degradedCount == 1)
        #expect(h.report.outcomes[0].reasons == ["field 'OriginalFileName' is not available on Linux (never matches)"])
        #expect(h.fires("/bin/x", []))
        // Only in a filter: the rule keeps its logic, so it is not degraded.
        let filter = Harness(Fixture.rule("r", "    sel:\n        Image|endswith: /x\n    f:\n        Product: y\n    condition: sel and not f"))
        #expect(filter.report.loadedCount == 1)
        #expect(filter.fires("/bin/x", []))
    }

    @Test func unknownFieldsAreErrorsForOwnRulesAndWarningsForSigma() {
        let rule = Fixture.rule("r", "    sel:\n        Imagee|endswith: /x\n    condition: sel")
        let own = Harness(rule)
        #expect(own.errors == ["rule0.yml:8:9: unknown field 'Imagee' for process_creation (see docs/rules.md for the supported fields)"])
        let sigma = Harness(rule, origin: .sigma)
        #expect(sigma.report.degradedCount == 1)
        #expect(sigma.report.diagnostics.map(\.severity) == [.warning])
        let wrongCategory = Harness(Fixture.rule("r", "    sel:\n        DestinationPort: 1\n    condition: sel"))
        #expect(wrongCategory.errors.first?.contains("not available in process_creation") == true)
    }
}
