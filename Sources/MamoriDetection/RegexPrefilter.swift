/// A conservative static analysis of a regular expression: the minimum length of any match and
/// the longest literal every match must contain.
///
/// Exists because ICU regexes cost 0.5–5 µs per evaluation on Linux, while most events cannot
/// possibly match (`[^/]{100,}$` on a 30-byte path, `/mail/tmp/...` on an unrelated path).
/// Anything the analysis does not fully understand yields no filtering (minimum 0, no literal),
/// so it can only skip evaluations that would have failed. Build-time only; any thread.
struct RegexPrefilter: Equatable, Sendable {
    /// No match is shorter than this many code points (so than this many UTF-8 bytes).
    var minimumLength: Int = 0
    /// A literal every match contains, as UTF-8; case-folded when `literalFolded`.
    var literal: [UInt8] = []
    var literalFolded = false

    init(pattern: String, caseInsensitive: Bool) {
        var parser = Parser(Array(pattern.unicodeScalars))
        guard let node = parser.parseAlternation(), parser.atEnd, !parser.unsure else { return }
        minimumLength = node.minimum
        guard !parser.sawFlags || parser.leadingCaseFlagOnly else { return }
        let folded = caseInsensitive || parser.leadingCaseInsensitive
        let run = node.requiredRun
        if run.count >= 2 {
            let bytes = Array(String(String.UnicodeScalarView(run)).utf8)
            literal = folded ? CaseFolding.folded(bytes) : bytes
            literalFolded = folded
        }
    }

    /// A parsed fragment: its minimum length and the longest literal run it always contains.
    private struct Node {
        var minimum: Int
        var requiredRun: [Unicode.Scalar]
    }

    private struct Parser {
        let s: [Unicode.Scalar]
        var i = 0
        var unsure = false
        var sawFlags = false
        var leadingCaseFlagOnly = false
        var leadingCaseInsensitive = false

        init(_ s: [Unicode.Scalar]) { self.s = s }

        var atEnd: Bool { i >= s.count }

        mutating func parseAlternation() -> Node? {
            var alternatives: [Node] = []
            repeat {
                guard let seq = parseSequence() else { return nil }
                alternatives.append(seq)
            } while consume("|")
            if alternatives.count == 1 { return alternatives[0] }
            return Node(minimum: alternatives.map(\.minimum).min() ?? 0, requiredRun: [])
        }

        mutating func parseSequence() -> Node? {
            var total = 0
            var best: [Unicode.Scalar] = []
            var run: [Unicode.Scalar] = []
            func endRun() { if run.count > best.count { best = run }; run = [] }
            while i < s.count, s[i] != "|", s[i] != ")" {
                guard let atom = parseAtom() else { return nil }
                let (lo, quantified) = parseQuantifier()
                if unsure { return nil }
                total += atom.minimum * lo
                if let c = atom.literalChar {
                    if !quantified {
                        run.append(c)
                    } else {
                        if lo >= 1 { run.append(c) }
                        endRun()
                    }
                } else {
                    endRun()
                    if lo >= 1 && atom.inner.count > best.count { best = atom.inner }
                }
            }
            endRun()
            return Node(minimum: total, requiredRun: best)
        }

        struct Atom {
            var minimum: Int
            var literalChar: Unicode.Scalar?
            var inner: [Unicode.Scalar] = []
        }

        mutating func parseAtom() -> Atom? {
            let c = s[i]
            i += 1
            switch c {
            case ".": return Atom(minimum: 1, literalChar: nil)
            case "^", "$": return Atom(minimum: 0, literalChar: nil)
            case "[":
                return skipClass() ? Atom(minimum: 1, literalChar: nil) : nil
            case "(":
                return parseGroup()
            case "\\":
                guard i < s.count else { unsure = true; return nil }
                let e = s[i]
                i += 1
                switch e {
                case "d", "D", "w", "W", "s", "S", "h", "H", "v", "V", "R", "X", "N":
                    return Atom(minimum: 1, literalChar: nil)
                case "b", "B", "A", "z", "Z", "G":
                    return Atom(minimum: 0, literalChar: nil)
                case "p", "P":
                    if i < s.count, s[i] == "{" { while i < s.count, s[i] != "}" { i += 1 }; i += 1 } else { i += 1 }
                    return Atom(minimum: 1, literalChar: nil)
                case "x", "u", "0", "c", "o", "Q", "E", "k":
                    unsure = true; return nil
                case "1"..."9":
                    return Atom(minimum: 0, literalChar: nil)
                case "n", "t", "r", "f", "e", "a":
                    return Atom(minimum: 1, literalChar: nil)
                default:
                    if e.properties.isAlphabetic { unsure = true; return nil }
                    return Atom(minimum: 1, literalChar: e)
                }
            case "*", "+", "?", "{", ")", "|":
                unsure = true; return nil
            default:
                return Atom(minimum: 1, literalChar: c)
            }
        }

        mutating func parseGroup() -> Atom? {
            if consume("?") {
                guard i < s.count else { unsure = true; return nil }
                switch s[i] {
                case ":", ">": i += 1
                case "=", "!":
                    i += 1
                    guard parseAlternation() != nil, consume(")") else { unsure = true; return nil }
                    return Atom(minimum: 0, literalChar: nil)
                case "<":
                    i += 1
                    if i < s.count, s[i] == "=" || s[i] == "!" {
                        i += 1
                        guard parseAlternation() != nil, consume(")") else { unsure = true; return nil }
                        return Atom(minimum: 0, literalChar: nil)
                    }
                    while i < s.count, s[i] != ">" { i += 1 }
                    i += 1
                case "P":
                    i += 1
                    guard consume("<") else { unsure = true; return nil }
                    while i < s.count, s[i] != ">" { i += 1 }
                    i += 1
                default:
                    // Inline flags: (?i) (?im) (?-i) or scoped (?i:...).
                    let flagStart = i
                    while i < s.count, "imsxwu-".unicodeScalars.contains(s[i]) { i += 1 }
                    let flags = String(String.UnicodeScalarView(s[flagStart..<i]))
                    if flags.contains("x") { unsure = true; return nil }
                    if consume(")") {
                        if flagStart == 2 && flags == "i" && !sawFlags {
                            leadingCaseInsensitive = true; leadingCaseFlagOnly = true
                        } else {
                            leadingCaseFlagOnly = false
                        }
                        sawFlags = true
                        return Atom(minimum: 0, literalChar: nil)
                    }
                    sawFlags = true
                    leadingCaseFlagOnly = false
                    guard consume(":") else { unsure = true; return nil }
                }
            }
            guard let inner = parseAlternation(), consume(")") else { unsure = true; return nil }
            return Atom(minimum: inner.minimum, literalChar: nil, inner: inner.requiredRun)
        }

        /// Skips a bracket expression; `[` already consumed.
        mutating func skipClass() -> Bool {
            var depth = 1
            if i < s.count, s[i] == "^" { i += 1 }
            if i < s.count, s[i] == "]" { i += 1 }
            while i < s.count {
                switch s[i] {
                case "\\": i += 2
                case "[": depth += 1; i += 1
                case "]":
                    depth -= 1; i += 1
                    if depth == 0 { return true }
                default: i += 1
                }
            }
            unsure = true
            return false
        }

        /// Returns the minimum repeat count and whether a quantifier was present.
        mutating func parseQuantifier() -> (Int, Bool) {
            guard i < s.count else { return (1, false) }
            var lo = 1
            switch s[i] {
            case "*": lo = 0; i += 1
            case "+": lo = 1; i += 1
            case "?": lo = 0; i += 1
            case "{":
                var j = i + 1
                var digits = ""
                while j < s.count, s[j].properties.numericType != nil { digits.unicodeScalars.append(s[j]); j += 1 }
                guard let n = Int(digits), j < s.count, s[j] == "," || s[j] == "}" else { return (1, false) }
                while j < s.count, s[j] != "}" { j += 1 }
                guard j < s.count else { unsure = true; return (1, false) }
                i = j + 1
                lo = n
            default:
                return (1, false)
            }
            if i < s.count, s[i] == "?" || s[i] == "+" { i += 1 }
            return (lo, true)
        }

        mutating func consume(_ c: Unicode.Scalar) -> Bool {
            if i < s.count, s[i] == c { i += 1; return true }
            return false
        }
    }
}
