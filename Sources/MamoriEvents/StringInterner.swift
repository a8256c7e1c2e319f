/// A bounded cache of the strings the decoder materialised recently, keyed by their raw bytes.
///
/// Exists so that the steady state of a sensor (the same executables, paths, working
/// directories and command lines again and again) costs no allocation: a hit hands back the
/// `String` decoded earlier (a retain of its shared storage), a miss decodes once and keeps the
/// result. Strings of at most 15 UTF-8 bytes are never interned: Swift stores them inline, so
/// they never allocate.
///
/// Hostile input is normal here, so the tables are **bounded and direct-mapped**: a fixed
/// number of slots chosen by a seeded hash of the bytes, one comparison per lookup, and a miss
/// simply replaces the slot's occupant. An attacker who floods unique names (or names that
/// collide) only turns hits into misses: each event then costs one hash, at most one compare
/// and the one decode it would cost without the table, and no extra allocation (argv keys are
/// copied into storage allocated once); memory stays at the `init` bound. Only byte strings
/// whose decoded form has exactly the same bytes are kept (valid UTF-8 that needed no repair or
/// normalisation), so a hit is always the string a fresh decode would produce.
///
/// Threading: a value owned by one `RecordDecoder` (the poller thread); not shared.
public struct StringInterner: Sendable {
    /// Which decoding produced a kept string: the same bytes decode differently as plain text
    /// (exe, cwd, relative paths) and as an absolute path (lexically normalised), so a slot only
    /// answers lookups of its own domain.
    public enum Domain: UInt8, Sendable { case text = 1, path = 2 }

    /// Slots of the string table (a power of two).
    public let capacity: Int
    /// Slots of the argv table (a power of two).
    public let argvCapacity: Int
    /// Longest raw argv (bytes) that is interned; longer vectors are decoded every time.
    public let maxArgvBytes: Int
    private var strings: [String]
    private var stringHashes: [UInt64]
    private var stringDomains: [UInt8]
    /// argvCapacity × maxArgvBytes bytes: slot i's raw argv starts at i × maxArgvBytes.
    private var argvKeys: [UInt8]
    private var argvKeyLengths: [Int]
    private var argvValues: [[String]]
    private var argvHashes: [UInt64]
    private let seed: UInt64
    /// Lookups answered from a table / lookups that decoded (both tables).
    public private(set) var hits: UInt64 = 0
    public private(set) var misses: UInt64 = 0

    /// - Parameters:
    ///   - capacity: string slots, rounded up to a power of two (default 4,096: a few hundred
    ///     KiB at typical path lengths).
    ///   - argvCapacity: argv slots, rounded up to a power of two (default 256).
    ///   - maxArgvBytes: longest interned raw argv (default 1,024; keys take
    ///     argvCapacity × maxArgvBytes bytes, 256 KiB by default).
    ///   - seed: hash seed; random by default so collisions cannot be precomputed.
    public init(capacity: Int = 4_096, argvCapacity: Int = 256, maxArgvBytes: Int = 1_024,
                seed: UInt64 = UInt64.random(in: 1...UInt64.max)) {
        let c = Self.powerOfTwo(capacity), a = Self.powerOfTwo(argvCapacity)
        self.capacity = c
        self.argvCapacity = a
        self.maxArgvBytes = Swift.max(1, Swift.min(maxArgvBytes, 1 << 16))
        self.seed = seed
        strings = Array(repeating: "", count: c)
        stringHashes = Array(repeating: 0, count: c)
        stringDomains = Array(repeating: 0, count: c)
        argvKeys = Array(repeating: 0, count: a * self.maxArgvBytes)
        argvKeyLengths = Array(repeating: 0, count: a)
        argvValues = Array(repeating: [], count: a)
        argvHashes = Array(repeating: 0, count: a)
    }

    private static func powerOfTwo(_ n: Int) -> Int {
        var c = 16
        while c < n && c < (1 << 20) { c <<= 1 }
        return c
    }

    /// The string for `bytes`: the kept one when these bytes were seen in its slot with the
    /// same `domain`, else `decode(bytes)` (which must be a pure function of the bytes, the same
    /// one for every call with this domain), kept when it round-trips.
    @inline(__always)
    public mutating func string(_ bytes: UnsafeBufferPointer<UInt8>, _ domain: Domain,
                                decode: (UnsafeBufferPointer<UInt8>) -> String) -> String {
        if bytes.count <= 15 { return decode(bytes) }
        let h = hash(bytes) | 1  // 0 marks an empty slot
        let slot = Int(truncatingIfNeeded: h) & (capacity - 1)
        if stringHashes[slot] == h && stringDomains[slot] == domain.rawValue && Self.equal(strings[slot], bytes) {
            hits &+= 1
            return strings[slot]
        }
        misses &+= 1
        let value = decode(bytes)
        if Self.equal(value, bytes) {
            strings[slot] = value
            stringHashes[slot] = h
            stringDomains[slot] = domain.rawValue
        }
        return value
    }

    /// The argv for the raw NUL-separated bytes `raw` (with `argc`): the kept vector on a hit,
    /// else `decode()` (a pure function of `raw` and `argc`), kept when `raw` fits a slot.
    @inline(__always)
    public mutating func argv(_ raw: UnsafeBufferPointer<UInt8>, argc: UInt32, decode: () -> [String]) -> [String] {
        guard raw.count <= maxArgvBytes, raw.count > 0 else { return decode() }
        let h = (hash(raw) ^ (UInt64(argc) &* 0x9E37_79B9_7F4A_7C15)) | 1
        let slot = Int(truncatingIfNeeded: h) & (argvCapacity - 1)
        let base = slot * maxArgvBytes
        if argvHashes[slot] == h && argvKeyLengths[slot] == raw.count
            && argvKeys.withUnsafeBufferPointer({ Self.equalBytes(UnsafeBufferPointer(rebasing: $0[base..<(base + raw.count)]), raw) }) {
            hits &+= 1
            return argvValues[slot]
        }
        misses &+= 1
        let value = decode()
        argvKeys.withUnsafeMutableBufferPointer { keys in
            for i in 0..<raw.count { keys[base + i] = raw[i] }
        }
        argvKeyLengths[slot] = raw.count
        argvValues[slot] = value
        argvHashes[slot] = h
        return value
    }

    /// A seeded 64-bit hash, 8 bytes per step (unaligned loads).
    @inline(__always)
    func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = seed ^ (UInt64(bytes.count) &* 0xA076_1D64_78BD_642F)
        guard let base = bytes.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0x9FB2_1C65_1E98_DF25
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x9FB2_1C65_1E98_DF25
        return h ^ (h >> 32)
    }

    @inline(__always)
    static func equal(_ s: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard s.utf8.count == bytes.count else { return false }
        return s.utf8.withContiguousStorageIfAvailable { equalBytes($0, bytes) } ?? s.utf8.elementsEqual(bytes)
    }

    @inline(__always)
    static func equalBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return a.count == 0 }
        let ra = UnsafeRawPointer(pa), rb = UnsafeRawPointer(pb)
        let n = a.count
        var i = 0
        while i + 8 <= n {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i += 8
        }
        while i < n {
            if pa[i] != pb[i] { return false }
            i += 1
        }
        return true
    }
}
