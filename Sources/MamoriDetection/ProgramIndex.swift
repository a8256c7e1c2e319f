/// An open-addressing hash table from a 64-bit key to a list of program indices.
///
/// Exists for the image-name and port prefilters: one multiply-shift probe per event instead
/// of a `Dictionary` lookup with SipHash. A final class so the hot path holds one reference
/// rather than four arrays. Built at load time, then immutable; any thread may read it.
final class ProgramIndex: Sendable {
    private let keys: [UInt64]
    private let starts: [Int32]
    private let counts: [Int32]
    let values: [Int32]
    private let shift: UInt64

    convenience init() { self.init([:]) }

    init(_ map: [UInt64: [Int32]]) {
        var capacity = 8
        while capacity < map.count * 2 { capacity <<= 1 }
        let shift = UInt64(64 - capacity.trailingZeroBitCount)
        var keys = [UInt64](repeating: 0, count: map.isEmpty ? 0 : capacity)
        var starts = [Int32](repeating: 0, count: keys.count)
        var counts = [Int32](repeating: -1, count: keys.count)
        var values: [Int32] = []
        for (key, programs) in map.sorted(by: { $0.key < $1.key }) {
            var slot = Int((key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while counts[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            keys[slot] = key
            starts[slot] = Int32(values.count)
            counts[slot] = Int32(programs.count)
            values.append(contentsOf: programs)
        }
        self.keys = keys; self.starts = starts; self.counts = counts; self.values = values; self.shift = shift
    }

    var isEmpty: Bool { keys.isEmpty }

    @inline(__always)
    private func slotOf(_ key: UInt64) -> Int {
        Int((key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The range in `values` of the programs stored under `key`.
    @inline(__always)
    func lookup(_ key: UInt64) -> Range<Int>? {
        guard !keys.isEmpty else { return nil }
        var slot = slotOf(key)
        while true {
            let count = counts[slot]
            if count < 0 { return nil }
            if keys[slot] == key { return Int(starts[slot])..<Int(starts[slot] + count) }
            slot = (slot + 1) & (keys.count - 1)
        }
    }

    /// Every program stored (diagnostics).
    var allPrograms: Set<Int32> { Set(values) }
}
