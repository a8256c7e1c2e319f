import MamoriEvents
import MamoriProcess

/// Evaluates compiled rules against enriched events and keeps threshold and sequence state.
///
/// Exists as the detection stage of the pipeline: for each event it evaluates only the rules
/// of the event's categories (skipping, through the image-name index, rules that require another
/// executable), and turns matches into `RuleHit`s. Single-threaded by design: it lives on the
/// pipeline worker, which also owns the process table; it is a value type with no locks. The
/// no-hit path does not allocate once the field arena has grown to its working size.
public struct DetectionEngine {
    /// Injected dependencies: how uids become names and how descriptor types are read.
    ///
    /// Exists so tests (and a future sensor ABI) can substitute them. Immutable; any thread.
    public struct Configuration: Sendable {
        /// uid → user name for `User`/`ParentUser` (default: `getpwuid_r`).
        public var userNames: UserNameLookup
        /// Descriptor kinds of an exec for `StdinType`/`StdoutType`/`StderrType`.
        public var stdio: StdioReader
        /// What `DestinationIsLocal` counts as local (`detection.local_networks`).
        public var localNetworks: LocalNetworks
        /// The host's configured DNS servers, for `DnsServerIsConfigured`.
        public var resolvers: ResolverList

        public init(userNames: @escaping UserNameLookup = SystemUserNames.lookup,
                    stdio: @escaping StdioReader = StdioKinds.fromSensor,
                    localNetworks: LocalNetworks = LocalNetworks(), resolvers: ResolverList = ResolverList()) {
            self.userNames = userNames; self.stdio = stdio; self.localNetworks = localNetworks
            self.resolvers = resolvers
        }
    }

    /// Evaluation counters (cumulative), for metrics and the benchmark. Read on the worker.
    public struct Counters: Sendable, Equatable {
        public var events: UInt64 = 0
        public var programsRun: UInt64 = 0
        public var hits: UInt64 = 0
    }

    public private(set) var rules: CompiledRuleSet
    public private(set) var counters = Counters()
    private var fields: EventFields
    private var thresholds = ThresholdTracker()
    private var beacons = BeaconTracker()
    private var sequences = SequenceTracker()
    private var pendingSteps: [(rule: Int32, step: Int32, category: RuleCategory)] = []
    /// Programs already run in the current gated pass (== `markGeneration`).
    private var programMarks: [UInt32] = []
    private var markGeneration: UInt32 = 0
    /// Event time of the last sweep of expired threshold and sequence state.
    private var lastSweepNs: UInt64 = 0
    static let sweepIntervalNs: UInt64 = 5_000_000_000

    public init(rules: CompiledRuleSet, configuration: Configuration = Configuration()) {
        self.rules = rules
        self.fields = EventFields(userNames: configuration.userNames, stdio: configuration.stdio,
                                  localNetworks: configuration.localNetworks.networks)
        fields.resolvers = configuration.resolvers.servers
        pendingSteps.reserveCapacity(16)
    }

    /// Swaps in new host context on reload (`detection.local_networks`, /etc/resolv.conf);
    /// rules and their state are untouched.
    public mutating func replaceHostContext(localNetworks: LocalNetworks, resolvers: ResolverList) {
        fields.localNetworks = localNetworks.networks
        fields.resolvers = resolvers.servers
    }

    /// Swaps in a new rule set. Threshold and sequence state is kept for rules whose id and
    /// window definition are unchanged, and dropped for the others.
    public mutating func replaceRules(_ new: CompiledRuleSet) {
        var mapping: [Int: Int] = [:]
        var newIndex: [String: Int] = [:]
        for (i, rule) in new.rules.enumerated() { newIndex[rule.id] = i }
        for (old, rule) in rules.rules.enumerated() {
            guard let n = newIndex[rule.id], rules.thresholds[old] == new.thresholds[n],
                  rules.sequences[old] == new.sequences[n] else { continue }
            mapping[old] = n
        }
        thresholds.remap(mapping, ruleCount: new.count)
        beacons.remap(mapping, ruleCount: new.count)
        sequences.remap(mapping, ruleCount: new.count)
        rules = new
    }

    /// Pending threshold keys and sequence partials (diagnostics).
    public var pendingState: (thresholdKeys: Int, sequencePartials: Int) {
        (thresholds.pendingKeys + beacons.pendingKeys, sequences.pendingPartials)
    }

    /// Evaluates one event; appends hits to `hits` (which the caller may reuse between events
    /// to avoid allocation).
    /// - Parameters:
    ///   - process: the acting process's record (for exec events, the record after the exec).
    ///   - parent: its parent's record.
    ///   - ancestry: the ancestors, parent first (`ProcessTable.ancestry(of:)`).
    ///   - target: `activity` events: the target process's record, and whether it descends
    ///     from the acting process (`ActivityTarget`); `file` unlinks: the running process whose
    ///     executable was deleted (`TargetIsRunningImage`).
    public mutating func evaluate(_ event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?,
                                  ancestry: [ProcessRecord], target: ActivityTarget? = nil,
                                  into hits: inout [RuleHit]) {
        let categories = EventCategories(event)
        guard let first = categories.first else { return }
        counters.events &+= 1
        fields.reset()
        var input = EventInput(event: event, process: process, parent: parent, ancestry: ancestry,
                               facts: EventFacts(event))
        if let target {
            input.target = target.record
            input.targetIsDescendant = target.isDescendant
        }
        evaluate(category: first, input, &hits)
        if let second = categories.second { evaluate(category: second, input, &hits) }
        if !pendingSteps.isEmpty { advanceSequences(input, &hits) }
        let now = input.header.ktimeNs
        if now > lastSweepNs &+ DetectionEngine.sweepIntervalNs {
            lastSweepNs = now
            thresholds.sweep(now: now, specs: rules.thresholds)
            beacons.sweep(now: now, specs: rules.thresholds)
            sequences.sweep(now: now, specs: rules.sequences)
        }
    }

    /// Evaluates the `pipeline` category for one joined pipe: `exec` is the reader's exec (a
    /// process whose stdin is a pipe), `writer` the exec'd process writing that pipe. Called once
    /// per join by the pipeline worker (`PipeJoiner`), after or instead of the exec's own
    /// evaluation, so `process_creation` rules never see the exec twice.
    public mutating func evaluatePipeline(_ exec: ExecEvent, process: ProcessRecord?, parent: ProcessRecord?,
                                          ancestry: [ProcessRecord], writer: ProcessRecord,
                                          into hits: inout [RuleHit]) {
        guard !rules.categories[RuleCategory.pipeline.index].programs.isEmpty else { return }
        counters.events &+= 1
        fields.reset()
        let event = SensorEvent.exec(exec)
        var input = EventInput(event: event, process: process, parent: parent, ancestry: ancestry,
                               facts: EventFacts(event))
        input.stdinWriter = writer
        evaluate(category: .pipeline, input, &hits)
        if !pendingSteps.isEmpty { advanceSequences(input, &hits) }
    }

    /// Convenience form returning the hits.
    public mutating func evaluate(_ event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?,
                                  ancestry: [ProcessRecord]) -> [RuleHit] {
        var hits: [RuleHit] = []
        evaluate(event, process: process, parent: parent, ancestry: ancestry, into: &hits)
        return hits
    }

    private mutating func evaluate(category: RuleCategory, _ input: EventInput, _ hits: inout [RuleHit]) {
        let program = rules.categories[category.index]
        guard !program.programs.isEmpty else { return }
        fields.category = category
        fields.ancestorsScanned = false   // ancestor needles are per category
        // Find the category's gating literals in the event's fields.
        let words = (program.literalCount + 63) >> 6
        if words > 0 {
            var bits: [UInt64] = []
            swap(&bits, &fields.literalBits)   // a local, so scanning can borrow the arena meanwhile
            if bits.count < words { bits = [UInt64](repeating: 0, count: words) }
            for w in 0..<words { bits[w] = 0 }
            for k in 0..<program.scannerCount {
                guard let range = fields.text(program.scannerField(k), folded: true, input) else { continue }
                program.scan(k, fields.arena.span.extracting(range), into: &bits)
            }
            swap(&bits, &fields.literalBits)
        }
        for k in 0..<program.alwaysCount {
            runProgram(program, program.always(k), category, input, &hits)
        }
        if words > 0 && program.gatedCount > 0 {
            runGated(program, fields.literalBits, words, category, input, &hits)
        }
        if program.hasImageIndex, let image = fields.text(.image, folded: true, input),
           let candidates = program.imageCandidates(ImageName.hashOfBaseName(fields.arena.span.extracting(image))) {
            for i in candidates {
                runProgram(program, program.imageCandidate(i), category, input, &hits)
            }
        }
        if program.hasPortIndex, let port = fields.number(.destinationPort, input),
           let candidates = program.portCandidates(port) {
            for i in candidates {
                runProgram(program, program.portCandidate(i), category, input, &hits)
            }
        }
    }

    /// Runs each gated program one of whose literals was found, once.
    private mutating func runGated(_ program: CategoryProgram, _ bits: [UInt64], _ words: Int,
                                   _ category: RuleCategory, _ input: EventInput, _ hits: inout [RuleHit]) {
        markGeneration &+= 1
        if markGeneration == 0 {
            for i in programMarks.indices { programMarks[i] = 0 }
            markGeneration = 1
        }
        if programMarks.count < program.programs.count {
            programMarks += [UInt32](repeating: 0, count: program.programs.count - programMarks.count)
        }
        for w in 0..<words {
            var word = bits[w]
            while word != 0 {
                let id = w << 6 | word.trailingZeroBitCount
                word &= word &- 1
                for k in program.programsOpened(by: id) {
                    let p = program.openedProgram(k)
                    if programMarks[p] == markGeneration { continue }
                    programMarks[p] = markGeneration
                    runProgram(program, p, category, input, &hits)
                }
            }
        }
    }

    @inline(__always)
    private mutating func runProgram(_ program: CategoryProgram, _ index: Int, _ category: RuleCategory,
                                     _ input: EventInput, _ hits: inout [RuleHit]) {
        let step = program.programs[index].step
        if step > 0 {
            // A later sequence step cannot advance anything while its rule has no partial
            // match, nor when the value it must equal was never captured.
            let rule = Int(program.programs[index].rule)
            if !sequences.hasPartials(rule: rule) { return }
            if let join = program.programs[index].joinField {
                guard let range = fields.text(join, folded: false, input),
                      sequences.mayHaveCaptured(rule: rule, hash: ImageName.hash(fields.arena.span.extracting(range), from: 0))
                else { return }
            }
        }
        counters.programsRun &+= 1
        if program.run(index, &fields, input) {
            matched(program.programs[index], category: category, input, &hits)
        }
    }

    private mutating func matched(_ program: RuleProgram, category: RuleCategory, _ input: EventInput,
                                  _ hits: inout [RuleHit]) {
        let ruleIndex = Int(program.rule)
        if program.step >= 0 {
            pendingSteps.append((program.rule, program.step, category))
            return
        }
        let header = input.header
        if let spec = rules.thresholds[ruleIndex], let beacon = spec.beacon {
            guard let n = input.network else { return }
            let key = BeaconTracker.Key(group: groupKey(spec.by, input), destination: n.destination, port: n.destinationPort)
            let contribution = ContributingEvent(timestampNs: header.ktimeNs, process: header.processKey, category: category)
            guard let events = beacons.record(rule: ruleIndex, spec: spec, beacon: beacon, key: key, event: contribution)
            else { return }
            append(ruleIndex, category: category, key: key.group, events: events, input, &hits)
            return
        }
        if let spec = rules.thresholds[ruleIndex] {
            let key = groupKey(spec.by, input)
            var contribution = ContributingEvent(timestampNs: header.ktimeNs, process: header.processKey, category: category)
            if let field = spec.distinct { contribution.value = fields.string(field, input) ?? "" }
            else if let families = spec.families {
                // An event that matched through no counted selection belongs to no family.
                guard let name = family(ruleIndex, families, category, input) else { return }
                contribution.value = name
            }
            guard let events = thresholds.record(rule: ruleIndex, spec: spec, key: key, event: contribution) else { return }
            append(ruleIndex, category: category, key: key, events: events, input, &hits)
            return
        }
        append(ruleIndex, category: category, key: nil, events: [], input, &hits)
    }

    /// `distinct: selection`: the name of the first counted selection that holds on the event
    /// (nil when none does: the condition matched through another selection).
    private mutating func family(_ rule: Int, _ families: [String], _ category: RuleCategory,
                                 _ input: EventInput) -> String? {
        let program = rules.categories[category.index]
        guard let start = program.firstFamilyProgram(rule: rule) else { return nil }
        for f in families.indices {
            counters.programsRun &+= 1
            if program.run(start + f, &fields, input) { return families[f] }
        }
        return nil
    }

    private mutating func advanceSequences(_ input: EventInput, _ hits: inout [RuleHit]) {
        let header = input.header
        pendingSteps.sort { ($0.rule, $0.step) < ($1.rule, $1.step) }
        var k = 0
        while k < pendingSteps.count {
            let rule = pendingSteps[k].rule
            let category = pendingSteps[k].category
            var steps: [Int] = []
            while k < pendingSteps.count && pendingSteps[k].rule == rule {
                if steps.last != Int(pendingSteps[k].step) { steps.append(Int(pendingSteps[k].step)) }
                k += 1
            }
            guard let spec = rules.sequences[Int(rule)] else { continue }
            // Nothing to advance and nothing to start: the common case for late steps.
            if steps.first != 0 && !sequences.hasPartials(rule: Int(rule)) { continue }
            let key = groupKey(spec.by, input)
            let event = ContributingEvent(timestampNs: header.ktimeNs, process: header.processKey, category: category)
            // The raw values the steps may capture or compare, read before the tracker runs.
            var values: [(field: RuleField, bytes: [UInt8])] = []
            for field in spec.fields {
                if let range = fields.text(field, folded: false, input) { values.append((field, Array(fields.arena[range]))) }
            }
            let completions = sequences.advance(rule: Int(rule), spec: spec, key: key, steps: steps, event: event) { field in
                values.first { $0.field == field }?.bytes
            }
            for events in completions {
                append(Int(rule), category: category, key: key, events: events, input, &hits)
            }
        }
        pendingSteps.removeAll(keepingCapacity: true)
    }

    private func groupKey(_ by: GroupBy, _ input: EventInput) -> GroupKey {
        LineageKeys.key(by, input)
    }

    private mutating func append(_ ruleIndex: Int, category: RuleCategory, key: GroupKey?,
                                 events: [ContributingEvent], _ input: EventInput, _ hits: inout [RuleHit]) {
        counters.hits &+= 1
        let header = input.header
        hits.append(RuleHit(rule: rules.rules[ruleIndex], ruleIndex: ruleIndex, category: category,
                            timestampNs: header.ktimeNs, process: header.processKey, groupKey: key,
                            contributing: events))
    }
}
