#if canImport(Glibc)
import Glibc
#endif

/// A destination network (`10.0.0.0/8`, `2001:db8::/32`, a bare address = a host prefix).
///
/// Exists because egress entries, management networks and the kernel's LPM trie all key on a
/// prefix; IPv4 is kept as 4 bytes and mapped to `::ffff:a.b.c.d` only where the kernel wants
/// it. An immutable value; any thread.
public struct IPPrefix: Sendable, Hashable, CustomStringConvertible {
    /// 4 or 16 bytes, network order, host bits cleared.
    public let address: [UInt8]
    public let length: Int

    public var isIPv4: Bool { address.count == 4 }

    /// Parses `a.b.c.d[/n]` or an IPv6 address `[/n]`; nil when malformed.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let bytes = IPPrefix.parseAddress(String(parts[0])) else {
            return nil
        }
        let maxLength = bytes.count * 8
        var length = maxLength
        if parts.count == 2 {
            guard let n = Int(parts[1]), n >= 0, n <= maxLength else { return nil }
            length = n
        }
        self.init(address: bytes, length: length)
    }

    /// A prefix from raw bytes (host bits are cleared).
    public init(address: [UInt8], length: Int) {
        var masked = address
        for i in 0..<masked.count {
            let bitsHere = max(0, min(8, length - i * 8))
            masked[i] &= bitsHere == 0 ? 0 : UInt8(truncatingIfNeeded: 0xff << (8 - bitsHere))
        }
        self.address = masked
        self.length = length
    }

    /// The 16-byte form the kernel trie uses (IPv4 mapped) and the matching prefix length.
    public var mapped: (address: [UInt8], length: Int) {
        isIPv4 ? (IPPrefix.v4MappedPrefix + address, 96 + length) : (address, length)
    }

    /// Whether the 16-byte (mapped) `address` lies inside this prefix.
    public func contains(mapped candidate: [UInt8]) -> Bool {
        let (mine, bits) = mapped
        guard candidate.count == 16 else { return false }
        return IPPrefix.prefixMatches(mine, candidate, bits: bits)
    }

    public var description: String {
        let text = IPPrefix.format(address)
        return length == address.count * 8 ? text : "\(text)/\(length)"
    }

    static let v4MappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]

    /// 4 or 16 bytes of an address text, or nil.
    public static func parseAddress(_ text: String) -> [UInt8]? {
        if text.contains(":") {
            var a = in6_addr()
            guard inet_pton(AF_INET6, text, &a) == 1 else { return nil }
            return withUnsafeBytes(of: &a) { Array($0) }
        }
        var a = in_addr()
        guard inet_pton(AF_INET, text, &a) == 1 else { return nil }
        return withUnsafeBytes(of: &a) { Array($0) }
    }

    /// Any address (4 or 16 bytes) in the 16-byte kernel form.
    public static func mapped(_ bytes: [UInt8]) -> [UInt8] { bytes.count == 4 ? v4MappedPrefix + bytes : bytes }

    static func prefixMatches(_ a: [UInt8], _ b: [UInt8], bits: Int) -> Bool {
        var remaining = bits
        var i = 0
        while remaining > 0 {
            let n = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - n))
            if a[i] & mask != b[i] & mask { return false }
            remaining -= n
            i += 1
        }
        return true
    }

    static func format(_ bytes: [UInt8]) -> String {
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        var buf = [CChar](repeating: 0, count: 64)
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buf, 64) != nil }
        guard ok else { return "?" }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
