/// A detection's logic at compile time: field tests combined with and/or/not.
///
/// Exists to simplify (flatten, fold constants), reorder (cheapest test first), analyse (the
/// image-name prefilter, degraded rules) and finally emit the flat `Op` program that the
/// engine runs. Build-time only; any thread.
indirect enum BoolExpr: Equatable {
    case test(Int32)
    case and([BoolExpr])
    case or([BoolExpr])
    case not(BoolExpr)
    case constant(Bool)

    /// Flattens nested and/or and folds constants.
    func simplified() -> BoolExpr {
        switch self {
        case .test, .constant: return self
        case .not(let inner):
            switch inner.simplified() {
            case .constant(let b): return .constant(!b)
            case .not(let x): return x
            case let x: return .not(x)
            }
        case .and(let children):
            var out: [BoolExpr] = []
            for child in children {
                switch child.simplified() {
                case .constant(true): continue
                case .constant(false): return .constant(false)
                case .and(let nested): out.append(contentsOf: nested)
                case let x: out.append(x)
                }
            }
            return out.isEmpty ? .constant(true) : out.count == 1 ? out[0] : .and(out)
        case .or(let children):
            var out: [BoolExpr] = []
            for child in children {
                switch child.simplified() {
                case .constant(false): continue
                case .constant(true): return .constant(true)
                case .or(let nested): out.append(contentsOf: nested)
                case let x: out.append(x)
                }
            }
            return out.isEmpty ? .constant(false) : out.count == 1 ? out[0] : .or(out)
        }
    }

    /// Children of and/or reordered so evaluation short-circuits early (it is free of side
    /// effects, so the order never changes the result). Selections are usually false and
    /// negated filters usually true, so an AND tests its positive children first and an OR its
    /// negations first; within each group, cheapest first.
    func reordered(_ tables: MatchTables) -> BoolExpr {
        switch self {
        case .test, .constant: return self
        case .not(let x): return .not(x.reordered(tables))
        case .and(let c): return .and(BoolExpr.sort(c.map { $0.reordered(tables) }, negationsFirst: false, tables))
        case .or(let c): return .or(BoolExpr.sort(c.map { $0.reordered(tables) }, negationsFirst: true, tables))
        }
    }

    private var isNegation: Bool { if case .not = self { return true } else { return false } }

    private static func sort(_ children: [BoolExpr], negationsFirst: Bool, _ tables: MatchTables) -> [BoolExpr] {
        children.enumerated()
            .map { (offset: $0.offset, expr: $0.element, group: $0.element.isNegation == negationsFirst ? 0 : 1,
                    cost: $0.element.cost(tables)) }
            .sorted { a, b in
                if a.group != b.group { return a.group < b.group }
                return a.cost != b.cost ? a.cost < b.cost : a.offset < b.offset
            }
            .map(\.expr)
    }

    /// A rough relative evaluation cost.
    func cost(_ tables: MatchTables) -> Int {
        switch self {
        case .constant: return 0
        case .not(let x): return x.cost(tables)
        case .and(let c), .or(let c): return c.reduce(0) { $0 + $1.cost(tables) }
        case .test(let i):
            let test = tables.tests[Int(i)]
            var fieldCost: Int
            switch test.field.kind {
            case .number, .ip: fieldCost = 1
            case .ancestors: fieldCost = 16
            case .keywords: fieldCost = 12
            case .unavailable: fieldCost = 0
            case .text: fieldCost = (test.field == .commandLine || test.field == .parentCommandLine) ? 4 : 2
            }
            var patternCost = 0
            for k in 0..<Int(test.patternCount) {
                let pattern = tables.patterns[Int(test.patternStart) + k]
                switch pattern.kind {
                case .regex:
                    // ICU: about a microsecond. A lone regex is preceded by its own cheap
                    // prefilter test (see `DetectionCompiler`), so it can afford to go last.
                    patternCost += 200
                case .regexPrefilter: patternCost += 6
                case .glob: patternCost += 8
                case .contains: patternCost += 4
                case .fieldContains: patternCost += 4
                default: patternCost += 1
                }
            }
            return fieldCost + patternCost
        }
    }

    /// Keys of which the event must have one for this expression to hold, as extracted from
    /// single tests by `keys`; `nil` when there is no such necessary condition. An AND takes
    /// its most selective child, an OR the union of its children.
    func requiredKeys(_ tables: MatchTables, _ keys: (FieldTest, MatchTables) -> Set<UInt64>?) -> Set<UInt64>? {
        switch self {
        case .constant(let b): return b ? nil : []
        case .not: return nil
        case .and(let children):
            var best: Set<UInt64>?
            for child in children {
                if let found = child.requiredKeys(tables, keys), best == nil || found.count < best!.count {
                    best = found
                }
            }
            return best
        case .or(let children):
            var union: Set<UInt64> = []
            for child in children {
                guard let found = child.requiredKeys(tables, keys) else { return nil }
                union.formUnion(found)
            }
            return union
        case .test(let i):
            return keys(tables.tests[Int(i)], tables)
        }
    }

    /// Image prefilter keys: hashes of the folded base names an `Image` test requires.
    static func imageKeys(_ test: FieldTest, _ tables: MatchTables) -> Set<UInt64>? {
        guard test.field == .image, !test.matchAll || test.patternCount == 1 else { return nil }
        var keys: Set<UInt64> = []
        for k in 0..<Int(test.patternCount) {
            let p = tables.patterns[Int(test.patternStart) + k]
            guard !p.cased, p.kind == .exact || p.kind == .suffix else { return nil }
            let bytes = Array(tables.pool[Int(p.start)..<Int(p.start + p.count)])
            guard let name = ImageName.baseName(bytes, isSuffix: p.kind == .suffix), !name.isEmpty else { return nil }
            keys.insert(ImageName.hash(name.span, from: 0))
        }
        return keys
    }

    /// Port prefilter keys: the destination ports a `DestinationPort` test requires.
    static func portKeys(_ test: FieldTest, _ tables: MatchTables) -> Set<UInt64>? {
        guard test.field == .destinationPort, !test.matchAll || test.patternCount == 1 else { return nil }
        var keys: Set<UInt64> = []
        for k in 0..<Int(test.patternCount) {
            let p = tables.patterns[Int(test.patternStart) + k]
            guard p.kind == .numberEquals, p.number >= 0 else { return nil }
            keys.insert(UInt64(p.number))
        }
        return keys
    }

    /// Tests reachable without an odd number of `not`s above them.
    func positiveTests() -> [Int32] {
        switch self {
        case .test(let i): return [i]
        case .constant, .not: return []
        case .and(let c), .or(let c): return c.flatMap { $0.positiveTests() }
        }
    }

    /// Appends the short-circuit program for this expression to `ops`.
    func emit(into ops: inout [Op]) {
        switch self {
        case .test(let i): ops.append(Op(code: .test, arg: i))
        case .constant(let b): ops.append(Op(code: .constant, arg: b ? 1 : 0))
        case .not(let x):
            x.emit(into: &ops)
            ops.append(Op(code: .not, arg: 0))
        case .and(let children), .or(let children):
            let jump: Op.Code
            if case .and = self { jump = .jumpIfFalse } else { jump = .jumpIfTrue }
            var patches: [Int] = []
            for (k, child) in children.enumerated() {
                child.emit(into: &ops)
                if k < children.count - 1 {
                    patches.append(ops.count)
                    ops.append(Op(code: jump, arg: 0))
                }
            }
            for p in patches { ops[p].arg = Int32(ops.count) }
        }
    }
}

/// One instruction of a rule program: a single accumulator, tests set it, jumps short-circuit.
struct Op: Sendable {
    enum Code: UInt8, Sendable { case test, jumpIfFalse, jumpIfTrue, not, constant }
    var code: Code
    var arg: Int32
}

/// Where a rule's program lives in its category's op array, and what a match means.
struct RuleProgram: Sendable {
    var opStart: Int32
    var opEnd: Int32
    /// Index of the rule in `CompiledRuleSet.rules`.
    var rule: Int32
    /// For sequence rules, the step this program matches; -1 otherwise; -2 - f for family f of a
    /// `distinct: selection` threshold (run only after its rule matched, never indexed).
    var step: Int32
    /// For a later sequence step that must equal a captured value: the field compared (its raw
    /// value's hash is looked up among the captured values before the program runs).
    var joinField: RuleField?
}

/// The executable base name used by the image prefilter.
enum ImageName {
    /// For an exact image path, its last component; for an `endswith` suffix, the last
    /// component only when the suffix contains a `/` (otherwise the name is not determined).
    static func baseName(_ bytes: [UInt8], isSuffix: Bool) -> [UInt8]? {
        if let slash = bytes.lastIndex(of: UInt8(ascii: "/")) { return Array(bytes[(slash + 1)...]) }
        return isSuffix ? nil : bytes
    }

    /// FNV-1a of the bytes after the last `/` of `value`.
    static func hashOfBaseName(_ value: Span<UInt8>) -> UInt64 {
        var start = value.count
        while start > 0 && value[start - 1] != UInt8(ascii: "/") { start -= 1 }
        return hash(value, from: start)
    }

    static func hash(_ bytes: Span<UInt8>, from: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var i = from
        while i < bytes.count {
            h = (h ^ UInt64(bytes[i])) &* 0x0000_0100_0000_01b3
            i += 1
        }
        return h
    }
}
