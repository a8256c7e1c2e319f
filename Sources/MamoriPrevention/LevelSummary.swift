/// The text `mamori level` prints: the current level, why and by whom, pending reverts, scope
/// overrides, isolation, and what every level enables.
///
/// Exists so the agent can answer the control socket with ready text (the CLI prints it) and
/// the wording lives next to the ladder it describes. Stateless; any thread.
public enum LevelSummary {
    public static func lines(state: LevelState, policy: PreventionPolicy, nowUnix: Double) -> [String] {
        var out: [String] = []
        var head = "host level: \(state.hostLevel.rawValue) (\(state.hostLevel.name))"
        if let revert = state.hostRevert {
            head += ", reverts to \(revert.level?.description ?? "0 (monitor)") in \(duration(revert.atUnix - nowUnix))"
        }
        out.append(head)
        if let by = state.changedBy {
            out.append("  set by \(by)\(state.reason.map { ": \($0)" } ?? "")")
        }
        out.append("isolation: \(state.isolated ? "ON (egress only to loopback and management networks)" : "off")")
        let view = LevelView(policy: policy, state: state)
        if view.scopes.isEmpty {
            out.append("scope overrides: none")
        } else {
            out.append("scope overrides:")
            for (target, level) in view.scopes.sorted(by: { "\($0.key)" < "\($1.key)" }) {
                let live = state.scopes.first { $0.target == target }
                var line = "  \(target): \(level.rawValue) (\(level.name))"
                line += live == nil ? " [policy]" : " [operator]"
                if let r = live?.revert { line += ", reverts in \(duration(r.atUnix - nowUnix))" }
                out.append(line)
            }
        }
        out.append("levels:")
        for level in PreventionLevel.all {
            let marker = level == state.hostLevel ? "*" : " "
            out.append("\(marker) \(level.rawValue) \(level.name)")
            for line in policy.ladder.describe(level) { out.append("      - \(line)") }
        }
        return out
    }

    /// "1h2m", "3m4s", "5s". The value comes from a persisted expiry that may be anything
    /// (fuzzing found 9.3e18 trapping `Int(_:)`): NaN or negative is 0 s, and anything
    /// beyond 10^12 s (31,000 years) prints as 10^12 s.
    static func duration(_ seconds: Double) -> String {
        let s = !seconds.isNaN && seconds > 0 ? Int(min(seconds, 1e12).rounded()) : 0
        if s >= 3600 { return "\(s / 3600)h\(s % 3600 / 60)m" }
        if s >= 60 { return "\(s / 60)m\(s % 60)s" }
        return "\(s)s"
    }
}
