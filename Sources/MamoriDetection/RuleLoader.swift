import Foundation
import Yams

/// Loads rule files into a `RuleLoadReport` (a new `CompiledRuleSet` plus per-rule outcomes).
///
/// Exists as the one entry point from YAML to compiled rules. Stateless and pure: it never
/// touches a running engine, so a reload that fails leaves the caller's current set in place.
/// Any thread may call it (typically the control thread on SIGHUP), never the hot path.
public enum RuleLoader {
    /// Loads every `*.yml`/`*.yaml` under `directory`, recursively, in path order.
    public static func load(directory: String, origin: RuleOrigin = .mamori) -> RuleLoadReport {
        switch sources(inDirectory: directory, origin: origin) {
        case .success(let sources): return load(sources: sources)
        case .failure(let diagnostic):
            let outcome = RuleOutcome(file: directory, document: 0, ruleId: nil, title: nil, logsourceCategory: nil,
                                      status: .rejected, reasons: [diagnostic.message], diagnostics: [diagnostic])
            return RuleLoadReport(ruleSet: .empty, outcomes: [outcome])
        }
    }

    /// Reads the rule files under `directory` (recursively, sorted by path).
    public static func sources(inDirectory directory: String, origin: RuleOrigin) -> Result<[RuleSource], RuleDiagnostic> {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
              let enumerator = fm.enumerator(atPath: directory) else {
            return .failure(RuleDiagnostic(file: directory, line: 1, column: 1, message: "cannot read rule directory"))
        }
        var paths: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.hasSuffix(".yml") || relative.hasSuffix(".yaml") {
                paths.append(directory.hasSuffix("/") ? directory + relative : directory + "/" + relative)
            }
        }
        var out: [RuleSource] = []
        for path in paths.sorted() {
            guard let data = fm.contents(atPath: path) else {
                return .failure(RuleDiagnostic(file: path, line: 1, column: 1, message: "cannot read rule file"))
            }
            out.append(RuleSource(name: path, text: String(decoding: data, as: UTF8.self), origin: origin))
        }
        return .success(out)
    }

    /// Compiles rule texts (files, embedded packs) into one rule set.
    public static func load(sources: [RuleSource]) -> RuleLoadReport {
        let builders = RuleCategory.allCases.map { _ in TableBuilder() }
        let compiler = RuleCompiler(builders: builders)
        var rules: [RuleMetadata] = []
        var thresholds: [ThresholdSpec?] = []
        var sequences: [SequenceSpec?] = []
        var outcomes: [RuleOutcome] = []
        var firstSourceOfId: [String: String] = [:]

        for source in sources {
            let documents: [Node]
            do {
                var sequence = try Yams.compose_all(yaml: source.text)
                var nodes: [Node] = []
                while let node = sequence.next() { nodes.append(node) }
                if let error = sequence.error { throw error }
                documents = nodes.filter { if case .scalar(let s) = $0, s.string.isEmpty { return false }; return true }
            } catch {
                let d = yamlDiagnostic(error, file: source.name)
                outcomes.append(RuleOutcome(file: source.name, document: 0, ruleId: nil, title: nil, logsourceCategory: nil,
                                            status: .rejected, reasons: [d.message], diagnostics: [d]))
                continue
            }
            if documents.isEmpty {
                let d = RuleDiagnostic(file: source.name, line: 1, column: 1, message: "file contains no rule")
                outcomes.append(RuleOutcome(file: source.name, document: 0, ruleId: nil, title: nil, logsourceCategory: nil,
                                            status: .rejected, reasons: [d.message], diagnostics: [d]))
                continue
            }
            for (index, root) in documents.enumerated() {
                let (id, title, logsource) = peek(root)
                var outcome = RuleOutcome(file: source.name, document: index, ruleId: id, title: title,
                                          logsourceCategory: logsource, status: .rejected, reasons: [], diagnostics: [])
                do throws(RuleIssue) {
                    let draft = try compiler.compile(root, file: source.name, document: index, origin: source.origin)
                    if let first = firstSourceOfId[draft.metadata.id] {
                        throw RuleIssue(YAMLNodes.position(root), "duplicate rule id '\(draft.metadata.id)' (first defined in \(first))")
                    }
                    firstSourceOfId[draft.metadata.id] = source.name
                    let ruleIndex = Int32(rules.count)
                    rules.append(draft.metadata)
                    thresholds.append(draft.threshold)
                    sequences.append(draft.sequence)
                    for program in draft.programs {
                        builders[program.category.index].emit(program.expr, rule: ruleIndex, step: program.step,
                                                              join: program.join)
                    }
                    outcome.ruleId = draft.metadata.id
                    outcome.status = draft.degradedReasons.isEmpty ? .loaded : .degraded
                    outcome.reasons = draft.degradedReasons
                    outcome.diagnostics = draft.warnings.map { $0.diagnostic(file: source.name, severity: .warning) }
                } catch {
                    outcome.status = .rejected
                    outcome.reasons = [error.message]
                    outcome.diagnostics = [error.diagnostic(file: source.name)]
                }
                outcomes.append(outcome)
            }
        }
        let set = CompiledRuleSet(rules: rules, thresholds: thresholds, sequences: sequences,
                                  categories: builders.map(CategoryProgram.init))
        return RuleLoadReport(ruleSet: set, outcomes: outcomes)
    }

    /// id, title and logsource category of a document, for reports about rejected rules.
    private static func peek(_ root: Node) -> (String?, String?, String?) {
        guard case .mapping(let m) = root else { return (nil, nil, nil) }
        let category: String?
        if case .mapping(let ls)? = m["logsource"], case .scalar(let c)? = ls["category"] { category = c.string } else { category = nil }
        return (m["id"]?.scalar?.string, m["title"]?.scalar?.string, category)
    }

    private static func yamlDiagnostic(_ error: Error, file: String) -> RuleDiagnostic {
        if let yaml = error as? YamlError {
            switch yaml {
            case .scanner(let context, let problem, let mark, _),
                 .parser(let context, let problem, let mark, _),
                 .composer(let context, let problem, let mark, _):
                let text = context.map { "\($0.text) " } ?? ""
                return RuleDiagnostic(file: file, line: mark.line, column: mark.column,
                                      message: "invalid YAML: \(text)\(problem)")
            case .reader(let problem, _, _, _):
                return RuleDiagnostic(file: file, line: 1, column: 1, message: "invalid YAML: \(problem)")
            default: break
            }
        }
        return RuleDiagnostic(file: file, line: 1, column: 1, message: "invalid YAML: \(error)")
    }
}
