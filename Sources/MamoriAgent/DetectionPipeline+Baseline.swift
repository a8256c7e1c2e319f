import MamoriBaseline
import MamoriDetection
import MamoriEvents
import MamoriOutput
import MamoriProcess

extension DetectionPipeline {
    /// The baseline step: after the rules, the event is checked against its unit's profile; a
    /// deviation is raised as a rule hit (`mamori.baseline.<kind>`) through triage, so it is
    /// deduplicated, scored and grouped into incidents like any rule, and carries
    /// `mamori.baseline.*`. Kept apart from `process` so the pipeline's own stages stay readable.
    func observeBaseline(_ baseline: BaselineEngine, event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?,
                         ancestry: [ProcessRecord], highestHit: RuleLevel?) {
        guard let d = baseline.observe(event, process: process, parent: parent, highestHit: highestHit,
                                       nowUnixNs: unixNow(event)) else { return }
        let key = process?.key ?? event.header.processKey
        let hit = RuleHit(rule: d.rule, ruleIndex: -1, category: d.rule.categories.first ?? .processCreation,
                          timestampNs: event.header.ktimeNs, process: key)
        let detail = BaselineAlertDetail(unit: d.profile, kind: d.kind.rawValue, new: d.novelties.map(\.text),
                                         profile: d.holds, state: d.state.rawValue, categoryFull: d.categoryFull,
                                         learned: d.learned)
        raise(hit, event: event, process: process, parent: parent, ancestry: ancestry, seenBefore: nil, baseline: detail)
    }

    /// Baseline housekeeping between events (state changes, persistence, operator resets).
    /// Worker thread.
    public func serviceBaseline(mailbox: BaselineMailbox, nowUnixNs: Int64) {
        baseline?.service(mailbox: mailbox, nowUnixNs: nowUnixNs)
    }
}
