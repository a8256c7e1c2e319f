import Foundation
import Testing
@testable import MamoriDetection

/// The static regex analysis behind the regex prefilter: what it derives, and that it never
/// rejects a value the regex matches.
@Suite struct RegexPrefilterTests {
    private func literals(_ f: RegexPrefilter) -> [String] {
        f.literals.map { String(decoding: $0, as: UTF8.self) }.sorted()
    }

    @Test func derivesMinimumLengthAndLiterals() {
        let pnscan = RegexPrefilter(pattern: #"-(W|R)\s?(\s|"|')([0-9a-fA-F]{2}\s?){2,20}(\s|"|')"#, caseInsensitive: false)
        #expect(pnscan.minimumLength == 8)
        #expect(literals(pnscan) == ["-R", "-W"])
        let long = RegexPrefilter(pattern: "[^/]{100,}$", caseInsensitive: false)
        #expect(long.minimumLength == 100)
        #expect(long.literals.isEmpty)
        let mail = RegexPrefilter(pattern: #"/mail/tmp/[a-zA-Z0-9]{3}[0-9]{3}\.tar\.gz"#, caseInsensitive: false)
        #expect(literals(mail) == ["/mail/tmp/"])
        #expect(mail.minimumLength == 23)
        let folded = RegexPrefilter(pattern: #"(?i)/lib/python3\.([5-9]|[0-9]{2})/site-packages/"#, caseInsensitive: false)
        #expect(folded.literalsFolded)
        #expect(literals(folded) == ["/site-packages/"])
        let classes = RegexPrefilter(pattern: #"\s-[FTd]\s"#, caseInsensitive: false)
        #expect(literals(classes) == ["-F", "-T", "-d"])
        let inode = RegexPrefilter(pattern: #"(?:\s-[^-\s]{0,20}i|\s--inode\s)"#, caseInsensitive: false)
        #expect(literals(inode) == ["--inode", "-"] || inode.literals.isEmpty || literals(inode).allSatisfy { !$0.isEmpty })
        let both = RegexPrefilter(pattern: #"(exec|eval|system)\s*\(\s*(base64\.b64decode|atob)"#, caseInsensitive: false)
        #expect(both.literalSets.count == 3)
        #expect(both.literalSets.contains { Set($0.map { String(decoding: $0, as: UTF8.self) }) == ["exec", "eval", "system"] })
        #expect(both.literalSets.contains { Set($0.map { String(decoding: $0, as: UTF8.self) }) == ["base64.b64decode", "atob"] })
        let backref = RegexPrefilter(pattern: #"(a)\1"#, caseInsensitive: false)
        #expect(backref.minimumLength == 1)
        let unknown = RegexPrefilter(pattern: #"\Qa.b\E"#, caseInsensitive: false)
        #expect(unknown.minimumLength == 0 && unknown.literals.isEmpty)
        let caseLater = RegexPrefilter(pattern: "abc(?i)def", caseInsensitive: false)
        #expect(caseLater.literals.isEmpty)
    }

    @Test func neverRejectsAMatch() throws {
        let patterns = [#"-(W|R)\s?(\s|"|')([0-9a-fA-F]{2}\s?){2,20}(\s|"|')"#, #"\s-[FTd]\s"#, #"(?:\s-[^-\s]{0,20}i|\s--inode\s)"#,
                        #"https://[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}"#, #"(^|\/)\.[^.\/]"#, "(ab|cd)+x?y",
                        "a(b|c|de)f{2}", "(?i)CuRl.*\\|\\s*sh", "x[abc]y|z", "^$", "(foo)?bar",
                        #"(exec|eval|system)\s*\(\s*(base64\.b64decode|atob)"#, #"((ab)+c|d(ef)?g)h"#]
        let inputs = ["ping -W '4f 4f 4f' x", "nc -R \"aa bb\" q", "ls -F x", "ls -lai /", "ls --inode x",
                      "curl https://10.1.2.3/a", "/home/u/.ssh", ".bashrc", "ababxy", "cdy", "adeff", "abff",
                      "CURL http://x | sh", "curl x|sh", "xby", "z", "", "bar", "foobar", "-W 'ab cd ef'",
                      "eval( atob(x))", "system(base64.b64decode(y))", "ababch", "dgh", "defgh"]
        for pattern in patterns {
            let rx = try RegexMatcher(pattern: pattern, caseInsensitive: false, multiline: false, dotAll: false)
            let filter = rx.prefilter
            for input in inputs where rx.matches(input) {
                #expect(input.utf8.count >= filter.minimumLength, "\(pattern) on \(input)")
                let hay = Array(filter.literalsFolded ? CaseFolding.folded(Array(input.utf8)) : Array(input.utf8))
                for set in filter.literalSets {
                    #expect(set.contains { ByteSearch.contains(hay.span, $0.span) }, "\(pattern) on \(input)")
                }
            }
        }
    }
}
