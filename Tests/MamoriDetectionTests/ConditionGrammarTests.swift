import Testing
import MamoriDetection
import MamoriEvents

/// Condition grammar: precedence, parentheses, quantifiers, `them`.
@Suite struct ConditionGrammarTests {
    /// Three selections on CommandLine tokens a, b, c (plus _u, excluded from `them`).
    private func harness(_ condition: String) -> Harness {
        Harness(Fixture.rule("r", """
                selection_a:
                    CommandLine|contains: ' aa'
                selection_b:
                    CommandLine|contains: ' bb'
                sel_c:
                    CommandLine|contains: ' cc'
                _u:
                    CommandLine|contains: ' uu'
                condition: \(condition)
            """))
    }

    private func fires(_ condition: String, _ tokens: String) -> Bool {
        let h = harness(condition)
        #expect(h.errors.isEmpty, "\(h.errors)")
        return h.fires("/bin/x", ["x"] + tokens.split(separator: " ").map { String($0) + String($0) })
    }

    @Test func orBindsLooserThanAnd() {
        // a or (b and c)
        #expect(fires("selection_a or selection_b and sel_c", "a"))
        #expect(!fires("selection_a or selection_b and sel_c", "b"))
        #expect(fires("selection_a or selection_b and sel_c", "b c"))
        // (a or b) and c
        #expect(!fires("(selection_a or selection_b) and sel_c", "a"))
        #expect(fires("(selection_a or selection_b) and sel_c", "a c"))
    }

    @Test func notBindsTighterThanAnd() {
        // (not a) and b
        #expect(fires("not selection_a and selection_b", "b"))
        #expect(!fires("not selection_a and selection_b", "a b"))
        #expect(!fires("not selection_a and selection_b", "c"))
        // not (a and b)
        #expect(fires("not (selection_a and selection_b)", "c"))
        #expect(!fires("not (selection_a and selection_b)", "a b"))
        #expect(fires("not not selection_a", "a"))
    }

    @Test func nestedParentheses() {
        let c = "((selection_a or sel_c) and not (selection_b or _u))"
        #expect(fires(c, "a"))
        #expect(fires(c, "c"))
        #expect(!fires(c, "a b"))
        #expect(!fires(c, "c u"))
    }

    @Test func quantifiersWithWildcards() {
        #expect(fires("1 of selection_*", "b"))
        #expect(!fires("1 of selection_*", "c"))
        #expect(!fires("all of selection_*", "a"))
        #expect(fires("all of selection_*", "a b"))
        #expect(fires("all of sel*", "a b c"))
        #expect(!fires("all of sel*", "a b"))
        #expect(fires("1 of *_c", "c"))
        #expect(fires("1 of selection_? or 1 of sel_?", "c"))
    }

    @Test func themExcludesUnderscoreSelections() {
        #expect(fires("1 of them", "c"))
        #expect(!fires("1 of them", "u"))
        #expect(fires("all of them", "a b c"))
        #expect(fires("all of them and not _u", "a b c"))
        #expect(!fires("all of them and not _u", "a b c u"))
    }

    @Test func keywordsAreCaseInsensitive() {
        #expect(fires("selection_a AND NOT selection_b", "a"))
        #expect(fires("1 OF selection_* And Not _u", "a"))
    }

    @Test func conditionListIsOr() {
        let h = Harness(Fixture.rule("r", """
                a:
                    Image|endswith: /aa
                b:
                    Image|endswith: /bb
                condition:
                    - a
                    - b
            """))
        #expect(h.errors.isEmpty)
        #expect(h.fires("/bin/aa", []))
        #expect(h.fires("/bin/bb", []))
        #expect(!h.fires("/bin/cc", []))
    }
}
