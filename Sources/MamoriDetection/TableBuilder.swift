/// A compiled value before it is flattened into `MatchTables`.
enum PatternSpec {
    case text(TextShape, cased: Bool)
    case null
    case exists(Bool)
    case never
    case regex(RegexMatcher)
    case regexPrefilter(RegexMatcher)
    case network(IPNetwork)
    case number(Pattern.Kind, Int64)
    case fieldRef(Pattern.Kind, RuleField, cased: Bool)

    /// Whether the value can only hold when the field has a value (used to flag rules that
    /// rely on fields Linux cannot provide).
    var needsValue: Bool {
        switch self {
        case .null: return false
        case .exists(let present): return present
        default: return true
        }
    }
}

/// Accumulates the match tables of one category while rules are compiled.
///
/// A class because every rule and sequence step of a load appends to the same tables; owned by
/// one `RuleLoader` run on one thread, then frozen into a `CompiledRuleSet`.
final class TableBuilder {
    var tables = MatchTables()
    var ops: [Op] = []
    var programs: [RuleProgram] = []
    /// Per program: image base-name hashes one of which the event must have, or nil.
    var imageKeys: [Set<UInt64>?] = []
    /// Per program: destination ports one of which the event must have, or nil.
    var portKeys: [Set<UInt64>?] = []
    /// Per program: literals one of which the event must contain, or nil.
    var gates: [LiteralGate?] = []

    /// Appends one field test; returns its index.
    func addTest(field: RuleField, matchAll: Bool, _ specs: [PatternSpec]) -> Int32 {
        let start = Int32(tables.patterns.count)
        for spec in specs { tables.patterns.append(pattern(spec)) }
        tables.tests.append(FieldTest(field: field, matchAll: matchAll, patternStart: start,
                                      patternCount: Int32(specs.count)))
        return Int32(tables.tests.count - 1)
    }

    private func needle(_ bytes: [UInt8]) -> (Int32, Int32) {
        let start = Int32(tables.pool.count)
        tables.pool.append(contentsOf: bytes)
        return (start, Int32(bytes.count))
    }

    private func pattern(_ spec: PatternSpec) -> Pattern {
        switch spec {
        case .text(let shape, let cased):
            var p = Pattern(kind: .exact, cased: cased)
            switch shape {
            case .exact(let b): p.kind = .exact; (p.start, p.count) = needle(b)
            case .prefix(let b): p.kind = .prefix; (p.start, p.count) = needle(b)
            case .suffix(let b): p.kind = .suffix; (p.start, p.count) = needle(b)
            case .contains(let b): p.kind = .contains; (p.start, p.count) = needle(b)
            case .any: p.kind = .any
            case .glob(let segments, let anchoredStart, let anchoredEnd):
                p.kind = .glob
                p.anchoredStart = anchoredStart
                p.anchoredEnd = anchoredEnd
                p.start = Int32(tables.segments.count)
                p.count = Int32(segments.count)
                for seg in segments {
                    let (s, c) = needle(seg)
                    tables.segments.append(GlobSegment(start: s, count: c,
                                                       hasAnyOne: seg.contains(GlobMatcher.anyOneMarker)))
                }
            }
            return p
        case .null: return Pattern(kind: .null)
        case .exists(let present): return Pattern(kind: present ? .exists : .notExists)
        case .never: return Pattern(kind: .never)
        case .regex(let matcher):
            tables.regexes.append(matcher)
            return Pattern(kind: .regex, start: Int32(tables.regexes.count - 1))
        case .regexPrefilter(let matcher):
            tables.regexes.append(matcher)
            return Pattern(kind: .regexPrefilter, start: Int32(tables.regexes.count - 1))
        case .network(let network):
            tables.networks.append(network)
            return Pattern(kind: .cidr, start: Int32(tables.networks.count - 1))
        case .number(let kind, let n):
            return Pattern(kind: kind, number: n)
        case .fieldRef(let kind, let other, let cased):
            return Pattern(kind: kind, cased: cased, start: Int32(other.rawValue))
        }
    }
}
