import Testing
import MamoriDetection

/// Sigma wildcards, escapes and case-insensitive matching.
@Suite struct WildcardTests {
    private func harness(_ value: String, modifier: String = "") -> Harness {
        let h = Harness(Fixture.rule("r", "    sel:\n        CommandLine\(modifier): '\(value)'\n    condition: sel"))
        #expect(h.errors.isEmpty, "\(h.errors)")
        return h
    }

    private func matches(_ h: Harness, _ commandLine: String) -> Bool { h.fires("/bin/x", [commandLine]) }

    @Test func starAndQuestionMark() {
        let h = harness("curl * | *sh")
        #expect(matches(h, "curl http://x | sh"))
        #expect(matches(h, "curl http://x | bash"))
        #expect(!matches(h, "curl http://x > sh"))
        let q = harness("nc -?v*")
        #expect(matches(q, "nc -lvp 4444"))
        #expect(!matches(q, "nc -v 4444"))
        let inner = harness("*/tmp/?.sh*")
        #expect(matches(inner, "sh /tmp/a.sh now"))
        #expect(!matches(inner, "sh /tmp/ab.sh now"))
        let utf8 = harness("caf?")
        #expect(matches(utf8, "café"))
        #expect(!matches(utf8, "cafés"))
        #expect(matches(harness("*"), "anything"))
    }

    @Test func escapes() {
        let star = harness("a\\*b")
        #expect(matches(star, "a*b"))
        #expect(!matches(star, "axb"))
        let question = harness("what\\?")
        #expect(matches(question, "what?"))
        #expect(!matches(question, "whatx"))
        // \\* is a literal backslash followed by a wildcard.
        let backslashStar = harness("c:\\\\*")
        #expect(matches(backslashStar, "c:\\windows"))
        #expect(!matches(backslashStar, "c:/windows"))
        // A backslash before anything else is itself.
        let plain = harness("a\\b")
        #expect(matches(plain, "a\\b"))
        #expect(!matches(plain, "ab"))
        let escapedInContains = harness("\\*", modifier: "|contains")
        #expect(matches(escapedInContains, "ls *.txt"))
        #expect(!matches(escapedInContains, "ls a.txt"))
    }

    @Test func caseInsensitiveByDefault() {
        let h = harness("INVOKE-Mimikatz", modifier: "|contains")
        #expect(matches(h, "pwsh invoke-mimikatz"))
        #expect(matches(h, "PWSH INVOKE-MIMIKATZ"))
        let unicode = harness("ÉTÉ", modifier: "|contains")
        #expect(matches(unicode, "un été chaud"))
        #expect(!matches(unicode, "un ete chaud"))
        let image = Harness(Fixture.rule("r", "    sel:\n        Image|endswith: '/CURL'\n    condition: sel"))
        #expect(image.fires("/usr/bin/curl", []))
        #expect(image.fires("/opt/Curl", []))
        #expect(!image.fires("/usr/bin/curly", []))
    }

    @Test func longNameListsAreLookedUpByBaseName() {
        let h = Harness(Fixture.rule("r", """
                sel:
                    Image|endswith: [/curl, /wget, /nc, /ncat, /socat, /telnet, /openssl]
                exact:
                    Image: [/opt/a/tool, /opt/b/tool2, /usr/bin/x1, /usr/bin/x2, /usr/bin/x3, x4]
                condition: sel or exact
            """))
        #expect(h.errors.isEmpty, "\(h.errors)")
        #expect(h.fires("/usr/bin/curl", []))
        #expect(h.fires("/usr/local/bin/SOCAT", []))
        #expect(!h.fires("/usr/bin/curly", []))
        #expect(!h.fires("curl", []))                 // no slash: does not end with /curl
        #expect(h.fires("/opt/b/tool2", []))
        #expect(!h.fires("/opt/a/tool2", []))         // same base name, other path
        #expect(h.fires("x4", []))
        #expect(!h.fires("/usr/bin/x4", []))
        let ancestors = Harness(Fixture.rule("r", "    sel:\n        AncestorImage|endswith: [/nginx, /apache2, /httpd, /php-fpm, /node, /java]\n    condition: sel"))
        let chain = [Fixture.record(pid: 60, "/bin/sh"), Fixture.record(pid: 50, "/usr/sbin/httpd")]
        #expect(!ancestors.hits(Fixture.exec("/bin/id", []), parent: chain[0], ancestry: chain).isEmpty)
        #expect(ancestors.hits(Fixture.exec("/bin/id", []), parent: chain[0], ancestry: [chain[0]]).isEmpty)
    }

    @Test func keywordsSearchEveryTextField() {
        let h = Harness(Fixture.rule("r", "    keywords:\n        - 'mimikatz'\n        - 'lazagne'\n    condition: keywords"))
        #expect(h.errors.isEmpty)
        #expect(h.fires("/tmp/MimiKatz", []))
        #expect(h.fires("/bin/python3", ["python3", "lazagne.py"]))
        #expect(h.fires("/bin/sh", [], parent: Fixture.record(pid: 50, "/tmp/lazagne")))
        #expect(!h.fires("/bin/ls", ["ls"]))
        let all = Harness(Fixture.rule("r", "    keywords:\n        '|all':\n            - 'socat'\n            - 'exec:'\n    condition: keywords"))
        #expect(all.errors.isEmpty, "\(all.errors)")
        #expect(all.fires("/usr/bin/socat", ["socat", "exec:/bin/sh"]))
        #expect(!all.fires("/usr/bin/socat", ["socat", "tcp:1.2.3.4"]))
        let file = Harness(Fixture.rule("r", category: "file_event", "    keywords: 'authorized_keys'\n    condition: keywords"))
        #expect(!file.hits(Fixture.file(.openWrite, "/root/.ssh/authorized_keys")).isEmpty)
        #expect(file.hits(Fixture.file(.openWrite, "/root/.ssh/known_hosts")).isEmpty)
    }
}
