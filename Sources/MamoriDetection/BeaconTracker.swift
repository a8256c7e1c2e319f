import MamoriEvents

/// Per-destination interval statistics of `mamori: beacon:` rules.
///
/// Exists to recognise command-and-control check-ins: one process (or lineage, per `by`)
/// connecting to the same address and port again and again at a near-constant interval. A
/// human, a build or a browser connects in bursts and pauses; an implant's timer does not. For
/// each (rule, key, destination) it keeps only running statistics of the intervals (count,
/// Welford mean and variance, first and last time): O(1) per match, no timestamps stored, and no
/// allocation once the entry exists. A gap longer than the window starts the statistics over.
/// The rule fires when `count` connections have been seen with a coefficient of variation of
/// the intervals ≤ `maxJitter` and a mean interval ≥ `minInterval`, then starts over for that
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
        var mean = 0.0
        var m2 = 0.0

        /// Adds one connection at `now`; a gap longer than the window restarts the statistics.
        mutating func add(_ now: UInt64, process: ProcessKey, windowNs: UInt64) {
            if connects == 0 || now &- lastNs > windowNs || now < lastNs {
                self = Stats(connects: 1, firstNs: now, lastNs: now, firstProcess: process)
                return
            }
            let interval = Double(now - lastNs)
            let n = Double(connects)   // intervals so far + 1
            let delta = interval - mean
            mean += delta / n
            m2 += delta * (interval - mean)
            connects += 1
            lastNs = now
        }

        /// Coefficient of variation of the intervals (population standard deviation / mean).
        var jitter: Double {
            let intervals = Double(connects - 1)
            guard intervals >= 1, mean > 0 else { return .infinity }
            return (m2 / intervals).squareRoot() / mean
        }
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
            if s.jitter <= beacon.maxJitter && s.mean >= Double(beacon.minIntervalNs) {
                var first = event
                first.timestampNs = s.firstNs
                first.process = s.firstProcess
                let jitterText = String(Int((s.jitter * 100).rounded()))
                let interval = String(Int((s.mean / 1_000_000).rounded()))
                first.value = "\(s.connects) connections every \(interval) ms (jitter \(jitterText)%)"
                fired = [first, event]
                rules[rule][key] = nil
            } else if s.connects >= spec.count * 4 {
                // Long irregular history: keep the statistics recent rather than ever-averaged.
                rules[rule][key] = Stats(connects: 1, firstNs: now, lastNs: now, firstProcess: event.process)
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
