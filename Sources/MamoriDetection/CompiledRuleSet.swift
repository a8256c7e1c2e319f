/// The compiled programs of one category, with the image-name index that lets an event skip
/// rules whose every branch names an executable it does not have.
struct CategoryProgram: Sendable {
    var tables = MatchTables()
    var ops: [Op] = []
    var programs: [RuleProgram] = []
    /// FNV-1a of a folded image base name → programs that require that name (ascending).
    var anchored: [UInt64: [Int32]] = [:]
    /// Programs evaluated for every event of the category (ascending).
    var unanchored: [Int32] = []

    init() {}

    init(_ builder: TableBuilder) {
        tables = builder.tables
        ops = builder.ops
        programs = builder.programs
        for (index, names) in builder.anchors.enumerated() {
            guard let names else { unanchored.append(Int32(index)); continue }
            var hashes: Set<UInt64> = []
            for name in names { hashes.insert(name.withSpanHash()) }
            for h in hashes { anchored[h, default: []].append(Int32(index)) }
        }
    }

    /// Runs program `index` against the event.
    @inline(__always)
    func run(_ index: Int, _ ctx: inout EventFields) -> Bool {
        let program = programs[index]
        var pc = Int(program.opStart)
        let end = Int(program.opEnd)
        var acc = false
        while pc < end {
            let op = ops[pc]
            switch op.code {
            case .test:
                acc = tables.evaluate(test: Int(op.arg), &ctx)
                pc += 1
            case .jumpIfFalse:
                pc = acc ? pc + 1 : Int(op.arg)
            case .jumpIfTrue:
                pc = acc ? Int(op.arg) : pc + 1
            case .not:
                acc = !acc
                pc += 1
            case .constant:
                acc = op.arg != 0
                pc += 1
            }
        }
        return acc
    }
}

private extension Array where Element == UInt8 {
    func withSpanHash() -> UInt64 { ImageName.hash(span, from: 0) }
}

/// An immutable, compiled set of rules, indexed by category.
///
/// Exists so that rule loading (slow, may fail) is separated from evaluation: the loader builds
/// a new value, the caller swaps it in atomically (e.g. hands it to the worker), and a failed
/// reload leaves the previous set in use. `Sendable`: built on any thread, read by the worker.
public struct CompiledRuleSet: Sendable {
    /// Every loaded rule; a `RuleHit` refers to one of these.
    public let rules: [RuleMetadata]
    let thresholds: [ThresholdSpec?]
    let sequences: [SequenceSpec?]
    let categories: [CategoryProgram]

    /// An empty set: evaluates nothing.
    public static let empty = CompiledRuleSet(rules: [], thresholds: [], sequences: [],
                                              categories: [CategoryProgram](repeating: CategoryProgram(), count: RuleCategory.count))

    init(rules: [RuleMetadata], thresholds: [ThresholdSpec?], sequences: [SequenceSpec?], categories: [CategoryProgram]) {
        self.rules = rules; self.thresholds = thresholds; self.sequences = sequences; self.categories = categories
    }

    /// Number of rules.
    public var count: Int { rules.count }

    /// Number of compiled programs per category (a sequence contributes one per step).
    public var programCounts: [RuleCategory: Int] {
        var out: [RuleCategory: Int] = [:]
        for c in RuleCategory.allCases { out[c] = categories[c.index].programs.count }
        return out
    }

    /// The rule with this id, if loaded.
    public func rule(id: String) -> RuleMetadata? { rules.first { $0.id == id } }
}
