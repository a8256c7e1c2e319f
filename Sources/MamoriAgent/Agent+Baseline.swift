import Glibc
import MamoriBaseline
import MamoriPrevention
import MamoriProcess
import MamoriStore

extension Agent {
    /// Builds the baseline engine at start: profiles restored from the store, or, the first
    /// time (no profile stored), learned from the stored history; learned items and headers
    /// go to the store writer. Worker-owned from here on.
    func startBaseline(_ c: BaselineConfiguration, cgroups: CgroupResolver, history: EventStore?) -> BaselineEngine {
        let engine = BaselineEngine(configuration: c)
        engine.resolveCgroup = { id in cgroups.resolve(cgroupId: id).map { ($0.path, $0.unit) } }
        if let history {
            do {
                let rows = try history.baselineProfiles()
                if rows.isEmpty {
                    // First start: items learned from history are written as they are learned.
                    engine.sink = { [weak self] in self?.enqueueStore($0) }
                    let used = engine.learn(history: try history.baselineHistory(limit: c.historyEvents))
                    log("baseline: learned \(engine.profiles.count) profiles from \(used) stored events")
                } else {
                    engine.restore(profiles: rows, items: try history.baselineItems())
                    log("baseline: restored \(rows.count) profiles from the store")
                }
            } catch {
                log("baseline: could not read profiles from the store, starting empty: \(error)")
            }
        }
        engine.sink = { [weak self] in self?.enqueueStore($0) }
        engine.persist(nowUnixNs: Self.unixNowNs(), force: true)
        return engine
    }

    /// Worker loop step: resets, state changes, persistence, and which profiles are enforced
    /// (their unit has an egress allowlist in the policy and a scope level at which it applies).
    func serviceBaseline(_ pipeline: DetectionPipeline) {
        guard let engine = pipeline.baseline else { return }
        let now = Self.unixNowNs()
        if let controller = prevention, now - lastEnforcedCheckUnixNs >= 1_000_000_000 {
            lastEnforcedCheckUnixNs = now
            let policy = controller.currentPolicy
            let state = controller.levelState
            let from = policy.ladder.unitEgressFrom
            var enforced: Set<String> = []
            for u in policy.unitEgress where u.mode == .allowlist {
                let level = state.scopes.first { $0.target == .unit(u.unit) }?.level
                    ?? policy.scopes.first { $0.target == .unit(u.unit) }?.level ?? state.hostLevel
                if level.rawValue >= from.rawValue { enforced.insert(u.unit) }
            }
            engine.setEnforced(enforced, nowUnixNs: now)
        }
        pipeline.serviceBaseline(mailbox: baselineMailbox, nowUnixNs: now)
    }

    static func unixNowNs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
