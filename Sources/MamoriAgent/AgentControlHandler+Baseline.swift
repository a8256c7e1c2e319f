import MamoriControl

extension AgentControlHandler {
    /// `baseline.reset`: queues the reset for the worker (carried out at its next tick, within
    /// 100 ms); an unknown profile is a `bad_request` naming the known ones.
    func resetBaseline(_ r: BaselineResetRequest) -> Result<ControlReply, ControlError> {
        guard agent.configuration.baseline.enabled else {
            return .failure(ControlError(.unavailable, "baselines are disabled in this agent (baseline.enabled: false)"))
        }
        guard let row = agent.baselineMailbox.requestReset(r.unit) else {
            let known = agent.baselineMailbox.profiles.map(\.profile)
            return .failure(ControlError(.badRequest, "no baseline profile '\(r.unit)'"
                + (known.isEmpty ? " (no profile yet)" : "; known: " + known.prefix(20).joined(separator: ", "))))
        }
        return .success(.baselineReset(BaselineResetResult(unit: r.unit, previousState: row.state,
                                                           itemsForgotten: Int(row.items))))
    }
}
