/// Byte-level string tests over spans: equality, prefix, suffix, substring and Sigma globs.
///
/// Exists because matching is the hot path: rule needles and event values are both held as
/// case-folded UTF-8 in flat buffers, so every test is a loop over bytes with no String, no
/// allocation and no Unicode normalisation. Pure functions; any thread may call them.
enum ByteSearch {
    @inline(__always)
    static func equals(_ h: Span<UInt8>, _ n: Span<UInt8>) -> Bool {
        h.count == n.count && same(h, 0, n)
    }

    @inline(__always)
    static func hasPrefix(_ h: Span<UInt8>, _ n: Span<UInt8>) -> Bool {
        h.count >= n.count && same(h, 0, n)
    }

    @inline(__always)
    static func hasSuffix(_ h: Span<UInt8>, _ n: Span<UInt8>) -> Bool {
        h.count >= n.count && same(h, h.count - n.count, n)
    }

    /// Whether `h[at...]` starts with `n` (the caller guarantees the length).
    @inline(__always)
    static func same(_ h: Span<UInt8>, _ at: Int, _ n: Span<UInt8>) -> Bool {
        var j = 0
        let m = n.count
        while j < m {
            if h[at + j] != n[j] { return false }
            j += 1
        }
        return true
    }

    /// Substring search: candidate positions where both the first and the last needle byte
    /// match are found eight at a time (SWAR), then verified.
    static func contains(_ h: Span<UInt8>, _ n: Span<UInt8>) -> Bool {
        firstIndex(of: n, in: h, from: 0) != nil
    }

    static func firstIndex(of n: Span<UInt8>, in h: Span<UInt8>, from: Int) -> Int? {
        let m = n.count
        let l = h.count
        if m == 0 { return from <= l ? from : nil }
        if m > l - from { return nil }
        let first = n[0], last = n[m - 1]
        let end = l - m
        var i = from
        if end - i >= 8 {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let bf = UInt64(first) &* ones, bl = UInt64(last) &* ones
            let raw = h.bytes   // RawSpan loads are bounds-checked; "unsafe" only means reinterpreting bytes
            while i + 8 <= end + 1 {
                let a = raw.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self) ^ bf
                let b = raw.unsafeLoadUnaligned(fromByteOffset: i + m - 1, as: UInt64.self) ^ bl
                let v = a | b
                var z = (v &- ones) & ~v & highs
                while z != 0 {
                    let k = i + (z.littleEndian.trailingZeroBitCount >> 3)
                    if same(h, k, n) { return k }
                    z &= z &- 1
                }
                i += 8
            }
        }
        while i <= end {
            if h[i] == first && same(h, i, n) { return i }
            i += 1
        }
        return nil
    }
}

/// Sigma glob matching for values that mix `*` and `?` in ways the simple shapes cannot express.
///
/// Segments are separated by `*`; inside a segment the byte `anyOneMarker` (0xFF, which never
/// occurs in UTF-8) stands for `?` and consumes one whole UTF-8 character. Segments are matched
/// greedily left to right, which is exact for `*`-separated patterns.
enum GlobMatcher {
    static let anyOneMarker: UInt8 = 0xFF

    /// Length in bytes of the UTF-8 character starting with `lead`.
    @inline(__always)
    static func characterLength(_ lead: UInt8) -> Int {
        lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    /// Matches one segment at `at`; returns the end offset or nil.
    static func matchSegment(_ h: Span<UInt8>, at: Int, _ seg: Span<UInt8>) -> Int? {
        var p = at
        var j = 0
        while j < seg.count {
            guard p < h.count else { return nil }
            let c = seg[j]
            if c == anyOneMarker {
                p += characterLength(h[p])
                if p > h.count { return nil }
            } else {
                if h[p] != c { return nil }
                p += 1
            }
            j += 1
        }
        return p
    }

    /// Finds the first position >= `from` where the segment matches; returns (start, end).
    static func findSegment(_ h: Span<UInt8>, from: Int, _ seg: Span<UInt8>, hasAnyOne: Bool) -> (Int, Int)? {
        if !hasAnyOne {
            guard let k = ByteSearch.firstIndex(of: seg, in: h, from: from) else { return nil }
            return (k, k + seg.count)
        }
        var s = from
        while s <= h.count {
            if let e = matchSegment(h, at: s, seg) { return (s, e) }
            if s == h.count { break }
            s += characterLength(h[s])
        }
        return nil
    }
}
