/// Sliding-window counters of threshold rules.
///
/// Exists to turn "the selection matched" into "the selection matched N times (or for N
/// distinct values) within the window for the same key". Fires once when the count reaches N,
/// then starts over for that key, so a burst yields one hit per N matches rather than one per
/// event. Memory is bounded: at most N-1 entries per key and `maxKeysPerRule` keys per rule
/// (expired keys are dropped first; if that is not enough, the keys with the fewest matches go,
/// so a flood of fresh keys cannot reset a key close to firing). State is
/// updated in place: a match that does not fire allocates nothing once its key exists.
/// Owned by a `DetectionEngine` on the pipeline worker thread.
struct ThresholdTracker {
    static let maxKeysPerRule = 8192

    private struct Window {
        /// Counting mode: every match, oldest first.
        var entries: [ContributingEvent] = []
        /// Distinct mode: the latest match per value.
        var distinct: [String: ContributingEvent] = [:]
        /// Oldest timestamp in `distinct` (pruning is skipped while nothing can have expired).
        var oldestNs: UInt64 = .max
        var lastNs: UInt64 = 0

        /// Adds a match; returns the contributing events when the count is reached.
        mutating func add(_ event: ContributingEvent, spec: ThresholdSpec, horizon: UInt64) -> [ContributingEvent]? {
            lastNs = max(lastNs, event.timestampNs)
            if spec.countsDistinct {
                if oldestNs < horizon {
                    distinct = distinct.filter { $0.value.timestampNs >= horizon }
                    oldestNs = distinct.values.map(\.timestampNs).min() ?? .max
                }
                distinct[event.value ?? ""] = event
                oldestNs = min(oldestNs, event.timestampNs)
                guard distinct.count >= spec.count else { return nil }
                return distinct.values.sorted { $0.timestampNs < $1.timestampNs }
            }
            if let first = entries.first, first.timestampNs < horizon {
                entries.removeAll { $0.timestampNs < horizon }
            }
            entries.append(event)
            return entries.count >= spec.count ? entries : nil
        }
    }

    /// Per rule index: windows per key.
    private var rules: [[GroupKey: Window]] = []

    /// Records one match; returns the contributing events when the rule fires.
    mutating func record(rule: Int, spec: ThresholdSpec, key: GroupKey, event: ContributingEvent) -> [ContributingEvent]? {
        let now = event.timestampNs
        let horizon = now >= spec.windowNs ? now - spec.windowNs : 0
        if rule >= rules.count { rules += Array(repeating: [:], count: rule + 1 - rules.count) }
        let fired = rules[rule][key, default: Window()].add(event, spec: spec, horizon: horizon)
        if fired != nil {
            rules[rule][key] = nil
        } else if rules[rule].count > ThresholdTracker.maxKeysPerRule {
            rules[rule] = rules[rule].filter { $0.value.lastNs >= horizon }
            if rules[rule].count > ThresholdTracker.maxKeysPerRule { shed(rule: rule) }
        }
        return fired
    }

    /// Over the cap with nothing expired (a flood of fresh keys): drop the keys *least* on
    /// their way to firing (fewest matches, then oldest) down to 3/4 of the cap. A flood of
    /// one-match keys never wipes a key that is close to its threshold, as resetting the
    /// whole rule would.
    private mutating func shed(rule: Int) {
        let keep = ThresholdTracker.maxKeysPerRule * 3 / 4
        let ranked = rules[rule].sorted { a, b in
            let (na, nb) = (a.value.entries.count + a.value.distinct.count, b.value.entries.count + b.value.distinct.count)
            return na != nb ? na > nb : a.value.lastNs > b.value.lastNs
        }
        shedKeys &+= rules[rule].count - keep
        rules[rule] = Dictionary(uniqueKeysWithValues: ranked.prefix(keep).map { ($0.key, $0.value) })
    }

    /// Keys dropped under pressure since start (diagnostics: state shed, not silently reset).
    private(set) var shedKeys = 0

    /// Drops keys whose newest match is older than their rule's window.
    mutating func sweep(now: UInt64, specs: [ThresholdSpec?]) {
        for rule in rules.indices where !rules[rule].isEmpty {
            guard rule < specs.count, let spec = specs[rule] else { rules[rule].removeAll(); continue }
            let horizon = now >= spec.windowNs ? now - spec.windowNs : 0
            rules[rule] = rules[rule].filter { $0.value.lastNs >= horizon }
        }
    }

    /// Number of keys with pending state (diagnostics and tests).
    var pendingKeys: Int { rules.reduce(0) { $0 + $1.count } }

    /// Keeps only the state of rules present in `mapping` (old index → new index).
    mutating func remap(_ mapping: [Int: Int], ruleCount: Int) {
        var next = [[GroupKey: Window]](repeating: [:], count: ruleCount)
        for (old, state) in rules.enumerated() where !state.isEmpty {
            if let new = mapping[old] { next[new] = state }
        }
        rules = next
    }
}
