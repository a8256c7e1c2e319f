import MamoriDetection

/// The rule identities of baseline deviations (`mamori.baseline.<kind>`), one per novelty kind,
/// so triage deduplicates, scores and groups them into incidents like any rule hit.
///
/// Exists as shared immutable metadata (a hit shares it, no per-alert copies). Tagged with the
/// ATT&CK technique the novelty most often stands for. Any thread.
public enum BaselineRules {
    public static let source = "builtin:baseline"

    public static let byKind: [NoveltyKind: RuleMetadata] = {
        var out: [NoveltyKind: RuleMetadata] = [:]
        for kind in NoveltyKind.allCases {
            let (title, tags, category) = describe(kind)
            out[kind] = RuleMetadata(
                id: "mamori.baseline.\(kind.rawValue)", title: title,
                description: "Behaviour never seen in this unit's learned baseline (docs/baseline.md).",
                status: "stable", author: "mamori", level: kind.level, tags: tags,
                categories: [category], kind: .single, response: .none, confidence: kind == .riskyExecutable ? .high : .medium,
                source: source)
        }
        return out
    }()

    public static func rule(_ kind: NoveltyKind) -> RuleMetadata { byKind[kind]! }

    static func describe(_ kind: NoveltyKind) -> (String, [String], RuleCategory) {
        switch kind {
        case .riskyExecutable:
            return ("Baseline: shell, interpreter or downloader new to this service", ["attack.execution", "attack.t1059"], .processCreation)
        case .executable:
            return ("Baseline: executable new to this unit", ["attack.execution"], .processCreation)
        case .executableReplaced:
            return ("Baseline: executable replaced (new identity at a learned path)", ["attack.persistence", "attack.t1554"], .processCreation)
        case .edge:
            return ("Baseline: new parent-child exec in this unit", ["attack.execution"], .processCreation)
        case .argv:
            return ("Baseline: new command-line shape in this unit", ["attack.execution"], .processCreation)
        case .destination:
            return ("Baseline: outbound destination new to this unit", ["attack.command-and-control", "attack.t1071"], .networkConnection)
        case .listen:
            return ("Baseline: listening port new to this unit", ["attack.command-and-control", "attack.t1571"], .networkConnection)
        case .file:
            return ("Baseline: file written outside this unit's learned paths", ["attack.persistence"], .fileEvent)
        case .user:
            return ("Baseline: user new to this unit", ["attack.privilege-escalation"], .processCreation)
        case .profileFull:
            return ("Baseline: profile category full, new entries are not learned", [], .processCreation)
        }
    }
}
