/// A conservative static analysis of a regular expression: the minimum length of any match and
/// a set of literals one of which every match contains.
///
/// Exists because ICU regexes cost 0.5–5 µs per evaluation on Linux, while most events cannot
/// possibly match (`[^/]{100,}$` on a 30-byte path, `-(W|R)...` on a command line with neither
/// `-W` nor `-R`). Anything the analysis does not fully understand yields no filtering
/// (minimum 0, no literals), so it can only skip evaluations that would have failed.
/// Build-time only; any thread.
struct RegexPrefilter: Equatable, Sendable {
    /// No match is shorter than this many code points (so than this many UTF-8 bytes).
    var minimumLength = 0
    /// Sets of literals; every match contains a member of each set (UTF-8; case-folded when
    /// `literalsFolded`). The most selective set comes first.
    var literalSets: [[[UInt8]]] = []
    var literalsFolded = false

    /// The most selective literal set (empty when there is none).
    var literals: [[UInt8]] { literalSets.first ?? [] }

    /// At most this many sets are checked per evaluation.
    static let maxSets = 3

    init(pattern: String, caseInsensitive: Bool) {
        var parser = Parser(Array(pattern.unicodeScalars))
        guard let node = parser.parseAlternation(), parser.atEnd, !parser.unsure else { return }
        minimumLength = node.minimum
        guard !parser.sawFlags || parser.leadingCaseFlagOnly else { return }
        let folded = caseInsensitive || parser.leadingCaseInsensitive
        let sets = node.required.sorted { Node.score($0) > Node.score($1) }.prefix(RegexPrefilter.maxSets)
        literalSets = sets.map { set in
            set.map { alternative in
                let bytes = Array(String(String.UnicodeScalarView(alternative)).utf8)
                return folded ? CaseFolding.folded(bytes) : bytes
            }
        }
        literalsFolded = folded
    }

    /// Candidate literal sets are kept only while small.
    static let maxAlternatives = 16

    /// What the analysis knows about a fragment.
    struct Node {
        var minimum: Int
        /// Every string the fragment can match, when that set is small and finite.
        var exact: [[Unicode.Scalar]]?
        /// The best set of which every match contains one member.
        var bestRequired: [[Unicode.Scalar]]?
        /// Every such set found (all hold at once).
        var required: [[[Unicode.Scalar]]] = []

        static func score(_ set: [[Unicode.Scalar]]) -> Int {
            (set.map(\.count).min() ?? 0) * 16 - set.count
        }

        mutating func consider(_ candidate: [[Unicode.Scalar]]?) {
            guard let candidate, !candidate.isEmpty, candidate.allSatisfy({ !$0.isEmpty }) else { return }
            if !required.contains(candidate) { required.append(candidate) }
            if bestRequired == nil || Node.score(candidate) > Node.score(bestRequired!) { bestRequired = candidate }
        }
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
            var node = Node(minimum: alternatives.map(\.minimum).min() ?? 0, exact: nil, bestRequired: nil)
            // Exact strings of every branch, or a required set of every branch, united.
            if alternatives.allSatisfy({ $0.exact != nil }) {
                let all = alternatives.flatMap { $0.exact! }
                if all.count <= RegexPrefilter.maxAlternatives { node.exact = all }
            }
            let sets = alternatives.map { alt -> [[Unicode.Scalar]]? in
                var best = alt.bestRequired
                if let exact = alt.exact, exact.allSatisfy({ !$0.isEmpty }),
                   best == nil || Node.score(exact) > Node.score(best!) { best = exact }
                return best
            }
            if sets.allSatisfy({ $0 != nil }) {
                let union = sets.flatMap { $0! }
                if union.count <= RegexPrefilter.maxAlternatives { node.consider(union) }
            }
            return node
        }

        mutating func parseSequence() -> Node? {
            var total = 0
            var node = Node(minimum: 0, exact: nil, bestRequired: nil)
            var product: [[Unicode.Scalar]] = [[]]
            var wholeIsExact = true
            func finish() {
                node.consider(product)
                product = [[]]
            }
            while i < s.count, s[i] != "|", s[i] != ")" {
                guard let atom = parseAtom() else { return nil }
                let (lo, quantified) = parseQuantifier()
                if unsure { return nil }
                total += atom.minimum * lo
                if lo >= 1 { for set in atom.required { node.consider(set) } }   // an optional atom requires nothing
                if !quantified, let exact = atom.exact, product.count * exact.count <= RegexPrefilter.maxAlternatives {
                    product = product.flatMap { p in exact.map { p + $0 } }
                    continue
                }
                wholeIsExact = false
                if !quantified, let exact = atom.exact {
                    finish()
                    product = exact
                    continue
                }
                if quantified, lo >= 1, let exact = atom.exact, product.count * exact.count <= RegexPrefilter.maxAlternatives {
                    product = product.flatMap { p in exact.map { p + $0 } }
                }
                finish()
            }
            if wholeIsExact { node.exact = product }
            finish()
            node.minimum = total
            return node
        }

        mutating func parseAtom() -> Node? {
            let c = s[i]
            i += 1
            let any = Node(minimum: 1, exact: nil, bestRequired: nil)
            let empty = Node(minimum: 0, exact: [[]], bestRequired: nil)
            switch c {
            case ".": return any
            case "^", "$": return empty
            case "[": return parseClass()
            case "(": return parseGroup()
            case "\\":
                guard i < s.count else { unsure = true; return nil }
                let e = s[i]
                i += 1
                switch e {
                case "d", "D", "w", "W", "s", "S", "h", "H", "v", "V", "R", "X", "N", "n", "t", "r", "f", "e", "a":
                    return any
                case "b", "B", "A", "z", "Z", "G": return empty
                case "p", "P":
                    if i < s.count, s[i] == "{" { while i < s.count, s[i] != "}" { i += 1 }; i += 1 } else { i += 1 }
                    return any
                case "1"..."9": return Node(minimum: 0, exact: nil, bestRequired: nil)
                default:
                    if e.properties.isAlphabetic || e.properties.numericType != nil { unsure = true; return nil }
                    return Node(minimum: 1, exact: [[e]], bestRequired: nil)
                }
            case "*", "+", "?", "{", ")", "|":
                unsure = true; return nil
            default:
                return Node(minimum: 1, exact: [[c]], bestRequired: nil)
            }
        }

        /// A bracket expression (`[` consumed): exact when it lists at most four plain characters.
        mutating func parseClass() -> Node? {
            var members: [Unicode.Scalar] = []
            var plain = true
            if i < s.count, s[i] == "^" { plain = false; i += 1 }
            var first = true
            while i < s.count {
                let c = s[i]
                if c == "]" && !first { i += 1; return Node(minimum: 1, exact: plain && members.count <= 4 ? members.map { [$0] } : nil, bestRequired: nil) }
                first = false
                switch c {
                case "\\":
                    guard i + 1 < s.count else { unsure = true; return nil }
                    let e = s[i + 1]
                    if e.properties.isAlphabetic || e.properties.numericType != nil { plain = false } else { members.append(e) }
                    i += 2
                case "[", "-", "&":
                    plain = false; i += 1
                    if c == "[" { unsure = true; return nil }
                default:
                    members.append(c); i += 1
                }
            }
            unsure = true
            return nil
        }

        mutating func parseGroup() -> Node? {
            let zeroWidth = Node(minimum: 0, exact: [[]], bestRequired: nil)
            if consume("?") {
                guard i < s.count else { unsure = true; return nil }
                switch s[i] {
                case ":": i += 1
                case ">": unsure = true; return nil
                case "=", "!":
                    i += 1
                    guard parseAlternation() != nil, consume(")") else { unsure = true; return nil }
                    return zeroWidth
                case "<":
                    i += 1
                    if i < s.count, s[i] == "=" || s[i] == "!" {
                        i += 1
                        guard parseAlternation() != nil, consume(")") else { unsure = true; return nil }
                        return zeroWidth
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
                        return zeroWidth
                    }
                    sawFlags = true
                    leadingCaseFlagOnly = false
                    guard consume(":") else { unsure = true; return nil }
                }
            }
            guard let inner = parseAlternation(), consume(")") else { unsure = true; return nil }
            return inner
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
