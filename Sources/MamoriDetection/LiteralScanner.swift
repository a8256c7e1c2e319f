/// Finds which of a field's gating literals occur in a value, in one pass.
///
/// Exists so that the literal prefilter costs one scan per field instead of one search per rule
/// needle: with ~200 SigmaHQ process rules the per-event cost is one walk over the command line.
/// Positions whose first three bytes hash to a bit set in an 8 KB bitmap (L1-resident;
/// positions are independent, so the loop pipelines) are verified against the literals
/// starting with that trigram, found by binary search. The rare two-byte literals are searched
/// one by one.
/// (A dense Aho-Corasick DFA was measured first: its 100-200 KB tables made every byte a
/// dependent cache miss.) Built at load time, then immutable; any thread may scan with it.
final class LiteralScanner: Sendable {
    private static let hashBits = 16
    private let bitmap: [UInt64]
    /// Sorted trigram keys (b0 << 16 | b1 << 8 | b2), parallel to `entries`.
    private let keys: [UInt32]
    /// (pool offset, length, literal id) per key.
    private let entries: [(start: Int32, count: Int32, id: Int32)]
    private let pool: [UInt8]
    /// Two-byte literals, searched directly: (pool offset, literal id).
    private let short: [(start: Int32, id: Int32)]

    /// - Parameter literals: (id, folded bytes, at least 2 of them); ids index the hit bitset.
    init(_ literals: [(id: Int32, bytes: [UInt8])]) {
        var bitmap = [UInt64](repeating: 0, count: 1 << (LiteralScanner.hashBits - 6))
        var pool: [UInt8] = []
        var short: [(start: Int32, id: Int32)] = []
        var rows: [(key: UInt32, start: Int32, count: Int32, id: Int32)] = []
        for (id, bytes) in literals where bytes.count == 2 {
            short.append((Int32(pool.count), id))
            pool.append(contentsOf: bytes)
        }
        for (id, bytes) in literals where bytes.count >= 3 {
            let key = UInt32(bytes[0]) << 16 | UInt32(bytes[1]) << 8 | UInt32(bytes[2])
            rows.append((key, Int32(pool.count), Int32(bytes.count), id))
            pool.append(contentsOf: bytes)
            let bit = LiteralScanner.hash(key)
            bitmap[bit >> 6] |= 1 << UInt64(bit & 63)
        }
        rows.sort { $0.key < $1.key }
        self.bitmap = bitmap
        self.pool = pool
        self.short = short
        keys = rows.map(\.key)
        entries = rows.map { ($0.start, $0.count, $0.id) }
    }

    @inline(__always)
    private static func hash(_ key: UInt32) -> Int {
        Int((key &* 0x9E37_79B1) >> UInt32(32 - hashBits))
    }

    /// Number of literals (diagnostics).
    var literalCount: Int { keys.count + short.count }

    /// Sets the bit of every literal found in `text`.
    func scan(_ text: Span<UInt8>, into bits: inout [UInt64]) {
        // Spans need local arrays (a class property cannot lend one beyond its access).
        let pool = self.pool, bitmap = self.bitmap
        let all = pool.span
        for k in short.indices {
            let start = Int(short[k].start)
            guard ByteSearch.contains(text, all.extracting(start..<start + 2)) else { continue }
            let id = Int(short[k].id)
            bits[id >> 6] |= 1 << UInt64(id & 63)
        }
        let n = text.count
        guard n >= 3 else { return }
        let map = bitmap.span
        var key = UInt32(text[0]) << 8 | UInt32(text[1])
        var i = 0
        while i + 2 < n {
            key = (key << 8 | UInt32(text[i + 2])) & 0xff_ffff
            let bit = LiteralScanner.hash(key)
            if map[bit >> 6] & (1 << UInt64(bit & 63)) != 0 {
                verify(key, at: i, text, all, &bits)
            }
            i += 1
        }
    }

    private func verify(_ key: UInt32, at position: Int, _ text: Span<UInt8>, _ all: Span<UInt8>,
                        _ bits: inout [UInt64]) {
        // First entry with this key.
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if keys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        while lo < keys.count && keys[lo] == key {
            let entry = entries[lo]
            let length = Int(entry.count)
            if position + length <= text.count,
               ByteSearch.same(text, position, all.extracting(Int(entry.start)..<Int(entry.start) + length)) {
                let id = Int(entry.id)
                bits[id >> 6] |= 1 << UInt64(id & 63)
            }
            lo += 1
        }
    }
}
