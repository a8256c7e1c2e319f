import MamoriDetection

/// Turns a rule hit into a 1–100 risk score: severity, weighed by the rule's confidence and
/// by how rare the command is on this host.
///
/// Exists so that an analyst's queue is ordered by what matters here: a command this host has
/// never run scores higher than one it runs daily. Pure; any thread may use it.
public struct RiskScorer: Sendable {
    public init() {}

    /// - Parameter seenBefore: times this command shape was seen on this host before (nil when
    ///   unknown, e.g. not an exec or no store).
    public func score(level: RuleLevel, confidence: RuleConfidence, seenBefore: Int?) -> Int {
        let base = Double(level.riskBase)
        let weight: Double
        switch confidence {
        case .low: weight = 0.6
        case .medium: weight = 0.8
        case .high: weight = 1.0
        }
        var score = base * weight
        if let seen = seenBefore {
            switch seen {
            case 0: score += 20       // never seen on this host
            case 1..<5: score += 10
            case 5..<100: break
            default: score -= 15      // routine here
            }
        }
        return Int(max(1, min(100, score.rounded())))
    }
}
