/// Lazy literal scanning for the ancestor fields (`AncestorImage`, `AncestorCommandLine`,
/// `AncestorUnit`, and their lineage-bounded `Lineage*` forms).
///
/// Exists because ancestor tests loop over every ancestor and every value (a rule may list 30
/// tool names against 5 ancestors): the first such test of an event instead scans each
/// ancestor's value once for every needle of the category, and later tests read bits. The scan
/// is lazy — an event no ancestor test looks at pays nothing (an eager scan cost more than it
/// saved). Built with the category's tables, then immutable; the bits live in `EventFields`.
struct AncestorLiterals: Sendable {
    /// Per pattern: literal id of its needle, or -1.
    var patternLiteral: [Int32] = []
    /// Per test: `answered` (every value is a `contains` needle and the test is an OR: the
    /// bits are the answer), `rejecting` (every value has a needle it requires: no bit, no
    /// match), or `none`.
    var mode: [UInt8] = []
    static let none: UInt8 = 0, answered: UInt8 = 1, rejecting: UInt8 = 2
    var fields: [RuleField] = []
    var scanners: [LiteralScanner] = []
    var literalCount = 0

    init() {}

    init(_ tables: MatchTables) {
        patternLiteral = [Int32](repeating: -1, count: tables.patterns.count)
        mode = [UInt8](repeating: AncestorLiterals.none, count: tables.tests.count)
        var ids: [LiteralGate.Literal: Int32] = [:]
        for (t, test) in tables.tests.enumerated() where test.field.kind == .ancestors {
            var all = test.patternCount > 0, contains = true
            for k in Int(test.patternStart)..<Int(test.patternStart + test.patternCount) {
                let p = tables.patterns[k]
                guard [Pattern.Kind.contains, .prefix, .suffix, .exact].contains(p.kind), !p.cased, p.count >= 3 else {
                    all = false
                    continue
                }
                let bytes = Array(tables.pool[Int(p.start)..<Int(p.start + p.count)])
                guard bytes.allSatisfy({ $0 < 0x80 }) else { all = false; continue }
                let literal = LiteralGate.Literal(field: test.field, bytes: bytes)
                if ids[literal] == nil { ids[literal] = Int32(ids.count) }
                patternLiteral[k] = ids[literal]!
                if p.kind != .contains { contains = false }
            }
            if all { mode[t] = contains && !test.matchAll ? AncestorLiterals.answered : AncestorLiterals.rejecting }
        }
        var byField: [RuleField: [(id: Int32, bytes: [UInt8])]] = [:]
        for (literal, id) in ids { byField[literal.field, default: []].append((id, literal.bytes)) }
        fields = byField.keys.sorted { $0.rawValue < $1.rawValue }
        scanners = fields.map { LiteralScanner(byField[$0]!.sorted { $0.id < $1.id }) }
        literalCount = ids.count
    }

    /// Fills `ctx.ancestorBits` from every ancestor's values, once per event and category.
    func scan(_ ctx: inout EventFields, _ input: EventInput) {
        var bits: [UInt64] = []
        swap(&bits, &ctx.ancestorBits)   // a local, so scanning can borrow the arena meanwhile
        let words = (literalCount + 63) >> 6
        if bits.count < words { bits = [UInt64](repeating: 0, count: words) }
        for w in 0..<words { bits[w] = 0 }
        for k in fields.indices {
            for i in 0..<ctx.ancestorCount(fields[k], input) {
                guard let range = ctx.ancestorText(fields[k], index: i, folded: true, input) else { continue }
                scanners[k].scan(ctx.arena.span.extracting(range), into: &bits)
            }
        }
        swap(&bits, &ctx.ancestorBits)
        ctx.ancestorsScanned = true
    }

    /// The verdict of the scan for test `index`: `true`/`false` when it decides the test, `nil`
    /// when the test must be evaluated ancestor by ancestor.
    func verdict(_ index: Int, _ test: FieldTest, _ ctx: inout EventFields, _ input: EventInput) -> Bool? {
        let m = mode[index]
        if m == AncestorLiterals.none { return nil }
        if !ctx.ancestorsScanned { scan(&ctx, input) }
        var any = false, all = true
        for k in Int(test.patternStart)..<Int(test.patternStart + test.patternCount) {
            let id = Int(patternLiteral[k])
            if ctx.ancestorBits[id >> 6] & (1 << UInt64(id & 63)) != 0 { any = true } else { all = false }
        }
        if test.matchAll ? !all : !any { return false }
        return m == AncestorLiterals.answered ? true : nil
    }
}
