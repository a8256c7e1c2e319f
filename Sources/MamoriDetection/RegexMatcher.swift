import Foundation

/// One compiled `re` value with its prefilter.
///
/// Exists to compile each regex once at load time, to skip evaluation when the prefilter proves
/// the value cannot match, and to match with `FastRegex`, linear in pattern × value size. A
/// pattern outside FastRegex's subset is rejected (the rule does not load): ICU, which rules
/// used to fall back to, backtracks without a time limit (1.5 s on one crafted command line).
/// ICU still validates the syntax, so errors read as before.
/// Sigma regexes are unanchored searches, case-sensitive unless `re|i` or `(?i)`.
final class RegexMatcher: Sendable {
    let pattern: String
    let prefilter: RegexPrefilter
    let fast: FastRegex

    struct Unsupported: Error, CustomStringConvertible {
        var description: String {
            "not supported by the linear-time matcher (lookaround, backreferences, atomic groups, possessive quantifiers, "
                + "Unicode properties, POSIX classes, non-ASCII class members or non-ASCII literals under (?i))"
        }
    }

    /// Throws the ICU error text when the pattern does not compile.
    init(pattern: String, caseInsensitive: Bool, multiline: Bool, dotAll: Bool) throws {
        var options: NSRegularExpression.Options = []
        if caseInsensitive { options.insert(.caseInsensitive) }
        if multiline { options.insert(.anchorsMatchLines) }
        if dotAll { options.insert(.dotMatchesLineSeparators) }
        self.pattern = pattern
        _ = try NSRegularExpression(pattern: pattern, options: options)
        guard let fast = FastRegex(pattern: pattern, caseInsensitive: caseInsensitive, multiline: multiline, dotAll: dotAll) else {
            throw Unsupported()
        }
        self.prefilter = RegexPrefilter(pattern: pattern, caseInsensitive: caseInsensitive)
        self.fast = fast
    }

    /// Whether the regex finds a match anywhere in `value` (UTF-8).
    func matches(_ value: String) -> Bool {
        var scratch = FastRegex.Scratch()
        var copy = value
        return copy.withUTF8 { fast.matches($0.span, scratch: &scratch) }
    }
}
