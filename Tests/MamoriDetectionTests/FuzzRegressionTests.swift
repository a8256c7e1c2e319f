import MamoriEvents
@testable import MamoriDetection
import Testing

/// Inputs `make fuzz` found crashing (docs/security.md, fuzzing), kept as regressions.
@Suite struct DetectionFuzzRegressionTests {
    /// FuzzRegex: a counted repeat with a 20-digit bound overflowed Int in the quantifier
    /// parser and trapped; a rule file carrying it would have crashed the agent on reload.
    @Test func hugeRepeatCountDoesNotTrap() {
        var scratch = FastRegex.Scratch()
        let huge = "x{" + String(repeating: "7", count: 60) + "}$"
        let rx = FastRegex(pattern: huge, caseInsensitive: false, multiline: false, dotAll: false)
        // Over the 1000 bound it is not a quantifier (as for x{2000}); matching stays defined.
        #expect(rx?.matches(Array("x{7}".utf8).span, scratch: &scratch) == false)
        let range = FastRegex(pattern: "x{99999999999999999999,99999999999999999999}", caseInsensitive: false,
                              multiline: false, dotAll: false)
        #expect(range?.matches(Array("xx".utf8).span, scratch: &scratch) != true)
        let rule = Fixture.rule("fuzz-huge-repeat", "    sel:\n        CommandLine|re: 'a{99999999999999999999}'\n    condition: sel")
        let h = Harness(rule)
        #expect(!h.fires("/usr/bin/a", ["a", "aaaa"]))
    }
}
