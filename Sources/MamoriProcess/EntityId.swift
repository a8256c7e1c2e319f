import MamoriEvents

/// Derives `process.entity_id` values: stable strings that identify one process across pid
/// reuse and across reboots.
///
/// Formula (version 1, keep stable — stored events and alerts refer to these ids):
///
///     digest    = FNV-1a-128( bootId ‖ 0x00 ‖ le32(pid) ‖ le64(startTicks) )
///     entity_id = base64url(big-endian digest), no padding   (22 characters)
///
/// - `bootId` is `/proc/sys/kernel/random/boot_id` as ASCII, whitespace trimmed and lowercased
///   (a fresh random UUID on every boot, so ids of two boots never collide even when pids and
///   start times repeat);
/// - `pid` is the thread-group id, `startTicks` is `ProcessKey.startTicks` (CLOCK_BOOTTIME in
///   1/100 s), so a kernel record and a /proc seed of the same process get the same id;
/// - FNV-1a-128 uses offset basis 0x6c62272e07bb014262b821756295c58d and prime 2^88 + 0x13b.
///
/// It is not a cryptographic hash: ids are identifiers, not secrets. The hash state after the
/// boot id is computed once, so an id costs 12 byte rounds plus one 22-byte string.
///
/// A value type without mutable state: `Sendable`, usable from any thread.
public struct EntityIdGenerator: Sendable, Equatable {
    /// The normalised boot id the ids are derived from (may be empty where unknown).
    public let bootId: String
    private let seeded: FNV1a128

    /// - Parameter bootId: the host boot id; pass `EntityIdGenerator.readBootId()` in production.
    public init(bootId: String) {
        let normalized = Self.normalize(bootId)
        self.bootId = normalized
        var hash = FNV1a128()
        for byte in normalized.utf8 { hash.add(byte) }
        hash.add(0)
        self.seeded = hash
    }

    /// Reads and normalises `<procRoot>/sys/kernel/random/boot_id`; `nil` when unreadable.
    public static func readBootId(procRoot: String = "/proc") -> String? {
        guard let text = ProcFS.readText(procRoot + "/sys/kernel/random/boot_id") else { return nil }
        let id = normalize(text)
        return id.isEmpty ? nil : id
    }

    /// A generator for this host (boot id from /proc; empty boot id when unreadable, which still
    /// yields ids unique within this boot).
    public static func forThisHost(procRoot: String = "/proc") -> EntityIdGenerator {
        EntityIdGenerator(bootId: readBootId(procRoot: procRoot) ?? "")
    }

    /// The entity id of the process `key`.
    public func entityId(for key: ProcessKey) -> String {
        var hash = seeded
        hash.addLittleEndian(UInt64(key.pid), bytes: 4)
        hash.addLittleEndian(key.startTicks, bytes: 8)
        return Self.base64url(hi: hash.hi, lo: hash.lo)
    }

    static func normalize(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for s in text.unicodeScalars where !s.properties.isWhitespace {
            // ASCII lowercase only: boot ids are UUIDs.
            scalars.append((65...90).contains(s.value) ? Unicode.Scalar(UInt8(s.value) | 0x20) : s)
        }
        return String(scalars)
    }

    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// base64url (RFC 4648 §5) of the 16 big-endian digest bytes, without padding.
    static func base64url(hi: UInt64, lo: UInt64) -> String {
        // Byte i of the 16 big-endian digest bytes, without a pointer to them.
        @inline(__always) func byte(_ i: Int) -> UInt32 {
            UInt32(truncatingIfNeeded: i < 8 ? hi >> UInt64(56 - 8 * i) : lo >> UInt64(120 - 8 * i)) & 0xff
        }
        return String(unsafeUninitializedCapacity: 22) { out in
            var o = 0
            var i = 0
            while i + 3 <= 16 {
                let v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2)
                out[o] = alphabet[Int(v >> 18)]
                out[o + 1] = alphabet[Int((v >> 12) & 63)]
                out[o + 2] = alphabet[Int((v >> 6) & 63)]
                out[o + 3] = alphabet[Int(v & 63)]
                o += 4; i += 3
            }
            // 16 = 5 * 3 + 1: one byte left, two characters.
            let v = byte(15)
            out[o] = alphabet[Int(v >> 2)]
            out[o + 1] = alphabet[Int((v & 3) << 4)]
            return o + 2
        }
    }
}

/// FNV-1a with a 128-bit state, implemented on two 64-bit halves.
struct FNV1a128: Sendable, Equatable {
    var hi: UInt64 = 0x6c62_272e_07bb_0142
    var lo: UInt64 = 0x62b8_2175_6295_c58d

    /// state = (state ^ byte) * (2^88 + 0x13b) mod 2^128
    @inline(__always)
    mutating func add(_ byte: UInt8) {
        lo ^= UInt64(byte)
        let low = lo.multipliedFullWidth(by: 0x13b)
        // x * 2^88 only touches the high half: (lo << 24) lands in bits 88..127.
        hi = hi &* 0x13b &+ low.high &+ (lo << 24)
        lo = low.low
    }

    @inline(__always)
    mutating func addLittleEndian(_ value: UInt64, bytes: Int) {
        var v = value
        for _ in 0..<bytes {
            add(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }

    /// The digest as 32 lowercase hex digits (tests and diagnostics).
    var hex: String {
        let h = String(hi, radix: 16), l = String(lo, radix: 16)
        return String(repeating: "0", count: 16 - h.count) + h
            + String(repeating: "0", count: 16 - l.count) + l
    }
}
