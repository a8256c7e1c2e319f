import Yams

/// Compiles one Sigma `detection` block (selections plus condition) into a `BoolExpr` whose
/// field tests are appended to the category's `TableBuilder`.
///
/// Exists so that rules and sequence steps share one implementation of Sigma's detection
/// semantics: maps are AND, lists of maps OR, value lists OR (AND with `all`), plain lists are
/// keywords. Build-time only; used by one loader run on one thread.
struct DetectionCompiler {
    let category: RuleCategory
    let builder: TableBuilder
    /// Own rules: unknown fields are errors. SigmaHQ rules: reported, and the rule is degraded.
    let strict: Bool
    private(set) var warnings: [RuleIssue] = []
    private(set) var degradedReasons: [String] = []
    /// Every selection of the last compiled detection, in document order (for `distinct: selection`).
    private(set) var selections: [(name: String, expr: BoolExpr)] = []
    /// Tests that can never hold on Linux, with the reason.
    private var inert: [Int32: String] = [:]

    init(category: RuleCategory, builder: TableBuilder, strict: Bool) {
        self.category = category; self.builder = builder; self.strict = strict
    }

    mutating func compile(_ detection: Node) throws(RuleIssue) -> BoolExpr {
        let pairs = try YAMLNodes.pairs(detection, "detection")
        var selections: [(name: String, expr: BoolExpr)] = []
        var conditionNode: Node?
        for (key, keyNode, value) in pairs {
            switch key {
            case "condition": conditionNode = value
            case "timeframe":
                throw RuleIssue(YAMLNodes.position(keyNode), "'timeframe' belongs to correlation rules, which are not supported; use 'mamori: threshold:' with a window")
            default:
                selections.append((key, try compileSelection(value)))
            }
        }
        guard let conditionNode else {
            throw RuleIssue(YAMLNodes.position(detection), "detection has no 'condition'")
        }
        var conditions: [(text: String, node: Node)] = []
        switch conditionNode {
        case .scalar(let s): conditions.append((s.string, conditionNode))
        case .sequence(let seq):
            for item in seq { conditions.append((try YAMLNodes.string(item, "each condition"), item)) }
        case .mapping:
            throw RuleIssue(YAMLNodes.position(conditionNode), "condition must be an expression such as 'selection and not filter'")
        }
        self.selections = selections.map { ($0.name, $0.expr.simplified().reordered(builder.tables)) }
        let table = Dictionary(selections.map { ($0.name, $0.expr) }, uniquingKeysWith: { a, _ in a })
        var alternatives: [BoolExpr] = []
        for (text, node) in conditions {
            let parsed: ConditionNode
            do {
                parsed = try ConditionParser.parse(text)
            } catch {
                throw RuleIssue(YAMLNodes.position(in: node, offset: error.offset), "condition: \(error.message)")
            }
            alternatives.append(try resolve(parsed, selections: selections, table: table, node: node))
        }
        let expr = BoolExpr.or(alternatives).simplified().reordered(builder.tables)
        for test in expr.positiveTests() {
            if let reason = inert[test], !degradedReasons.contains(reason) { degradedReasons.append(reason) }
        }
        return expr
    }

    // MARK: - Condition

    private func resolve(_ node: ConditionNode, selections: [(name: String, expr: BoolExpr)],
                         table: [String: BoolExpr], node yaml: Node) throws(RuleIssue) -> BoolExpr {
        switch node {
        case .selection(let name, let offset):
            guard let expr = table[name] else {
                let known = selections.map(\.name).joined(separator: ", ")
                throw RuleIssue(YAMLNodes.position(in: yaml, offset: offset), "condition names unknown selection '\(name)' (defined: \(known))")
            }
            return expr
        case .quantified(let all, let pattern, let offset):
            let matched = selections.filter { sel in
                if let pattern { return DetectionCompiler.glob(pattern, matches: sel.name) }
                return !sel.name.hasPrefix("_")
            }
            guard !matched.isEmpty else {
                let what = pattern.map { "pattern '\($0)'" } ?? "'them'"
                throw RuleIssue(YAMLNodes.position(in: yaml, offset: offset), "condition: \(what) matches no selection")
            }
            return all ? .and(matched.map(\.expr)) : .or(matched.map(\.expr))
        case .and(let children):
            var out: [BoolExpr] = []
            for child in children { out.append(try resolve(child, selections: selections, table: table, node: yaml)) }
            return .and(out)
        case .or(let children):
            var out: [BoolExpr] = []
            for child in children { out.append(try resolve(child, selections: selections, table: table, node: yaml)) }
            return .or(out)
        case .not(let child):
            return .not(try resolve(child, selections: selections, table: table, node: yaml))
        }
    }

    /// Sigma identifier patterns: `*` matches any run of characters.
    static func glob(_ pattern: String, matches name: String) -> Bool {
        let p = Array(pattern.unicodeScalars), s = Array(name.unicodeScalars)
        var pi = 0, si = 0, star = -1, mark = 0
        while si < s.count {
            if pi < p.count && (p[pi] == s[si] || p[pi] == "?") { pi += 1; si += 1 }
            else if pi < p.count && p[pi] == "*" { star = pi; mark = si; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; si = mark }
            else { return false }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    // MARK: - Selections

    private mutating func compileSelection(_ node: Node) throws(RuleIssue) -> BoolExpr {
        switch node {
        case .mapping:
            var terms: [BoolExpr] = []
            for (key, keyNode, value) in try YAMLNodes.pairs(node, "a selection") {
                terms.append(try compileItem(key: key, keyNode: keyNode, value: value))
            }
            guard !terms.isEmpty else { throw RuleIssue(YAMLNodes.position(node), "empty selection") }
            return .and(terms)
        case .sequence(let seq):
            guard seq.count > 0 else { throw RuleIssue(YAMLNodes.position(node), "empty selection") }
            var keywordValues: [Node] = []
            var terms: [BoolExpr] = []
            for item in seq {
                switch item {
                case .scalar: keywordValues.append(item)
                case .mapping: terms.append(try compileSelection(item))
                case .sequence:
                    throw RuleIssue(YAMLNodes.position(item), "a selection list holds values (keywords) or maps, not nested lists")
                }
            }
            if !keywordValues.isEmpty {
                terms.append(try compileValues(field: .keywords, modifiers: FieldModifiers.plain, values: keywordValues, at: node))
            }
            return .or(terms)
        case .scalar:
            return try compileValues(field: .keywords, modifiers: FieldModifiers.plain, values: [node], at: node)
        }
    }

    private mutating func compileItem(key: String, keyNode: Node, value: Node) throws(RuleIssue) -> BoolExpr {
        let parts = key.split(separator: "|", omittingEmptySubsequences: false)
        let fieldName = String(parts[0])
        let keyAt = YAMLNodes.textPosition(keyNode)
        var offsets: [Int] = []
        var offset = parts[0].unicodeScalars.count + 1
        for part in parts.dropFirst() {
            offsets.append(offset)
            offset += part.unicodeScalars.count + 1
        }
        let singleLine = YAMLNodes.isSingleLinePlainOrQuoted(keyNode)
        let modifiers = try FieldModifiers(Array(parts.dropFirst())) { i in
            singleLine ? keyAt.advanced(by: offsets[i]) : keyAt
        }
        var field = RuleField.keywords
        var inertReason: String?
        if !fieldName.isEmpty {
            switch RuleField.resolve(fieldName, in: category) {
            case .success(let f):
                field = f
                if f.kind == .unavailable {
                    inertReason = "field '\(fieldName)' is not available on Linux (never matches)"
                }
            case .failure(let error):
                if strict { throw RuleIssue(keyAt, error.message) }
                warnings.append(RuleIssue(keyAt, error.message + "; treated as never matching"))
                inertReason = error.message
                field = .originalFileName   // an unavailable field: never has a value
            }
        }
        let values: [Node]
        switch value {
        case .sequence(let seq):
            guard seq.count > 0 else { throw RuleIssue(YAMLNodes.position(value), "empty value list for '\(key)'") }
            values = Array(seq)
        case .scalar: values = [value]
        case .mapping:
            throw RuleIssue(YAMLNodes.position(value), "the value of '\(key)' must be a value or a list of values, not a map")
        }
        let expr = try compileValues(field: field, modifiers: modifiers, values: values, at: value)
        if let inertReason {
            for test in expr.positiveTests() { inert[test] = inertReason }
        }
        return expr
    }

    private mutating func compileValues(field: RuleField, modifiers: FieldModifiers, values: [Node],
                                        at node: Node) throws(RuleIssue) -> BoolExpr {
        var perValue: [[PatternSpec]] = []
        for value in values {
            if case .scalar = value {} else {
                throw RuleIssue(YAMLNodes.position(value), "a field value must be a single value, not a list or map")
            }
            let specs = try ValueCompiler.compile(value, field: field, modifiers: modifiers,
                                                  category: category, strict: strict)
            perValue.append(specs)
        }
        if field.kind == .unavailable, perValue.allSatisfy({ $0.allSatisfy({ $0.needsValue }) }) {
            // Never holds; keep a test so reports can name the field.
            return .test(builder.addTest(field: field, matchAll: false, [.never]))
        }
        // A lone regex with a useful prefilter becomes AND(prefilter, regex): the cheap
        // prefilter then joins the other cheap tests at the front of the enclosing AND, and
        // ICU runs only when every cheap condition already holds.
        if perValue.count == 1, perValue[0].count == 1, case .regex(let matcher) = perValue[0][0],
           matcher.prefilter.minimumLength > 1 || !matcher.prefilter.literalSets.isEmpty {
            return .and([.test(builder.addTest(field: field, matchAll: false, [.regexPrefilter(matcher)])),
                         .test(builder.addTest(field: field, matchAll: false, perValue[0]))])
        }
        if modifiers.all && perValue.count > 1 {
            if perValue.allSatisfy({ $0.count == 1 }) {
                return .test(builder.addTest(field: field, matchAll: true, perValue.map { $0[0] }))
            }
            return .and(perValue.map { .test(builder.addTest(field: field, matchAll: false, $0)) })
        }
        return .test(builder.addTest(field: field, matchAll: false, perValue.flatMap { $0 }))
    }
}

extension FieldModifiers {
    /// No modifiers.
    static var plain: FieldModifiers {
        // An empty chain cannot fail.
        (try? FieldModifiers([], positionOf: { _ in .start }))!
    }
}
