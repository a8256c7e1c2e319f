/// Sliding-window counters of threshold rules.
///
/// Exists to turn "the selection matched" into "the selection matched N times (or for N
/// distinct values) within the window for the same key". Fires once when the count reaches N,
/// then starts over for that key, so a burst yields one hit per N matches rather than one per
/// event. Memory is bounded: at most N-1 entries per key and `maxKeysPerRule` keys per rule
/// (expired keys are dropped first; if that is not enough, the rule's state is reset).
/// Owned by a `DetectionEngine` on the pipeline worker thread.
struct ThresholdTracker {
    static let maxKeysPerRule = 8192

    private struct Window {
        /// Counting mode: every match, oldest first.
        var entries: [ContributingEvent] = []
        /// Distinct mode: the latest match per value.
        var distinct: [String: ContributingEvent] = [:]
        var lastNs: UInt64 = 0
    }

    private var rules: [Int: [GroupKey: Window]] = [:]

    /// Records one match; returns the contributing events when the rule fires.
    mutating func record(rule: Int, spec: ThresholdSpec, key: GroupKey, event: ContributingEvent) -> [ContributingEvent]? {
        let now = event.timestampNs
        var keys = rules[rule] ?? [:]
        var window = keys[key] ?? Window()
        window.lastNs = max(window.lastNs, now)
        let horizon = now >= spec.windowNs ? now - spec.windowNs : 0
        var fired: [ContributingEvent]?
        if spec.distinct != nil {
            let value = event.value ?? ""
            window.distinct = window.distinct.filter { $0.value.timestampNs >= horizon }
            window.distinct[value] = event
            if window.distinct.count >= spec.count {
                fired = window.distinct.values.sorted { $0.timestampNs < $1.timestampNs }
            }
        } else {
            window.entries.removeAll { $0.timestampNs < horizon }
            window.entries.append(event)
            if window.entries.count >= spec.count { fired = window.entries }
        }
        if fired != nil {
            keys[key] = nil
        } else {
            keys[key] = window
        }
        if keys.count > ThresholdTracker.maxKeysPerRule {
            keys = keys.filter { $0.value.lastNs >= horizon }
            if keys.count > ThresholdTracker.maxKeysPerRule { keys.removeAll() }
        }
        rules[rule] = keys
        return fired
    }

    /// Number of keys with pending state (diagnostics and tests).
    var pendingKeys: Int { rules.values.reduce(0) { $0 + $1.count } }

    /// Keeps only the state of rules present in `mapping` (old index → new index).
    mutating func remap(_ mapping: [Int: Int]) {
        var next: [Int: [GroupKey: Window]] = [:]
        for (old, state) in rules { if let new = mapping[old] { next[new] = state } }
        rules = next
    }
}
