/// Parsing and compilation of `FastRegex` patterns: a recursive-descent parser for the
/// supported subset (returning nil for anything else) and a compiler to the split/jump
/// instructions the matcher runs. Build-time only; any thread.
extension FastRegex {
    indirect enum Node {
        case empty
        case byte(UInt8)
        case set(Int)
        case any
        case assert(Assertion)
        case concat([Node])
        case alternate([Node])
        case repeatNode(Node, min: Int, max: Int?)
    }

    struct Parser {
        let s: [UInt8]
        var i = 0
        let ignoreCase: Bool
        let multiline: Bool
        var sets: [(UInt64, UInt64)] = []
        /// Per set: whether it also matches non-ASCII characters (negated classes, `\D \W \S`).
        var wide: [Bool] = []

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
                // Saturates past any accepted bound: `x{99999999999999999999}` used to trap on
                // Int overflow (found by FuzzRegex); it is now simply over the 1000 limit.
                while j < s.count, s[j] >= 0x30, s[j] <= 0x39 { v = min((v ?? 0) * 10 + Int(s[j] - 0x30), 1_000_000); j += 1 }
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
                    return .set(newSet(set, wide: e & 0x20 == 0))
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
                    return isAlnum || e >= 0x80 ? nil : literal(e)
                }
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: ")"):
                return nil
            case UInt8(ascii: "{"):
                return counted(from: i - 1) == nil ? literal(c) : nil
            default:
                if c >= 0x80 {
                    // A non-ASCII character is its UTF-8 byte sequence, one atom (so a quantifier
                    // repeats the whole character). ICU folds its case under (?i): not supported.
                    if ignoreCase { return nil }
                    var bytes: [Node] = [.byte(c)]
                    while i < s.count, s[i] & 0xC0 == 0x80 { bytes.append(.byte(s[i])); i += 1 }
                    return bytes.count == 1 ? bytes[0] : .concat(bytes)
                }
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

        mutating func newSet(_ set: (UInt64, UInt64), wide: Bool = false) -> Int {
            sets.append(set)
            self.wide.append(wide)
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
            var wide = false
            let negate = eat(UInt8(ascii: "^"))
            var first = true
            while i < s.count {
                var c = s[i]
                if c == UInt8(ascii: "]") && !first { i += 1; break }
                first = false
                if c == UInt8(ascii: "[") { return nil }   // POSIX classes, set operations
                if c >= 0x80 { return nil }                 // non-ASCII class members: not byte-sized
                i += 1
                if c == UInt8(ascii: "\\") {
                    guard i < s.count else { return nil }
                    let e = s[i]
                    i += 1
                    switch e {
                    case UInt8(ascii: "d"), UInt8(ascii: "D"), UInt8(ascii: "w"), UInt8(ascii: "W"), UInt8(ascii: "s"), UInt8(ascii: "S"):
                        addEscapeClass(e, to: &set)
                        if e & 0x20 == 0 { wide = true }
                        continue
                    case UInt8(ascii: "t"): c = 0x09
                    case UInt8(ascii: "n"): c = 0x0A
                    case UInt8(ascii: "r"): c = 0x0D
                    case UInt8(ascii: "f"): c = 0x0C
                    default:
                        let isAlnum = (e >= 0x30 && e <= 0x39) || (e | 0x20 >= 0x61 && e | 0x20 <= 0x7a)
                        if isAlnum || e >= 0x80 { return nil }
                        c = e
                    }
                }
                var hi = c
                if i + 1 < s.count, s[i] == UInt8(ascii: "-"), s[i + 1] != UInt8(ascii: "]") {
                    hi = s[i + 1]
                    if hi == UInt8(ascii: "\\") || hi == UInt8(ascii: "[") || hi < c || hi >= 0x80 { return nil }
                    i += 2
                }
                for b in c...hi {
                    Parser.add(b, &set)
                    if ignoreCase, b | 0x20 >= 0x61, b | 0x20 <= 0x7a { Parser.add(b ^ 0x20, &set) }
                }
            }
            guard !first else { return nil }
            if negate { set = (~set.0, ~set.1); wide.toggle() }
            return .set(newSet(set, wide: wide))
        }

        mutating func eat(_ c: UInt8) -> Bool {
            if i < s.count, s[i] == c { i += 1; return true }
            return false
        }
    }

    struct Compiler {
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
