/// Partial matches of sequence rules.
///
/// Exists to detect ordered chains ("a file written by curl, then chmod +x on that path, then
/// executed") per key within a window. Each partial remembers the next step it waits for, when
/// it started, what earlier steps captured and the contributing events. One event advances a
/// partial by at most one step; a step-0 match starts a new partial unless an identical one
/// (same captures, still at step 1) exists, which is refreshed instead. Bounded: at most
/// `maxPartialsPerKey` partials per key (oldest dropped) and `maxKeysPerRule` keys per rule;
/// the engine sweeps expired partials periodically. Owned by a `DetectionEngine` on the
/// pipeline worker thread.
struct SequenceTracker {
    static let maxPartialsPerKey = 16
    static let maxKeysPerRule = 8192

    struct Partial {
        var nextStep: Int
        var startNs: UInt64
        /// Captured raw values by slot (`SequenceSpec.captureCount` of them).
        var captures: [[UInt8]]
        var events: [ContributingEvent]
    }

    /// Per rule index: partial matches per key.
    private var rules: [[GroupKey: [Partial]]] = []
    /// Per rule index: hashes of every value captured by a live partial (a superset between
    /// sweeps). A later step that must equal a captured value is skipped when its value's hash
    /// is not here — without running the step or computing the key.
    private var captured: [Set<UInt64>] = []

    /// Applies one event that matched `steps` (ascending) of `rule`. `captureValue` returns the
    /// raw value of a field of the event; returns the contributing events of every completion.
    mutating func advance(rule: Int, spec: SequenceSpec, key: GroupKey, steps: [Int], event: ContributingEvent,
                          captureValue: (RuleField) -> [UInt8]?) -> [[ContributingEvent]] {
        let now = event.timestampNs
        var completed: [[ContributingEvent]] = []
        if rule >= rules.count {
            rules += Array(repeating: [:], count: rule + 1 - rules.count)
            captured += Array(repeating: [], count: rule + 1 - captured.count)
        }
        var partials = rules[rule].removeValue(forKey: key) ?? []
        if let oldest = partials.first, now > oldest.startNs, now - oldest.startNs > spec.windowNs {
            partials.removeAll { now > $0.startNs && now - $0.startNs > spec.windowNs }
        }
        var k = 0
        while k < partials.count {
            let step = partials[k].nextStep
            if steps.contains(step), satisfies(spec.steps[step], partials[k].captures, captureValue) {
                var contribution = event
                contribution.step = step
                partials[k].events.append(contribution)
                for capture in spec.steps[step].captures {
                    let value = captureValue(capture.field) ?? []
                    partials[k].captures[capture.slot] = value
                    captured[rule].insert(SequenceTracker.hash(value))
                }
                partials[k].nextStep += 1
                if partials[k].nextStep == spec.steps.count {
                    completed.append(partials[k].events)
                    partials.remove(at: k)
                    continue
                }
            }
            k += 1
        }
        if steps.first == 0 {
            var contribution = event
            contribution.step = 0
            var captures = [[UInt8]](repeating: [], count: spec.captureCount)
            for capture in spec.steps[0].captures {
                let value = captureValue(capture.field) ?? []
                captures[capture.slot] = value
                captured[rule].insert(SequenceTracker.hash(value))
            }
            if let same = partials.firstIndex(where: { $0.nextStep == 1 && $0.captures == captures }) {
                partials[same].startNs = now
                partials[same].events = [contribution]
            } else {
                partials.append(Partial(nextStep: 1, startNs: now, captures: captures, events: [contribution]))
                if partials.count > SequenceTracker.maxPartialsPerKey {
                    partials.removeFirst(partials.count - SequenceTracker.maxPartialsPerKey)
                }
            }
        }
        if !partials.isEmpty { rules[rule][key] = partials }
        if rules[rule].count > SequenceTracker.maxKeysPerRule {
            sweep(rule: rule, now: now, windowNs: spec.windowNs)
            if rules[rule].count > SequenceTracker.maxKeysPerRule { shed(rule: rule) }
        }
        return completed
    }

    /// Over the cap with nothing expired (a flood of fresh keys): keep the keys furthest along
    /// their chain (highest step reached, then oldest: what was under way before the flood) down to 3/4 of the cap. A flood of
    /// step-0 matches sheds its own keys first and never resets a chain already in progress.
    private mutating func shed(rule: Int) {
        let keep = SequenceTracker.maxKeysPerRule * 3 / 4
        func progress(_ p: [Partial]) -> (Int, UInt64) {
            (p.map(\.nextStep).max() ?? 0, p.map(\.startNs).max() ?? 0)
        }
        let ranked = rules[rule].sorted { a, b in
            let (pa, pb) = (progress(a.value), progress(b.value))
            return pa.0 != pb.0 ? pa.0 > pb.0 : pa.1 < pb.1
        }
        shedKeys &+= rules[rule].count - keep
        rules[rule] = Dictionary(uniqueKeysWithValues: ranked.prefix(keep).map { ($0.key, $0.value) })
    }

    /// Keys dropped under pressure since start (diagnostics: state shed, not silently reset).
    private(set) var shedKeys = 0

    private func satisfies(_ step: SequenceStep, _ captures: [[UInt8]], _ value: (RuleField) -> [UInt8]?) -> Bool {
        for match in step.matches {
            let captured = captures[match.slot]
            guard let actual = value(match.field) else { return false }
            let ok: Bool
            switch match.comparison {
            case .equals: ok = actual == captured
            case .startswith: ok = actual.starts(with: captured)
            case .endswith: ok = actual.count >= captured.count && actual.suffix(captured.count).elementsEqual(captured)
            case .contains: ok = ByteSearch.contains(actual.span, captured.span)
            }
            if !ok { return false }
        }
        return true
    }

    /// Whether `rule` has any partial match waiting (lets the engine skip later steps cheaply
    /// while nothing has started).
    @inline(__always)
    func hasPartials(rule: Int) -> Bool {
        rule < rules.count && !rules[rule].isEmpty
    }

    /// Whether a live partial of `rule` may have captured a value with this hash.
    @inline(__always)
    func mayHaveCaptured(rule: Int, hash: UInt64) -> Bool {
        rule < captured.count && captured[rule].contains(hash)
    }

    static func hash(_ bytes: [UInt8]) -> UInt64 { ImageName.hash(bytes.span, from: 0) }

    /// Drops partial matches older than their rule's window.
    mutating func sweep(now: UInt64, specs: [SequenceSpec?]) {
        for rule in rules.indices where !rules[rule].isEmpty || !captured[rule].isEmpty {
            guard rule < specs.count, let spec = specs[rule] else {
                rules[rule].removeAll(); captured[rule].removeAll(); continue
            }
            sweep(rule: rule, now: now, windowNs: spec.windowNs)
        }
    }

    private mutating func sweep(rule: Int, now: UInt64, windowNs: UInt64) {
        rules[rule] = rules[rule].compactMapValues { partials in
            let alive = partials.filter { now <= $0.startNs || now - $0.startNs <= windowNs }
            return alive.isEmpty ? nil : alive
        }
        captured[rule] = Set(rules[rule].values.flatMap { $0.flatMap { $0.captures.map(SequenceTracker.hash) } })
    }

    /// Number of pending partial matches (diagnostics and tests).
    var pendingPartials: Int { rules.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } } }

    /// Keeps only the state of rules present in `mapping` (old index → new index).
    mutating func remap(_ mapping: [Int: Int], ruleCount: Int) {
        var next = [[GroupKey: [Partial]]](repeating: [:], count: ruleCount)
        var nextCaptured = [Set<UInt64>](repeating: [], count: ruleCount)
        for (old, state) in rules.enumerated() where !state.isEmpty {
            if let new = mapping[old] { next[new] = state; nextCaptured[new] = captured[old] }
        }
        rules = next
        captured = nextCaptured
    }
}
