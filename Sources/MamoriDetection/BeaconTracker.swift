import MamoriEvents

/// Per-destination interval statistics of `mamori: beacon:` rules.
///
/// Exists to recognise command-and-control check-ins: one process (or lineage, per `by`)
/// connecting to the same address and port again and again at a near-constant interval. A
/// human, a build or a browser connects in bursts and pauses; an implant's timer does not. For
/// each (rule, key, destination) it keeps the count, first and last time and the last 16
/// intervals in an inline ring: bounded work per match (one 16-element sort), and no
/// allocation once the entry exists. A gap longer than the window starts the statistics over.
/// The rule fires when `count` connections have been seen whose recent intervals keep a beat
/// (`judge`: median interval, ≥ 3/4 of the intervals within `maxJitter` of 1–3 beats) of at
/// least `minInterval`, then starts over for that
/// destination (a long-lived beacon yields one hit per `count` connections; triage folds
/// repeats). Memory is bounded like `ThresholdTracker`: `maxKeysPerRule` entries per rule;
/// under a flood of fresh destinations, expired entries go first, then the least advanced.
/// Owned by a `DetectionEngine` on the pipeline worker thread.
struct BeaconTracker {
    static let maxKeysPerRule = 8192

    struct Key: Hashable {
        var group: GroupKey
        var destination: IPAddress
        var port: UInt16
    }

    private struct Stats {
        var connects = 0
        var firstNs: UInt64 = 0
        var lastNs: UInt64 = 0
        var firstProcess = ProcessKey(pid: 0, startBoottimeNs: 0)
        /// The last `BeaconTracker.ringSize` intervals in ms (inline: no allocation), oldest
        /// overwritten first; `stored` of them are valid.
        var intervals = SIMD16<Float>(repeating: 0)
        var stored = 0
        var next = 0

        /// Adds one connection at `now`; a gap longer than the window restarts the statistics.
        mutating func add(_ now: UInt64, process: ProcessKey, windowNs: UInt64) {
            if connects == 0 || now &- lastNs > windowNs || now < lastNs {
                self = Stats(connects: 1, firstNs: now, lastNs: now, firstProcess: process)
                return
            }
            intervals[next] = Float(Double(now - lastNs) / 1_000_000)
            next = (next + 1) % BeaconTracker.ringSize
            stored = Swift.min(stored + 1, BeaconTracker.ringSize)
            connects += 1
            lastNs = now
        }

        /// Judges the stored intervals; nil when they are not regular enough.
        func regularity(maxJitter: Double) -> BeaconTracker.Regularity? {
            BeaconTracker.judge(intervals, count: stored, tolerance: Float(maxJitter))
        }
    }

    /// What a regular run looks like: its beat and how closely the intervals keep it.
    struct Regularity: Equatable {
        /// Median interval (ms).
        var beatMs: Float
        /// Intervals on a multiple (1 to 3) of the beat, and all of them.
        var onBeat: Int
        var intervals: Int
        /// Median absolute deviation of the single-beat intervals / beat.
        var jitter: Float
    }

    static let ringSize = 16

    /// Robust regularity: the median interval is the beat; an interval is on the beat when it
    /// is within `tolerance` × beat of 1, 2 or 3 beats (a check-in that was late or skipped
    /// once under load is still a timer). Regular when at least 3/4 of the intervals are on
    /// the beat and at least half are single beats. Unlike a mean and standard deviation, one
    /// late or missed check-in does not hide an implant, and a few fast retries do not make a
    /// person look like a timer. Cost: a 16-element insertion sort per matching connect.
    static func judge(_ ring: SIMD16<Float>, count: Int, tolerance: Float) -> Regularity? {
        guard count >= 2 else { return nil }
        var sorted = ring
        for i in 1..<count {
            let v = sorted[i]
            var j = i - 1
            while j >= 0 && sorted[j] > v { sorted[j + 1] = sorted[j]; j -= 1 }
            sorted[j + 1] = v
        }
        let beat = count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2
        guard beat > 0 else { return nil }
        var onBeat = 0, single = 0
        var deviations = SIMD16<Float>(repeating: .infinity)
        for i in 0..<count {
            let ratio = ring[i] / beat
            let beats = ratio.rounded()
            guard beats >= 1, beats <= 3, abs(ratio - beats) <= tolerance else { continue }
            onBeat += 1
            if beats == 1 { deviations[single] = abs(ratio - 1); single += 1 }
        }
        guard onBeat * 4 >= count * 3, single * 2 >= count else { return nil }
        for i in 1..<single {
            let v = deviations[i]
            var j = i - 1
            while j >= 0 && deviations[j] > v { deviations[j + 1] = deviations[j]; j -= 1 }
            deviations[j + 1] = v
        }
        return Regularity(beatMs: beat, onBeat: onBeat, intervals: count, jitter: deviations[single / 2])
    }

    private var rules: [[Key: Stats]] = []
    /// Entries dropped under pressure since start (diagnostics).
    private(set) var shedKeys = 0

    /// Records one matching connection; returns the contributing events (first and last
    /// connection of the regular run) when the rule fires.
    mutating func record(rule: Int, spec: ThresholdSpec, beacon: BeaconSpec, key: Key,
                         event: ContributingEvent) -> [ContributingEvent]? {
        if rule >= rules.count { rules += Array(repeating: [:], count: rule + 1 - rules.count) }
        let now = event.timestampNs
        var fired: [ContributingEvent]?
        // Mutated in place through the dictionary's default subscript (no copy of the entry).
        rules[rule][key, default: Stats()].add(now, process: event.process, windowNs: spec.windowNs)
        if let s = rules[rule][key], s.connects >= spec.count {
            if let r = s.regularity(maxJitter: beacon.maxJitter), Double(r.beatMs) * 1_000_000 >= Double(beacon.minIntervalNs) {
                var first = event
                first.timestampNs = s.firstNs
                first.process = s.firstProcess
                let jitterText = String(Int((r.jitter * 100).rounded()))
                first.value = "\(s.connects) connections every \(Int(r.beatMs.rounded())) ms (\(r.onBeat)/\(r.intervals) recent intervals on the beat, jitter \(jitterText)%)"
                fired = [first, event]
                rules[rule][key] = nil
            }
        }
        if rules[rule].count > BeaconTracker.maxKeysPerRule {
            let horizon = now >= spec.windowNs ? now - spec.windowNs : 0
            rules[rule] = rules[rule].filter { $0.value.lastNs >= horizon }
            if rules[rule].count > BeaconTracker.maxKeysPerRule { shed(rule: rule) }
        }
        return fired
    }

    /// Keeps the 3/4 of the cap furthest on their way to firing (most connections, then newest).
    private mutating func shed(rule: Int) {
        let keep = BeaconTracker.maxKeysPerRule * 3 / 4
        let ranked = rules[rule].sorted { a, b in
            a.value.connects != b.value.connects ? a.value.connects > b.value.connects : a.value.lastNs > b.value.lastNs
        }
        shedKeys &+= rules[rule].count - keep
        rules[rule] = Dictionary(uniqueKeysWithValues: ranked.prefix(keep).map { ($0.key, $0.value) })
    }

    /// Drops entries whose last connection is older than their rule's window.
    mutating func sweep(now: UInt64, specs: [ThresholdSpec?]) {
        for rule in rules.indices where !rules[rule].isEmpty {
            guard rule < specs.count, let spec = specs[rule], spec.beacon != nil else { rules[rule].removeAll(); continue }
            let horizon = now >= spec.windowNs ? now - spec.windowNs : 0
            rules[rule] = rules[rule].filter { $0.value.lastNs >= horizon }
        }
    }

    var pendingKeys: Int { rules.reduce(0) { $0 + $1.count } }

    /// Keeps only the state of rules present in `mapping` (old index → new index).
    mutating func remap(_ mapping: [Int: Int], ruleCount: Int) {
        var next = [[Key: Stats]](repeating: [:], count: ruleCount)
        for (old, state) in rules.enumerated() where !state.isEmpty {
            if let new = mapping[old] { next[new] = state }
        }
        rules = next
    }
}
