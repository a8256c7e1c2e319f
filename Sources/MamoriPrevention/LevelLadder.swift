import MamoriDetection

/// What each prevention level switches on: the configurable part of the ladder.
///
/// Exists so that "level 3" means the same thing to the kernel compiler, the rule decision,
/// the simulator and the `mamori level` help text, and so an operator can move a rung (for
/// example let high rules act from level 2) in one place. An immutable value; any thread.
public struct LevelLadder: Sendable, Equatable {
    /// Lowest level at which rules of each Sigma level act (their `response`); a missing key
    /// means rules of that level never act unless they set `actAtLevel`.
    public var rulesActFrom: [RuleLevel: PreventionLevel] = [
        .critical: .critical, .high: .high, .medium: .lockdown,
    ]
    /// Extra levels a rule needs for each confidence (`low` → one more rung). A rule pushed
    /// past lockdown never acts.
    public var confidencePenalty: [RuleConfidence: Int] = [.low: 1, .medium: 0, .high: 0]
    /// In-kernel executable deny list (paths and hashes) enforced from here.
    public var execDenyListFrom: PreventionLevel = .knownBad
    /// Global egress block list enforced from here.
    public var egressBlockListFrom: PreventionLevel = .knownBad
    /// Per-unit egress allowlists/denylists enforced from here.
    public var unitEgressFrom: PreventionLevel = .knownBad
    /// Exec from `tempDirectories` denied from here.
    public var tempExecDenyFrom: PreventionLevel = .lockdown
    /// Server daemons (`daemonUnits`) may not exec shells from here.
    public var daemonShellDenyFrom: PreventionLevel = .lockdown
    /// Directories whose executables are denied at `tempExecDenyFrom` (TREE entries).
    public var tempDirectories: [String] = ["/tmp", "/var/tmp", "/dev/shm"]

    public init() {}

    /// The lowest level at which `rule` acts, or nil when it never does.
    ///
    /// `response: none` never acts. An explicit `actAtLevel` wins as written (clamped to
    /// 0...4, the author already chose); otherwise the rung of the rule's Sigma level plus the
    /// confidence penalty, and past lockdown means never.
    public func actingLevel(of rule: RuleMetadata) -> PreventionLevel? {
        guard rule.response != .none else { return nil }
        if let explicit = rule.actAtLevel { return PreventionLevel.clamped(explicit) }
        guard let base = rulesActFrom[rule.level] else { return nil }
        return PreventionLevel(Int(base.rawValue) + (confidencePenalty[rule.confidence] ?? 0))
    }

    /// Human lines for `mamori level`: what `level` enables, cumulative from the rungs below.
    public func describe(_ level: PreventionLevel) -> [String] {
        var lines: [String] = []
        if level == .monitor { lines.append("alerts only: nothing is killed or blocked") }
        if level >= execDenyListFrom { lines.append("in-kernel executable deny list (paths, sha256) kills at exec") }
        if level >= egressBlockListFrom { lines.append("egress block list denies connects/sends (EPERM)") }
        if level >= unitEgressFrom { lines.append("per-unit egress allowlists/denylists enforced") }
        let acting = RuleLevel.allCases.reversed().filter { rulesActFrom[$0].map { level >= $0 } ?? false }
        if !acting.isEmpty {
            lines.append("rules of level \(acting.map(\.rawValue).joined(separator: ", ")) act (their response: kill, kill-tree, freeze)")
        }
        if let low = confidencePenalty[.low], low > 0, !acting.isEmpty {
            lines.append("low-confidence rules need \(low) more level\(low == 1 ? "" : "s")")
        }
        if level >= tempExecDenyFrom { lines.append("no exec from \(tempDirectories.joined(separator: ", "))") }
        if level >= daemonShellDenyFrom { lines.append("server daemons may not spawn shells") }
        lines.append("rules with actAtLevel <= \(level.rawValue) act; rules with response none never act")
        return lines
    }
}
