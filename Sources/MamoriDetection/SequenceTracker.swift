/// Partial matches of sequence rules.
///
/// Exists to detect ordered chains ("a file written by curl, then chmod +x on that path, then
/// executed") per key within a window. Each partial remembers the next step it waits for, when
/// it started, what earlier steps captured and the contributing events. One event advances a
/// partial by at most one step; a step-0 match always starts a new partial. Bounded: at most
/// `maxPartialsPerKey` partials per key (oldest dropped) and `maxKeysPerRule` keys per rule.
/// Owned by a `DetectionEngine` on the pipeline worker thread.
struct SequenceTracker {
    static let maxPartialsPerKey = 16
    static let maxKeysPerRule = 8192

    struct Partial {
        var nextStep: Int
        var startNs: UInt64
        var captures: [String: [UInt8]]
        var events: [ContributingEvent]
    }

    private var rules: [Int: [GroupKey: [Partial]]] = [:]

    /// Applies one event that matched `steps` (ascending) of `rule`. `captureValue` returns the
    /// raw value of a field of the event; returns the contributing events of every completion.
    mutating func advance(rule: Int, spec: SequenceSpec, key: GroupKey, steps: [Int], event: ContributingEvent,
                          captureValue: (RuleField) -> [UInt8]?) -> [[ContributingEvent]] {
        let now = event.timestampNs
        var keys = rules[rule] ?? [:]
        var partials = (keys[key] ?? []).filter { now < $0.startNs || now - $0.startNs <= spec.windowNs }
        var completed: [[ContributingEvent]] = []
        var survivors: [Partial] = []
        for var partial in partials {
            let step = partial.nextStep
            if steps.contains(step), satisfies(spec.steps[step], partial.captures, captureValue) {
                var contribution = event
                contribution.step = step
                partial.events.append(contribution)
                for (name, field) in spec.steps[step].captures { partial.captures[name] = captureValue(field) ?? [] }
                partial.nextStep += 1
                if partial.nextStep == spec.steps.count {
                    completed.append(partial.events)
                    continue
                }
            }
            survivors.append(partial)
        }
        partials = survivors
        if steps.first == 0 {
            var contribution = event
            contribution.step = 0
            var captures: [String: [UInt8]] = [:]
            for (name, field) in spec.steps[0].captures { captures[name] = captureValue(field) ?? [] }
            partials.append(Partial(nextStep: 1, startNs: now, captures: captures, events: [contribution]))
            if partials.count > SequenceTracker.maxPartialsPerKey {
                partials.removeFirst(partials.count - SequenceTracker.maxPartialsPerKey)
            }
        }
        keys[key] = partials.isEmpty ? nil : partials
        if keys.count > SequenceTracker.maxKeysPerRule {
            keys = keys.filter { $0.value.contains { now - min(now, $0.startNs) <= spec.windowNs } }
            if keys.count > SequenceTracker.maxKeysPerRule { keys.removeAll() }
        }
        rules[rule] = keys
        return completed
    }

    private func satisfies(_ step: SequenceStep, _ captures: [String: [UInt8]],
                           _ value: (RuleField) -> [UInt8]?) -> Bool {
        for (field, name, comparison) in step.matches {
            guard let captured = captures[name], let actual = value(field) else { return false }
            let ok: Bool
            switch comparison {
            case .equals: ok = actual == captured
            case .startswith: ok = actual.starts(with: captured)
            case .endswith: ok = actual.count >= captured.count && actual.suffix(captured.count).elementsEqual(captured)
            case .contains: ok = ByteSearch.contains(actual.span, captured.span)
            }
            if !ok { return false }
        }
        return true
    }

    /// Number of pending partial matches (diagnostics and tests).
    var pendingPartials: Int { rules.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } } }

    /// Keeps only the state of rules present in `mapping` (old index → new index).
    mutating func remap(_ mapping: [Int: Int]) {
        var next: [Int: [GroupKey: [Partial]]] = [:]
        for (old, state) in rules { if let new = mapping[old] { next[new] = state } }
        rules = next
    }
}
