/// A necessary condition of a rule program: the program can only hold when at least one of
/// these literals occurs in the case-folded value of its field.
///
/// Exists for the literal prefilter: the loader derives a gate from each program's logic, the
/// engine finds every gating literal of an event in one Aho-Corasick pass per field, and only
/// programs with a literal present are run. Build-time analysis; any thread.
struct LiteralGate: Equatable {
    struct Literal: Hashable { var field: RuleField; var bytes: [UInt8] }

    var literals: Set<Literal>

    /// Shorter literals would admit too many events to be worth it.
    static let minimumLength = 2

    /// Longer and fewer literals are more selective; a gate on the parent's fields, which few
    /// rules read, costs an extra scan of a long value, so other fields are preferred.
    var score: Int {
        guard let shortest = literals.map(\.bytes.count).min() else { return Int.max }
        let costly: Set<RuleField> = [.parentCommandLine, .parentImage, .currentDirectory]
        let extraFields = Set(literals.map(\.field)).intersection(costly).count
        // Fields with a handful of possible values (Initiated is 'true' for every connect)
        // make gates that open for most events: a last resort.
        let coarse: Set<RuleField> = [.initiated, .connectResult, .networkProtocol, .sourceIsIpv6, .destinationIsIpv6, .fileExecutable]
        if literals.contains(where: { coarse.contains($0.field) }) { return -1000 + shortest }
        return shortest * 16 - literals.count - extraFields * 64
    }
}

extension BoolExpr {
    /// The literal gate of this expression, `nil` when it has none. An empty gate means the
    /// expression can never hold.
    func literalGate(_ tables: MatchTables) -> LiteralGate? {
        switch self {
        case .constant(let b): return b ? nil : LiteralGate(literals: [])
        case .not: return nil
        case .and(let children):
            var best: LiteralGate?
            for child in children {
                guard let gate = child.literalGate(tables) else { continue }
                if gate.literals.isEmpty { return gate }
                if best == nil || gate.score > best!.score { best = gate }
            }
            return best
        case .or(let children):
            var union = Set<LiteralGate.Literal>()
            for child in children {
                guard let gate = child.literalGate(tables) else { return nil }
                union.formUnion(gate.literals)
            }
            return LiteralGate(literals: union)
        case .test(let i):
            return BoolExpr.gate(of: tables.tests[Int(i)], tables)
        }
    }

    private static func gate(of test: FieldTest, _ tables: MatchTables) -> LiteralGate? {
        let patterns = (0..<Int(test.patternCount)).map { tables.patterns[Int(test.patternStart) + $0] }
        if patterns.allSatisfy({ $0.kind == .never }) { return LiteralGate(literals: []) }
        guard test.field.kind == .text else { return nil }
        var literals: [[UInt8]?] = []
        for p in patterns where p.kind != .never {
            if p.kind == .regex || p.kind == .regexPrefilter, !test.matchAll {
                // Any of the regex's required literals.
                let required = tables.regexes[Int(p.start)].prefilter.literals
                guard !required.isEmpty else { return nil }
                for bytes in required {
                    guard bytes.count >= LiteralGate.minimumLength, bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
                    literals.append(CaseFolding.folded(bytes))
                }
                continue
            }
            literals.append(literal(of: p, tables))
        }
        if test.matchAll {
            // Every value is required: one (the longest) is enough as a gate.
            guard let longest = literals.compactMap({ $0 }).max(by: { $0.count < $1.count }) else { return nil }
            return LiteralGate(literals: [LiteralGate.Literal(field: test.field, bytes: longest)])
        }
        var set = Set<LiteralGate.Literal>()
        for literal in literals {
            guard let literal else { return nil }
            set.insert(LiteralGate.Literal(field: test.field, bytes: literal))
        }
        return LiteralGate(literals: set)
    }

    /// A folded ASCII literal every match of the pattern contains, if long enough.
    private static func literal(of p: Pattern, _ tables: MatchTables) -> [UInt8]? {
        var bytes: [UInt8]
        switch p.kind {
        case .exact, .prefix, .suffix, .contains:
            bytes = Array(tables.pool[Int(p.start)..<Int(p.start + p.count)])
        case .glob:
            let segments = (0..<Int(p.count)).map { tables.segments[Int(p.start) + $0] }
            guard let best = segments.filter({ !$0.hasAnyOne }).max(by: { $0.count < $1.count }) else { return nil }
            bytes = Array(tables.pool[Int(best.start)..<Int(best.start + best.count)])
        case .regex, .regexPrefilter:
            let required = tables.regexes[Int(p.start)].prefilter.literals
            guard required.count == 1 else { return nil }
            bytes = required[0]
        default:
            return nil
        }
        guard bytes.count >= LiteralGate.minimumLength, bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        return CaseFolding.folded(bytes)
    }
}
