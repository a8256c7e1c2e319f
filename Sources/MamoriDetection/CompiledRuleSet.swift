/// The compiled programs of one category, with the two prefilters that let an event skip
/// programs it cannot satisfy: the image-name index (every branch names executables) and the
/// literal gates (every branch needs one of a few literals in some field).
///
/// A final class with constant properties: shared by reference, read by the worker.
final class CategoryProgram: Sendable {
    let tables: MatchTables
    let ops: [Op]
    let programs: [RuleProgram]
    /// FNV-1a of a folded image base name → programs that require that name.
    let anchored: ProgramIndex
    /// Destination port → programs that require that port.
    let byPort: ProgramIndex
    /// Programs that run for every event of the category.
    let always: [Int32]
    /// Programs that run only when one of their literals was found.
    let gated: [Int32]
    /// Literal id → the gated programs it opens: `literalPrograms[literalStart[id] ..< literalStart[id + 1]]`.
    let literalStart: [Int32]
    let literalPrograms: [Int32]
    /// One scanner per field that gating literals live in (`scanners[k]` scans `scannerFields[k]`).
    let scannerFields: [RuleField]
    let scanners: [LiteralScanner]
    /// Number of distinct gating literals (size of the hit bitset, in bits).
    let literalCount: Int
    /// Rule index → its first family program (`distinct: selection`; the rule's families are
    /// contiguous, in family order). Family programs are in no index: they run on a match only.
    let familyStart: [Int32: Int32]

    init() {
        tables = MatchTables(); ops = []; programs = []; anchored = ProgramIndex(); byPort = ProgramIndex(); always = []
        gated = []; literalStart = [0]; literalPrograms = []; scannerFields = []; scanners = []; literalCount = 0
        familyStart = [:]
    }

    init(_ builder: TableBuilder) {
        ops = builder.ops
        programs = builder.programs
        var anchored: [UInt64: [Int32]] = [:], byPort: [UInt64: [Int32]] = [:], always: [Int32] = [], gated: [Int32] = []
        var ids: [LiteralGate.Literal: Int32] = [:]
        var opens: [[Int32]] = []
        var familyStart: [Int32: Int32] = [:]
        for index in builder.programs.indices {
            let program = builder.programs[index]
            if program.step <= -2 {
                if program.step == -2 { familyStart[program.rule] = Int32(index) }
                continue
            }
            // A long-literal gate beats an index over many (often common) executable names.
            let preferGate = builder.gates[index].map { gate in
                (gate.literals.map(\.bytes.count).min() ?? 0) >= 8 && (builder.imageKeys[index]?.count ?? 0) > 3
            } ?? false
            if let keys = builder.imageKeys[index], !preferGate {
                for h in keys { anchored[h, default: []].append(Int32(index)) }
            } else if let ports = builder.portKeys[index] {
                for port in ports { byPort[port, default: []].append(Int32(index)) }
            } else if let gate = builder.gates[index] {
                if gate.literals.isEmpty { continue }   // can never hold (e.g. only unavailable fields)
                gated.append(Int32(index))
                for literal in gate.literals.sorted(by: { a, b in
                    a.field != b.field ? a.field.rawValue < b.field.rawValue : a.bytes.lexicographicallyPrecedes(b.bytes)
                }) {
                    if ids[literal] == nil { ids[literal] = Int32(ids.count); opens.append([]) }
                    opens[Int(ids[literal]!)].append(Int32(index))
                }
            } else {
                always.append(Int32(index))
            }
        }
        var tables = builder.tables
        tables.ancestorLiterals = AncestorLiterals(tables)
        tables.nameSets = NameSets(tables)
        self.tables = tables
        var byField: [RuleField: [(id: Int32, bytes: [UInt8])]] = [:]
        for (literal, id) in ids { byField[literal.field, default: []].append((id, literal.bytes)) }
        scannerFields = byField.keys.sorted { $0.rawValue < $1.rawValue }
        scanners = scannerFields.map { LiteralScanner(byField[$0]!.sorted { $0.id < $1.id }) }
        self.anchored = ProgramIndex(anchored)
        self.byPort = ProgramIndex(byPort)
        self.always = always
        self.gated = gated
        literalStart = opens.reduce(into: [0]) { $0.append($0.last! + Int32($1.count)) }
        literalPrograms = opens.flatMap { $0 }
        literalCount = ids.count
        self.familyStart = familyStart
    }

    // Accessors used by the engine's hot loop: reading through methods of this final class lets
    // the compiler borrow the constant arrays instead of retaining them per access.
    var alwaysCount: Int { always.count }
    var gatedCount: Int { gated.count }
    @inline(__always) func always(_ k: Int) -> Int { Int(always[k]) }
    var scannerCount: Int { scanners.count }
    @inline(__always) func scannerField(_ k: Int) -> RuleField { scannerFields[k] }
    var hasImageIndex: Bool { !anchored.isEmpty }
    var hasPortIndex: Bool { !byPort.isEmpty }
    @inline(__always) func imageCandidates(_ hash: UInt64) -> Range<Int>? { anchored.lookup(hash) }
    @inline(__always) func imageCandidate(_ i: Int) -> Int { Int(anchored.values[i]) }
    @inline(__always) func portCandidates(_ port: UInt64) -> Range<Int>? { byPort.lookup(port) }
    @inline(__always) func portCandidate(_ i: Int) -> Int { Int(byPort.values[i]) }
    @inline(__always) func programsOpened(by literal: Int) -> Range<Int> {
        Int(literalStart[literal])..<Int(literalStart[literal + 1])
    }
    @inline(__always) func openedProgram(_ k: Int) -> Int { Int(literalPrograms[k]) }
    /// The first family program of `rule` (`distinct: selection`), if it has families here.
    func firstFamilyProgram(rule: Int) -> Int? { familyStart[Int32(rule)].map(Int.init) }

    /// Sets the bits of the gating literals of `scannerFields[k]` found in `text`.
    @inline(__always)
    func scan(_ k: Int, _ text: Span<UInt8>, into bits: inout [UInt64]) {
        scanners[k].scan(text, into: &bits)
    }

    /// Runs program `index` against the event.
    @inline(__always)
    func run(_ index: Int, _ ctx: inout EventFields, _ input: EventInput) -> Bool {
        let program = programs[index]
        var pc = Int(program.opStart)
        let end = Int(program.opEnd)
        var acc = false
        while pc < end {
            let op = ops[pc]
            switch op.code {
            case .test:
                acc = tables.evaluate(test: Int(op.arg), &ctx, input)
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
                                              categories: (0..<RuleCategory.count).map { _ in CategoryProgram() })

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

    /// Per category: programs reached only through the image-name or port index, programs
    /// gated by literals, and programs evaluated for every event (diagnostics, docs/rules.md).
    public var prefilterCounts: [RuleCategory: (indexed: Int, literalGated: Int, always: Int)] {
        var out: [RuleCategory: (indexed: Int, literalGated: Int, always: Int)] = [:]
        for c in RuleCategory.allCases {
            let p = categories[c.index]
            let indexed = p.anchored.allPrograms.count + p.byPort.allPrograms.count
            out[c] = (indexed, p.gated.count, p.always.count)
        }
        return out
    }

    /// The rule with this id, if loaded.
    public func rule(id: String) -> RuleMetadata? { rules.first { $0.id == id } }
}
