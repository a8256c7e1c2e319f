import Foundation

/// One compiled `re` value with its prefilter.
///
/// Exists to compile each regex once at load time, to skip evaluation when the prefilter proves
/// the value cannot match, and to use `FastRegex` for the patterns and (ASCII) values it
/// handles. ICU, through NSRegularExpression, covers the rest: on Linux it measured 3-10x faster
/// than Swift `Regex` on the SigmaHQ patterns (see docs/rules.md).
/// Sigma regexes are unanchored searches, case-sensitive unless `re|i` or `(?i)`.
// SAFETY: immutable after init; NSRegularExpression is documented as thread-safe for matching,
// so sharing the instance between the load thread and the worker is sound.
final class RegexMatcher: @unchecked Sendable {
    let pattern: String
    let regex: NSRegularExpression
    let prefilter: RegexPrefilter
    /// The fast matcher when the pattern is in its subset (nil: ICU only).
    let fast: FastRegex?

    /// Throws the ICU error text when the pattern does not compile.
    init(pattern: String, caseInsensitive: Bool, multiline: Bool, dotAll: Bool) throws {
        var options: NSRegularExpression.Options = []
        if caseInsensitive { options.insert(.caseInsensitive) }
        if multiline { options.insert(.anchorsMatchLines) }
        if dotAll { options.insert(.dotMatchesLineSeparators) }
        self.pattern = pattern
        self.regex = try NSRegularExpression(pattern: pattern, options: options)
        self.prefilter = RegexPrefilter(pattern: pattern, caseInsensitive: caseInsensitive)
        self.fast = FastRegex(pattern: pattern, caseInsensitive: caseInsensitive, multiline: multiline, dotAll: dotAll)
    }

    /// Whether the regex finds a match anywhere in `value`.
    func matches(_ value: String) -> Bool {
        regex.firstMatch(in: value, options: [], range: NSRange(location: 0, length: value.utf16.count)) != nil
    }
}
