import MamoriDetection

/// Loads rule directories for the agent with the "previous rules stay active" policy.
///
/// At start, valid rules load and every rejected file is reported; at least one rule must load.
/// On reload, any rejected document rejects the whole reload so the running set never changes
/// halfway. Pure functions; any thread.
public enum RuleBook {
    /// Initial load: the valid rules, plus the report for the operator.
    public static func initial(directory: String) throws(AgentError) -> RuleLoadReport {
        let report = RuleLoader.load(directory: directory)
        if report.ruleSet.rules.isEmpty {
            if report.hasErrors { throw .rules(directory: directory, diagnostics: report.diagnostics) }
            throw .noRules(directory: directory)
        }
        return report
    }

    /// Reload: the new set only if every document loaded (or degraded); otherwise the errors.
    public static func reload(directory: String) -> Result<RuleLoadReport, AgentError> {
        let report = RuleLoader.load(directory: directory)
        if report.hasErrors { return .failure(.rules(directory: directory, diagnostics: report.diagnostics)) }
        if report.ruleSet.rules.isEmpty { return .failure(.noRules(directory: directory)) }
        return .success(report)
    }
}
