/// A small regular-expression matcher for the subset Sigma rules use, over ASCII text.
///
/// Exists because ICU costs about a microsecond per evaluation on Linux (String bridging,
/// UTF-16 conversion, a general engine), which dominated rules built on regexes. Rules only ask
/// *whether* a match exists, so group priorities, greediness and captures do not matter: the
/// pattern compiles to a few instructions run by a backtracking search that remembers every
/// (instruction, position) it has already explored, so it is linear in program × text size and
/// cannot blow up on pathological patterns.
///
/// Supported: literals and escaped punctuation, `.`, classes with ranges and `\d \w \s` (and
/// negations), groups (capturing, `(?:`, named), `|`, `* + ?` and `{n}`, `{n,}`, `{n,m}` (lazy
/// forms too), `^ $ \A \z \Z \b \B`, a leading `(?i)` and the `i`/`m`/`s` options — with ICU's
/// ASCII semantics, checked against ICU by `FastRegexTests` (`\s` is tab, line feed, vertical
/// tab, form feed, carriage return and space; the line terminators that stop `.` and anchor
/// `^`/`$` are line feed, vertical tab, form feed and carriage return, `\r\n` counting as one). Anything else (lookaround, backreferences, possessive quantifiers, Unicode
/// properties, non-ASCII patterns) makes `init` fail, and non-ASCII input makes `matches` return
/// nil: the caller then uses ICU. Immutable after init; any thread may match.
final class FastRegex: Sendable {
    private enum Inst: Sendable {
        case byte(UInt8)
        case set(Int)            // index into `sets`
        case any                 // `.` (line terminators excluded unless dotAll)
        case split(Int, Int)
        case jump(Int)
        case assert(Assertion)
        case match
    }

    private enum Assertion: Sendable { case lineStart, lineEnd, textStart, textEnd, textEndOrFinalNewline, wordBoundary, notWordBoundary }

    private let program: [Inst]
    /// 128-bit membership per class (ASCII).
    private let sets: [(UInt64, UInt64)]
    private let dotAll: Bool
    /// Bytes a match can start with (start positions with another byte are skipped), or nil
    /// when a match can start anywhere (the pattern can match the empty string, or starts with
    /// `.`).
    private let firstBytes: (UInt64, UInt64)?
    /// The pattern starts with `^` (or `\A`) outside multiline mode: only position 0 can start a match.
    private let anchored: Bool

    /// Programs (after expanding counted repetition) larger than this go to ICU.
    static let maxProgram = 4000
    /// Memo tables larger than this many bits go to ICU.
    static let maxMemoBits = 1 << 20

    init?(pattern: String, caseInsensitive: Bool, multiline: Bool, dotAll: Bool) {
        var chars = Array(pattern.utf8)
        guard chars.allSatisfy({ $0 < 0x80 }) else { return nil }
        var ignoreCase = caseInsensitive
        if chars.starts(with: Array("(?i)".utf8)) { ignoreCase = true; chars.removeFirst(4) }
        var parser = Parser(chars, ignoreCase: ignoreCase, multiline: multiline)
        guard let node = parser.parseAlternation(), parser.i == chars.count else { return nil }
        var compiler = Compiler()
        compiler.emit(node)
        compiler.program.append(.match)
        guard compiler.program.count <= FastRegex.maxProgram else { return nil }
        program = compiler.program
        sets = parser.sets
        self.dotAll = dotAll
        firstBytes = FastRegex.firstBytes(compiler.program, parser.sets)
        if case .assert(.textStart) = compiler.program[0] { anchored = true } else { anchored = false }
    }

    /// The union of the bytes the instructions reachable from the start without consuming
    /// input accept; nil when `.` or the match itself is reachable that way.
    private static func firstBytes(_ program: [Inst], _ sets: [(UInt64, UInt64)]) -> (UInt64, UInt64)? {
        var result = (UInt64(0), UInt64(0))
        var seen = Set<Int>()
        var work = [0]
        while let pc = work.popLast() {
            guard seen.insert(pc).inserted else { continue }
            switch program[pc] {
            case .byte(let b): Parser.add(b, &result)
            case .set(let s): result = (result.0 | sets[s].0, result.1 | sets[s].1)
            case .any, .match: return nil
            case .assert: work.append(pc + 1)   // zero-width: the first byte comes after it
            case .jump(let t): work.append(t)
            case .split(let a, let b): work.append(a); work.append(b)
            }
        }
        return result
    }

    /// Reusable buffers of one thread's matches.
    struct Scratch {
        var memo: [UInt64] = []
        var stack: [(pc: Int, pos: Int)] = []
    }

    /// Whether the pattern matches anywhere in `text`; nil when the text is not ASCII or too
    /// large for the memo (use ICU then).
    func matches(_ text: Span<UInt8>, scratch: inout Scratch) -> Bool? {
        let n = text.count
        var i = 0
        while i < n {
            if text[i] >= 0x80 { return nil }
            i += 1
        }
        let width = n + 1
        let bits = program.count * width
        guard bits <= FastRegex.maxMemoBits else { return nil }
        let words = (bits + 63) >> 6
        if scratch.memo.count < words { scratch.memo = [UInt64](repeating: 0, count: words) }
        for w in 0..<words { scratch.memo[w] = 0 }
        scratch.stack.removeAll(keepingCapacity: true)
        for start in 0...(anchored ? 0 : n) {
            if let first = firstBytes {
                guard start < n, FastRegex.contains(first, text[start]) else { continue }
            }
            scratch.stack.append((0, start))
            while let (pc0, pos0) = scratch.stack.popLast() {
                var pc = pc0, pos = pos0
                while true {
                    let bit = pc * width + pos
                    if scratch.memo[bit >> 6] & (1 << UInt64(bit & 63)) != 0 { break }
                    scratch.memo[bit >> 6] |= 1 << UInt64(bit & 63)
                    switch program[pc] {
                    case .match:
                        return true
                    case .byte(let b):
                        guard pos < n, text[pos] == b else { break }
                        pc += 1; pos += 1; continue
                    case .set(let s):
                        guard pos < n, FastRegex.contains(sets[s], text[pos]) else { break }
                        pc += 1; pos += 1; continue
                    case .any:
                        guard pos < n, dotAll || !FastRegex.isTerminator(text[pos]) else { break }
                        pc += 1; pos += 1; continue
                    case .jump(let target):
                        pc = target; continue
                    case .split(let first, let second):
                        scratch.stack.append((second, pos))
                        pc = first; continue
                    case .assert(let kind):
                        guard FastRegex.holds(kind, text, pos) else { break }
                        pc += 1; continue
                    }
                    break
                }
            }
        }
        return false
    }

    @inline(__always)
    private static func contains(_ set: (UInt64, UInt64), _ b: UInt8) -> Bool {
        b < 64 ? set.0 & (1 << UInt64(b)) != 0 : set.1 & (1 << UInt64(b - 64)) != 0
    }

    @inline(__always)
    private static func isTerminator(_ b: UInt8) -> Bool { b >= 0x0A && b <= 0x0D }

    private static func isWord(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == 0x5f
    }

    private static func holds(_ kind: Assertion, _ t: Span<UInt8>, _ pos: Int) -> Bool {
        let n = t.count
        switch kind {
        case .textStart: return pos == 0
        case .textEnd: return pos == n
        case .textEndOrFinalNewline:
            if pos == n { return true }
            if pos == n - 1 { return isTerminator(t[pos]) }
            return pos == n - 2 && t[pos] == 0x0D && t[pos + 1] == 0x0A
        case .lineStart:
            if pos == 0 { return true }
            if pos == n { return false }   // not after the final line terminator
            let prev = t[pos - 1]
            return isTerminator(prev) && !(prev == 0x0D && t[pos] == 0x0A)
        case .lineEnd:
            if pos == n { return true }
            return isTerminator(t[pos]) && !(t[pos] == 0x0A && pos > 0 && t[pos - 1] == 0x0D)
        case .wordBoundary, .notWordBoundary:
            let before = pos > 0 && isWord(t[pos - 1])
            let after = pos < n && isWord(t[pos])
            return (before != after) == (kind == .wordBoundary)
        }
    }

    // MARK: - Parsing

    private indirect enum Node {
        case empty
        case byte(UInt8)
        case set(Int)
        case any
        case assert(Assertion)
        case concat([Node])
        case alternate([Node])
        case repeatNode(Node, min: Int, max: Int?)
    }

    private struct Parser {
        let s: [UInt8]
        var i = 0
        let ignoreCase: Bool
        let multiline: Bool
        var sets: [(UInt64, UInt64)] = []

        init(_ s: [UInt8], ignoreCase: Bool, multiline: Bool) {
            self.s = s; self.ignoreCase = ignoreCase; self.multiline = multiline
        }

        mutating func parseAlternation() -> Node? {
            var branches: [Node] = []
            repeat {
                guard let seq = parseSequence() else { return nil }
                branches.append(seq)
            } while eat(UInt8(ascii: "|"))
            return branches.count == 1 ? branches[0] : .alternate(branches)
        }

        mutating func parseSequence() -> Node? {
            var items: [Node] = []
            while i < s.count, s[i] != UInt8(ascii: "|"), s[i] != UInt8(ascii: ")") {
                guard let atom = parseAtom(), let quantified = parseQuantifier(atom) else { return nil }
                items.append(quantified)
            }
            return items.count == 1 ? items[0] : .concat(items)
        }

        mutating func parseQuantifier(_ atom: Node) -> Node? {
            guard i < s.count else { return atom }
            var lo = 0, hi: Int? = nil
            switch s[i] {
            case UInt8(ascii: "*"): i += 1
            case UInt8(ascii: "+"): lo = 1; i += 1
            case UInt8(ascii: "?"): hi = 1; i += 1
            case UInt8(ascii: "{"):
                guard let (a, b, end) = counted(from: i) else { return atom }   // a literal '{'
                lo = a; hi = b; i = end
            default:
                return atom
            }
            if i < s.count, s[i] == UInt8(ascii: "?") { i += 1 }             // lazy: same matches
            if i < s.count, s[i] == UInt8(ascii: "+") { return nil }        // possessive
            if let hi, hi < lo { return nil }
            if case .assert = atom { return nil }
            return .repeatNode(atom, min: lo, max: hi)
        }

        /// `{n}`, `{n,}`, `{n,m}` starting at `at`; nil when not a quantifier.
        func counted(from at: Int) -> (Int, Int?, Int)? {
            var j = at + 1
            func number() -> Int? {
                var v: Int?
                while j < s.count, s[j] >= 0x30, s[j] <= 0x39 { v = (v ?? 0) * 10 + Int(s[j] - 0x30); j += 1 }
                return v
            }
            guard let a = number() else { return nil }
            var b: Int? = a
            if j < s.count, s[j] == UInt8(ascii: ",") { j += 1; b = number() }
            guard j < s.count, s[j] == UInt8(ascii: "}"), a <= 1000, (b ?? 0) <= 1000 else { return nil }
            return (a, b, j + 1)
        }

        mutating func parseAtom() -> Node? {
            let c = s[i]
            i += 1
            switch c {
            case UInt8(ascii: "."): return .any
            case UInt8(ascii: "^"): return .assert(multiline ? .lineStart : .textStart)
            case UInt8(ascii: "$"): return .assert(multiline ? .lineEnd : .textEndOrFinalNewline)
            case UInt8(ascii: "["): return parseClass()
            case UInt8(ascii: "("):
                if eat(UInt8(ascii: "?")) {
                    if eat(UInt8(ascii: ":")) {
                    } else if i + 1 < s.count, s[i] == UInt8(ascii: "<"), s[i + 1] != UInt8(ascii: "="), s[i + 1] != UInt8(ascii: "!") {
                        while i < s.count, s[i] != UInt8(ascii: ">") { i += 1 }
                        i += 1
                    } else if eat(UInt8(ascii: "P")), eat(UInt8(ascii: "<")) {
                        while i < s.count, s[i] != UInt8(ascii: ">") { i += 1 }
                        i += 1
                    } else {
                        return nil   // lookaround, flags, atomic groups
                    }
                }
                guard let inner = parseAlternation(), eat(UInt8(ascii: ")")) else { return nil }
                return inner
            case UInt8(ascii: "\\"):
                guard i < s.count else { return nil }
                let e = s[i]
                i += 1
                switch e {
                case UInt8(ascii: "d"), UInt8(ascii: "D"), UInt8(ascii: "w"), UInt8(ascii: "W"), UInt8(ascii: "s"), UInt8(ascii: "S"):
                    var set = (UInt64(0), UInt64(0))
                    addEscapeClass(e, to: &set)
                    return .set(newSet(set))
                case UInt8(ascii: "b"): return .assert(.wordBoundary)
                case UInt8(ascii: "B"): return .assert(.notWordBoundary)
                case UInt8(ascii: "A"): return .assert(.textStart)
                case UInt8(ascii: "z"): return .assert(.textEnd)
                case UInt8(ascii: "Z"): return .assert(.textEndOrFinalNewline)
                case UInt8(ascii: "t"): return .byte(0x09)
                case UInt8(ascii: "n"): return .byte(0x0A)
                case UInt8(ascii: "r"): return .byte(0x0D)
                case UInt8(ascii: "f"): return .byte(0x0C)
                default:
                    // Escaped punctuation is literal; any other escape is not supported here.
                    let isAlnum = (e >= 0x30 && e <= 0x39) || (e | 0x20 >= 0x61 && e | 0x20 <= 0x7a)
                    return isAlnum ? nil : literal(e)
                }
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: ")"):
                return nil
            case UInt8(ascii: "{"):
                return counted(from: i - 1) == nil ? literal(c) : nil
            default:
                return literal(c)
            }
        }

        mutating func literal(_ c: UInt8) -> Node {
            let lower = c | 0x20
            if ignoreCase, lower >= 0x61, lower <= 0x7a {
                var set = (UInt64(0), UInt64(0))
                Parser.add(lower, &set)
                Parser.add(lower & ~0x20, &set)
                return .set(newSet(set))
            }
            return .byte(c)
        }

        static func add(_ b: UInt8, _ set: inout (UInt64, UInt64)) {
            if b < 64 { set.0 |= 1 << UInt64(b) } else if b < 128 { set.1 |= 1 << UInt64(b - 64) }
        }

        mutating func newSet(_ set: (UInt64, UInt64)) -> Int {
            sets.append(set)
            return sets.count - 1
        }

        func addEscapeClass(_ e: UInt8, to set: inout (UInt64, UInt64)) {
            var base = (UInt64(0), UInt64(0))
            switch e | 0x20 {
            case UInt8(ascii: "d"): for b in UInt8(0x30)...0x39 { Parser.add(b, &base) }
            case UInt8(ascii: "w"):
                for b in UInt8(0x30)...0x39 { Parser.add(b, &base) }
                for b in UInt8(0x41)...0x5a { Parser.add(b, &base); Parser.add(b | 0x20, &base) }
                Parser.add(0x5f, &base)
            default: for b: UInt8 in [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20] { Parser.add(b, &base) }
            }
            if e & 0x20 == 0 { base = (~base.0, ~base.1) }   // \D \W \S
            set = (set.0 | base.0, set.1 | base.1)
        }

        mutating func parseClass() -> Node? {
            var set = (UInt64(0), UInt64(0))
            let negate = eat(UInt8(ascii: "^"))
            var first = true
            while i < s.count {
                var c = s[i]
                if c == UInt8(ascii: "]") && !first { i += 1; break }
                first = false
                if c == UInt8(ascii: "[") { return nil }   // POSIX classes, set operations
                i += 1
                if c == UInt8(ascii: "\\") {
                    guard i < s.count else { return nil }
                    let e = s[i]
                    i += 1
                    switch e {
                    case UInt8(ascii: "d"), UInt8(ascii: "D"), UInt8(ascii: "w"), UInt8(ascii: "W"), UInt8(ascii: "s"), UInt8(ascii: "S"):
                        addEscapeClass(e, to: &set); continue
                    case UInt8(ascii: "t"): c = 0x09
                    case UInt8(ascii: "n"): c = 0x0A
                    case UInt8(ascii: "r"): c = 0x0D
                    case UInt8(ascii: "f"): c = 0x0C
                    default:
                        let isAlnum = (e >= 0x30 && e <= 0x39) || (e | 0x20 >= 0x61 && e | 0x20 <= 0x7a)
                        if isAlnum { return nil }
                        c = e
                    }
                }
                var hi = c
                if i + 1 < s.count, s[i] == UInt8(ascii: "-"), s[i + 1] != UInt8(ascii: "]") {
                    hi = s[i + 1]
                    if hi == UInt8(ascii: "\\") || hi == UInt8(ascii: "[") || hi < c { return nil }
                    i += 2
                }
                for b in c...hi {
                    Parser.add(b, &set)
                    if ignoreCase, b | 0x20 >= 0x61, b | 0x20 <= 0x7a { Parser.add(b ^ 0x20, &set) }
                }
            }
            guard !first else { return nil }
            if negate { set = (~set.0, ~set.1) }
            return .set(newSet(set))
        }

        mutating func eat(_ c: UInt8) -> Bool {
            if i < s.count, s[i] == c { i += 1; return true }
            return false
        }
    }

    private struct Compiler {
        var program: [Inst] = []

        mutating func emit(_ node: Node) {
            guard program.count <= FastRegex.maxProgram else { return }
            switch node {
            case .empty: break
            case .byte(let b): program.append(.byte(b))
            case .set(let s): program.append(.set(s))
            case .any: program.append(.any)
            case .assert(let a): program.append(.assert(a))
            case .concat(let items): for item in items { emit(item) }
            case .alternate(let branches):
                var jumps: [Int] = []
                for (k, branch) in branches.enumerated() {
                    if k < branches.count - 1 {
                        let split = program.count
                        program.append(.split(split + 1, 0))
                        emit(branch)
                        jumps.append(program.count)
                        program.append(.jump(0))
                        program[split] = .split(split + 1, program.count)
                    } else {
                        emit(branch)
                    }
                }
                for j in jumps { program[j] = .jump(program.count) }
            case .repeatNode(let atom, let min, let max):
                for _ in 0..<min { emit(atom) }
                if let max {
                    // Up to max - min optional copies: split(body, out) body ... out.
                    var splits: [Int] = []
                    for _ in min..<max {
                        splits.append(program.count)
                        program.append(.split(program.count + 1, 0))
                        emit(atom)
                    }
                    for s in splits { program[s] = .split(s + 1, program.count) }
                } else {
                    // Star: L: split(body, out); body; jump L; out:
                    let loop = program.count
                    program.append(.split(loop + 1, 0))
                    emit(atom)
                    program.append(.jump(loop))
                    program[loop] = .split(loop + 1, program.count)
                }
            }
        }
    }
}
