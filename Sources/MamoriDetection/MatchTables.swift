import MamoriEvents

/// One compiled value of a field test. A plain value type (no references) so that arrays of
/// them are walked without reference counting.
struct Pattern: Sendable {
    enum Kind: UInt8, Sendable {
        case exact, prefix, suffix, contains, glob, any
        case null, exists, notExists, never
        case regex, cidr
        /// A regex's static prefilter alone (minimum length, required literals): a cheap
        /// necessary condition placed before the regex itself.
        case regexPrefilter
        case numberEquals, numberLess, numberLessOrEqual, numberGreater, numberGreaterOrEqual
        /// `fieldref`: compare with another field of the same event.
        case fieldEquals, fieldPrefix, fieldSuffix, fieldContains
    }

    var kind: Kind
    /// Compare raw bytes instead of case-folded ones (`cased`, base64 values).
    var cased = false
    var anchoredStart = false
    var anchoredEnd = false
    /// Needle offset in the pool, first glob segment, regex or network index, or referenced field.
    var start: Int32 = 0
    /// Needle length or glob segment count.
    var count: Int32 = 0
    var number: Int64 = 0
}

/// One `*`-separated part of a glob pattern.
struct GlobSegment: Sendable {
    var start: Int32
    var count: Int32
    var hasAnyOne: Bool
}

/// One `Field|modifiers: values` item: its values are OR-ed, or AND-ed with `all`.
struct FieldTest: Sendable {
    var field: RuleField
    var matchAll: Bool
    var patternStart: Int32
    var patternCount: Int32
}

/// The compiled values of every rule of one category, in flat arrays.
///
/// Exists so that evaluation walks contiguous plain-value arrays: needles live in one byte
/// pool, patterns and tests refer to it by offset. Built once by the loader, then immutable and
/// shared (`Sendable`) with the pipeline worker.
struct MatchTables: Sendable {
    var pool: [UInt8] = []
    var patterns: [Pattern] = []
    var segments: [GlobSegment] = []
    var tests: [FieldTest] = []
    var regexes: [RegexMatcher] = []
    var networks: [IPNetwork] = []
    /// Needles of the ancestor tests, scanned lazily (filled in by `CategoryProgram`).
    var ancestorLiterals = AncestorLiterals()
    /// Hash lookups for long lists of names (filled in by `CategoryProgram`).
    var nameSets = NameSets()

    // MARK: - Evaluation

    func evaluate(test index: Int, _ ctx: inout EventFields, _ input: EventInput) -> Bool {
        let test = tests[index]
        switch test.field.kind {
        case .ancestors:
            if !input.ancestry.isEmpty, let verdict = ancestorLiterals.verdict(index, test, &ctx, input) { return verdict }
            if input.ancestry.isEmpty { return evaluatePatterns(index, test, field: test.field, ancestor: nil, &ctx, input) }
            for i in 0..<ctx.ancestorCount(test.field, input)
            where evaluatePatterns(index, test, field: test.field, ancestor: i, &ctx, input) {
                return true
            }
            return false
        case .keywords:
            for field in RuleField.keywordFields(for: ctx.category)
            where evaluatePatterns(index, test, field: field, ancestor: nil, &ctx, input) {
                return true
            }
            return false
        default:
            return evaluatePatterns(index, test, field: test.field, ancestor: nil, &ctx, input)
        }
    }

    private func evaluatePatterns(_ index: Int, _ test: FieldTest, field: RuleField, ancestor: Int?,
                                  _ ctx: inout EventFields, _ input: EventInput) -> Bool {
        if test.field != .keywords, index < nameSets.testSet.count, nameSets.testSet[index] >= 0 {
            let set = Int(nameSets.testSet[index])
            // One hash of the value's base name instead of one comparison per listed name.
            guard let range = value(field, ancestor: ancestor, folded: true, &ctx, input) else { return false }
            let span = ctx.arena.span.extracting(range)
            guard let candidates = nameSets.sets[set][ImageName.hashOfBaseName(span)] else { return false }
            for k in candidates where matchText(patterns[Int(k)], span) { return true }
            return false
        }
        let start = Int(test.patternStart), end = start + Int(test.patternCount)
        var i = start
        if test.matchAll {
            while i < end {
                if !matches(i, field: field, ancestor: ancestor, &ctx, input) { return false }
                i += 1
            }
            return true
        }
        while i < end {
            if matches(i, field: field, ancestor: ancestor, &ctx, input) { return true }
            i += 1
        }
        return false
    }

    private func value(_ field: RuleField, ancestor: Int?, folded: Bool, _ ctx: inout EventFields,
                       _ input: EventInput) -> Range<Int>? {
        if let ancestor { return ctx.ancestorText(field, index: ancestor, folded: folded, input) }
        return ctx.text(field, folded: folded, input)
    }

    private func matches(_ index: Int, field: RuleField, ancestor: Int?, _ ctx: inout EventFields,
                         _ input: EventInput) -> Bool {
        let p = patterns[index]
        switch p.kind {
        case .exact, .prefix, .suffix, .contains, .glob, .any:
            guard let range = value(field, ancestor: ancestor, folded: !p.cased, &ctx, input) else { return false }
            return matchText(p, ctx.arena.span.extracting(range))
        case .null:
            if ancestor != nil { return value(field, ancestor: ancestor, folded: false, &ctx, input)?.isEmpty ?? true }
            return ctx.isNull(field, input)
        case .exists, .notExists:
            let present = ancestor != nil
                ? value(field, ancestor: ancestor, folded: false, &ctx, input) != nil : ctx.exists(field, input)
            return present == (p.kind == .exists)
        case .never:
            return false
        case .regex, .regexPrefilter:
            let matcher = regexes[Int(p.start)]
            let filter = matcher.prefilter
            guard let range = value(field, ancestor: ancestor, folded: filter.literalsFolded, &ctx, input) else { return false }
            if range.count < filter.minimumLength { return false }
            for set in filter.literalSets {
                let hay = ctx.arena.span.extracting(range)
                var found = false
                for literal in set where ByteSearch.contains(hay, literal.span) {
                    found = true
                    break
                }
                if !found { return false }
            }
            if p.kind == .regexPrefilter { return true }
            let raw = filter.literalsFolded ? value(field, ancestor: ancestor, folded: false, &ctx, input) : range
            guard let raw else { return false }
            var scratch = FastRegex.Scratch()
            swap(&scratch, &ctx.regexScratch)   // a local, so matching can borrow the arena
            defer { swap(&scratch, &ctx.regexScratch) }
            return matcher.fast.matches(ctx.arena.span.extracting(raw), scratch: &scratch)
        case .cidr:
            guard ancestor == nil, let address = ctx.ip(field, input) else { return false }
            return networks[Int(p.start)].contains(address)
        case .numberEquals, .numberLess, .numberLessOrEqual, .numberGreater, .numberGreaterOrEqual:
            guard ancestor == nil, let n = ctx.number(field, input) else { return false }
            let v = Int64(clamping: n)
            switch p.kind {
            case .numberEquals: return v == p.number
            case .numberLess: return v < p.number
            case .numberLessOrEqual: return v <= p.number
            case .numberGreater: return v > p.number
            default: return v >= p.number
            }
        case .fieldEquals, .fieldPrefix, .fieldSuffix, .fieldContains:
            let other = RuleField(rawValue: UInt8(p.start))!
            guard let needle = ctx.text(other, folded: !p.cased, input),
                  let hay = value(field, ancestor: ancestor, folded: !p.cased, &ctx, input) else { return false }
            let span = ctx.arena.span
            let h = span.extracting(hay), n = span.extracting(needle)
            switch p.kind {
            case .fieldEquals: return ByteSearch.equals(h, n)
            case .fieldPrefix: return ByteSearch.hasPrefix(h, n)
            case .fieldSuffix: return ByteSearch.hasSuffix(h, n)
            default: return ByteSearch.contains(h, n)
            }
        }
    }

    @inline(__always)
    private func matchText(_ p: Pattern, _ h: Span<UInt8>) -> Bool {
        let all = pool.span
        switch p.kind {
        case .any: return true
        case .glob: return matchGlob(p, h, all)
        default:
            let n = all.extracting(Int(p.start)..<Int(p.start + p.count))
            switch p.kind {
            case .exact: return ByteSearch.equals(h, n)
            case .prefix: return ByteSearch.hasPrefix(h, n)
            case .suffix: return ByteSearch.hasSuffix(h, n)
            default: return ByteSearch.contains(h, n)
            }
        }
    }

    private func matchGlob(_ p: Pattern, _ h: Span<UInt8>, _ all: Span<UInt8>) -> Bool {
        let first = Int(p.start), count = Int(p.count)
        var position = 0
        for k in 0..<count {
            let seg = segments[first + k]
            let bytes = all.extracting(Int(seg.start)..<Int(seg.start + seg.count))
            let isFirst = k == 0, isLast = k == count - 1
            if isLast && p.anchoredEnd {
                if isFirst && p.anchoredStart {
                    return GlobMatcher.matchSegment(h, at: 0, bytes) == h.count
                }
                if !seg.hasAnyOne {
                    let at = h.count - bytes.count
                    return at >= position && ByteSearch.same(h, at, bytes)
                }
                var s = position
                while s <= h.count {
                    if GlobMatcher.matchSegment(h, at: s, bytes) == h.count { return true }
                    if s == h.count { break }
                    s += GlobMatcher.characterLength(h[s])
                }
                return false
            }
            if isFirst && p.anchoredStart {
                guard let end = GlobMatcher.matchSegment(h, at: 0, bytes) else { return false }
                position = end
            } else {
                guard let (_, end) = GlobMatcher.findSegment(h, from: position, bytes, hasAnyOne: seg.hasAnyOne) else {
                    return false
                }
                position = end
            }
        }
        return true
    }
}
