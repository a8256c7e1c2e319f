import Yams

/// A rule that compiled, before it is given its index in the rule set.
struct CompiledRuleDraft {
    var metadata: RuleMetadata
    var threshold: ThresholdSpec?
    var sequence: SequenceSpec?
    /// One program per category for plain and threshold rules, one per step for sequences.
    var programs: [(category: RuleCategory, expr: BoolExpr, step: Int32, join: RuleField?)]
    var warnings: [RuleIssue]
    var degradedReasons: [String]
}

/// Compiles one YAML rule document into a draft, appending its field tests to the per-category
/// builders.
///
/// Build-time only; used by one loader run on one thread.
struct RuleCompiler {
    let builders: [TableBuilder]

    func compile(_ root: Node, file: String, document: Int, origin: RuleOrigin) throws(RuleIssue) -> CompiledRuleDraft {
        let hasMamori: Bool
        if case .mapping(let m) = root, m["mamori"] != nil { hasMamori = true } else { hasMamori = false }
        let strict = origin == .mamori || hasMamori
        let doc = try RuleDocument(root, strict: strict)
        var settings = try doc.mamori.map { node throws(RuleIssue) in try MamoriSettings(node, category: doc.category) } ?? MamoriSettings()

        var programs: [(category: RuleCategory, expr: BoolExpr, step: Int32, join: RuleField?)] = []
        var warnings: [RuleIssue] = []
        var degraded: [String] = []
        var categories: [RuleCategory] = []
        let kind: RuleKind
        if let sequence = settings.sequence {
            kind = .sequence
            for (index, step) in sequence.steps.enumerated() {
                var compiler = DetectionCompiler(category: step.category, builder: builders[step.category.index], strict: strict)
                let expr = try compiler.compile(settings.stepDetections[index])
                warnings += compiler.warnings
                degraded += compiler.degradedReasons.map { "step \(index + 1): \($0)" }
                let join = index > 0 ? step.matches.first { $0.comparison == .equals }?.field : nil
                programs.append((step.category, expr, Int32(index), join))
                if !categories.contains(step.category) { categories.append(step.category) }
            }
        } else {
            guard let category = doc.category, let detection = doc.detection else {
                throw RuleIssue(YAMLNodes.position(root), "rule has no detection")
            }
            kind = settings.threshold == nil ? .single : .threshold
            var compiler = DetectionCompiler(category: category, builder: builders[category.index], strict: strict)
            let expr = try compiler.compile(detection)
            warnings += compiler.warnings
            degraded += compiler.degradedReasons
            programs.append((category, expr, -1, nil))
            categories = [category]
            if settings.threshold?.families != nil {
                // `distinct: selection`: each counted selection becomes a family program
                // (step -2 - family), run only after the rule matched, never indexed.
                let pattern = settings.threshold?.familyPattern
                let counted = compiler.selections.filter { sel in
                    if let pattern { return DetectionCompiler.glob(pattern, matches: sel.name) }
                    return !sel.name.hasPrefix("_") && !sel.name.lowercased().hasPrefix("filter")
                }
                guard !counted.isEmpty else {
                    throw RuleIssue(YAMLNodes.position(detection), "distinct: selection: no selection matches '\(pattern ?? "*")' (families are selections not starting with _ or filter)")
                }
                settings.threshold?.families = counted.map(\.name)
                for (i, sel) in counted.enumerated() {
                    programs.append((category, sel.expr, Int32(-2 - i), nil))
                }
            }
        }
        let metadata = RuleMetadata(
            id: doc.id ?? "\(file)#\(document)", title: doc.title, description: doc.description,
            status: doc.status, author: doc.author, level: doc.level, tags: doc.tags,
            references: doc.references, falsePositives: doc.falsePositives, categories: categories,
            kind: kind, response: settings.response, actAtLevel: settings.actAtLevel,
            confidence: settings.confidence, source: file)
        return CompiledRuleDraft(metadata: metadata, threshold: settings.threshold, sequence: settings.sequence,
                                 programs: programs, warnings: warnings, degradedReasons: degraded)
    }
}

extension TableBuilder {
    /// Emits a rule's program and records its prefilters.
    func emit(_ expr: BoolExpr, rule: Int32, step: Int32, join: RuleField?) {
        let start = Int32(ops.count)
        expr.emit(into: &ops)
        programs.append(RuleProgram(opStart: start, opEnd: Int32(ops.count), rule: rule, step: step, joinField: join))
        imageKeys.append(expr.requiredKeys(tables, BoolExpr.imageKeys))
        portKeys.append(expr.requiredKeys(tables, BoolExpr.portKeys))
        gates.append(expr.literalGate(tables))
    }
}
