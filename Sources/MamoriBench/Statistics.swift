/// Order statistics of a handful of repetitions: the median and the spread around it.
///
/// Exists because benchmark repetitions are few and noisy: the median resists one outlier,
/// and the spread (min…max) says how far to trust it. Pure functions; any thread.
public enum Stats {
    public static func median(_ xs: [Double]) -> Double? {
        guard !xs.isEmpty else { return nil }
        let s = xs.sorted()
        let m = s.count / 2
        return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
    }

    /// Nearest-rank percentile, p in 0...100.
    public static func percentile(_ xs: [Double], _ p: Double) -> Double? {
        guard !xs.isEmpty else { return nil }
        let s = xs.sorted()
        let rank = Int((p / 100 * Double(s.count)).rounded(.up))
        return s[min(max(rank - 1, 0), s.count - 1)]
    }

    /// (max − min) / median in percent: how much the repetitions disagree.
    public static func spreadPct(_ xs: [Double]) -> Double? {
        guard let m = median(xs), m != 0, let lo = xs.min(), let hi = xs.max() else { return nil }
        return (hi - lo) / abs(m) * 100
    }
}

/// A log-linear latency histogram (8 sub-buckets per power of two: ≤ 12.5 % relative error)
/// in a fixed array: recording never allocates.
///
/// Exists for the kernel-to-decision latency, recorded once per event on the worker thread;
/// the same layout lives in the shared memory the agent child writes (`SharedCounters`).
public struct LatencyHistogram: Sendable, Equatable {
    public static let bucketCount = 512
    public var buckets: [UInt64]

    public init() { buckets = [UInt64](repeating: 0, count: Self.bucketCount) }
    public init(buckets: [UInt64]) { self.buckets = buckets }

    @inline(__always)
    public static func index(_ v: UInt64) -> Int {
        if v < 8 { return Int(v) }
        let e = 63 - v.leadingZeroBitCount            // >= 3
        let sub = Int((v >> UInt64(e - 3)) & 7)
        return min((e - 2) * 8 + sub, bucketCount - 1)
    }

    /// The largest value that falls into bucket `i` (what a percentile reports).
    public static func upperBound(_ i: Int) -> UInt64 {
        if i < 8 { return UInt64(i) }
        let e = i / 8 + 2, sub = UInt64(i % 8)
        guard e < 63 else { return UInt64.max }
        return ((8 + sub + 1) << UInt64(e - 3)) - 1
    }

    public mutating func record(_ v: UInt64) { buckets[Self.index(v)] &+= 1 }

    public var count: UInt64 { buckets.reduce(0, &+) }

    /// Value at percentile p (0...100), as the upper bound of its bucket; nil when empty.
    public func percentile(_ p: Double) -> UInt64? {
        let n = count
        guard n > 0 else { return nil }
        let target = max(UInt64((p / 100 * Double(n)).rounded(.up)), 1)
        var seen: UInt64 = 0
        for (i, c) in buckets.enumerated() {
            seen &+= c
            if seen >= target { return Self.upperBound(i) }
        }
        return Self.upperBound(Self.bucketCount - 1)
    }

    /// Counts recorded since `earlier` (a snapshot of the same histogram).
    public func since(_ earlier: LatencyHistogram) -> LatencyHistogram {
        LatencyHistogram(buckets: zip(buckets, earlier.buckets).map { $0 &- $1 })
    }

    public mutating func add(_ other: LatencyHistogram) {
        for i in 0..<buckets.count { buckets[i] &+= other.buckets[i] }
    }
}
