/// An IPv4 or IPv6 network as an operator writes it (`10.0.0.0/8`, `2001:db8::/32`; a bare
/// address is a host prefix, /32 or /128): the one CIDR type of configuration
/// (`detection.local_networks`), rule values (`DestinationIp|cidr`), resolver lists and the
/// prevention policy (egress entries, management networks).
///
/// Exists because two CIDR types (the detection matcher's and the prevention policy's) parsed
/// the same text with different grammars and different error messages. Parsing is pure Swift
/// and strict: dotted quads without leading zeros (`010.0.0.1` could mean octal), IPv6 per
/// RFC 4291 including an IPv4 tail (`::ffff:10.1.2.3`), no zone ids, a length within the
/// family. Host bits are cleared. The address is kept as network-order bytes and as two
/// big-endian words so matching is two compares. An immutable value; any thread.
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    /// 4 or 16 bytes, network order, host bits cleared.
    public let address: [UInt8]
    /// Prefix length in bits (0...32 or 0...128).
    public let length: Int
    /// The network as big-endian words: IPv4 in the low 32 bits of `high` (`low` is 0); IPv6
    /// bytes 0..<8 in `high`, 8..<16 in `low`.
    public let high: UInt64
    public let low: UInt64

    public var isIPv4: Bool { address.count == 4 }

    /// Why a text is not a CIDR (the caller adds the file, line or option).
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case empty
        case notAnAddress(String)
        case badLength(String, maximum: Int)

        public var description: String {
            switch self {
            case .empty: return "empty network: use an address or CIDR, e.g. 10.0.0.0/8 or fd00::/8"
            case .notAnAddress(let text):
                return "'\(text)' is not an IPv4 or IPv6 address (e.g. 10.0.0.0/8, fd00::/8)"
            case .badLength(let text, let maximum):
                return "prefix length '\(text)' is not a number in 0...\(maximum)"
            }
        }
    }

    /// Parses `address[/length]`; spaces around the text are ignored.
    public static func parse(_ text: String) -> Result<CIDR, Failure> {
        let trimmed = text.trimmingASCIISpaces
        guard !trimmed.isEmpty else { return .failure(.empty) }
        let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = parseAddress(String(parts[0])) else { return .failure(.notAnAddress(String(parts[0]))) }
        let maximum = bytes.count * 8
        var length = maximum
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let n = Int(digits), n <= maximum else {
                return .failure(.badLength(String(digits), maximum: maximum))
            }
            length = n
        }
        return .success(CIDR(address: bytes, length: length))
    }

    /// Parses `address[/length]`; nil when malformed (use `parse` for the reason).
    public init?(_ text: String) {
        guard case .success(let value) = CIDR.parse(text) else { return nil }
        self = value
    }

    /// A network from raw bytes (4 or 16; host bits are cleared, the length is clamped).
    public init(address: [UInt8], length: Int) {
        let bits = Swift.max(0, Swift.min(length, address.count * 8))
        var masked = address
        for i in 0..<masked.count {
            let bitsHere = Swift.max(0, Swift.min(8, bits - i * 8))
            masked[i] &= bitsHere == 0 ? 0 : UInt8(truncatingIfNeeded: 0xff << (8 - bitsHere))
        }
        self.address = masked
        self.length = bits
        var h: UInt64 = 0, l: UInt64 = 0
        if masked.count == 4 {
            for b in masked { h = h << 8 | UInt64(b) }
        } else {
            for i in 0..<Swift.min(8, masked.count) { h = h << 8 | UInt64(masked[i]) }
            for i in 8..<Swift.min(16, masked.count) { l = l << 8 | UInt64(masked[i]) }
        }
        self.high = h
        self.low = l
    }

    /// Whether an IPv4 address (as a big-endian number) lies in this network.
    @inline(__always)
    public func contains(ipv4 value: UInt32) -> Bool {
        guard isIPv4 else { return false }
        let mask: UInt64 = length == 0 ? 0 : (0xffff_ffff << UInt64(32 - length)) & 0xffff_ffff
        return UInt64(value) & mask == high
    }

    /// Whether an IPv6 address (two big-endian words) lies in this network.
    @inline(__always)
    public func contains(ipv6High hi: UInt64, low lo: UInt64) -> Bool {
        guard !isIPv4 else { return false }
        let mh: UInt64 = length >= 64 ? ~0 : (length == 0 ? 0 : ~0 << UInt64(64 - length))
        let ml: UInt64 = length <= 64 ? 0 : (length >= 128 ? ~0 : ~0 << UInt64(128 - length))
        return hi & mh == high && lo & ml == low
    }

    /// Whether `bytes` (4 or 16, network order) lie in this network; an IPv4 network also
    /// holds the IPv4-mapped IPv6 form (`::ffff:a.b.c.d`) that dual-stack sockets report.
    public func contains(bytes: [UInt8]) -> Bool {
        if bytes.count == 16, isIPv4, bytes[0..<12].elementsEqual(CIDR.v4MappedPrefix) {
            return contains(bytes: Array(bytes[12..<16]))
        }
        guard bytes.count == address.count else { return false }
        return CIDR(address: bytes, length: length).address == address
    }

    /// The 16-byte form a kernel LPM trie keys on (IPv4 mapped to `::ffff:a.b.c.d`) and its length.
    public var mapped: (address: [UInt8], length: Int) {
        isIPv4 ? (CIDR.v4MappedPrefix + address, 96 + length) : (address, length)
    }

    /// Whether the 16-byte (mapped) `candidate` lies inside this network.
    public func contains(mapped candidate: [UInt8]) -> Bool {
        guard candidate.count == 16 else { return false }
        let (mine, bits) = mapped
        return CIDR(address: candidate, length: bits).address == mine
    }

    /// `10.0.0.0/8`; a host prefix prints as the bare address.
    public var description: String {
        let text = CIDR.format(address)
        return length == address.count * 8 ? text : "\(text)/\(length)"
    }

    /// `::ffff:` — the first 12 bytes of an IPv4-mapped IPv6 address.
    public static let v4MappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]

    /// Any address (4 or 16 bytes) in the 16-byte mapped form.
    public static func mapped(_ bytes: [UInt8]) -> [UInt8] { bytes.count == 4 ? v4MappedPrefix + bytes : bytes }

    // MARK: Address text

    /// The 4 or 16 network-order bytes of an address text, or nil.
    public static func parseAddress(_ text: String) -> [UInt8]? {
        if let v4 = parseIPv4(Substring(text)) { return v4 }
        guard text.contains(":") else { return nil }
        return parseIPv6(Substring(text))
    }

    static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(4)
        for octet in octets {
            let u = octet.utf8
            guard !u.isEmpty, u.count <= 3, u.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  u.count == 1 || u.first != 0x30, let v = UInt8(octet) else { return nil }
            out.append(v)
        }
        return out
    }

    static func parseIPv6(_ text: Substring) -> [UInt8]? {
        var text = text
        var tail: [UInt8] = []
        // An embedded IPv4 tail (::ffff:1.2.3.4) supplies the last four bytes.
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = parseIPv4(text[text.index(after: lastColon)...]) else { return nil }
            tail = v4
            text = text[...lastColon]
            if text.hasSuffix("::") == false { text = text.dropLast() }  // keep "::" intact
        }
        let groupsWanted = tail.isEmpty ? 8 : 6
        var halves: [Substring] = []
        var rest = text
        while let range = rest.firstRange(of: "::") {
            halves.append(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        halves.append(rest)
        guard halves.count <= 2 else { return nil }
        func hexGroups(_ s: Substring) -> [UInt16]? {
            if s.isEmpty { return [] }
            var out: [UInt16] = []
            for part in s.split(separator: ":", omittingEmptySubsequences: false) {
                guard !part.isEmpty, part.utf8.count <= 4, part.utf8.allSatisfy(\.isHexDigit),
                      let v = UInt16(part, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        guard let head = hexGroups(halves[0]) else { return nil }
        var groups = head
        if halves.count == 2 {
            guard let rest = hexGroups(halves[1]), head.count + rest.count < groupsWanted else { return nil }
            groups += [UInt16](repeating: 0, count: groupsWanted - head.count - rest.count) + rest
        }
        guard groups.count == groupsWanted else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(16)
        for g in groups { out.append(UInt8(g >> 8)); out.append(UInt8(g & 0xff)) }
        return out + tail
    }

    /// Dotted quad for 4 bytes; RFC 5952 text for 16 (lower case, the longest run of two or
    /// more zero groups as `::`, IPv4-mapped as `::ffff:a.b.c.d`); `?` for any other count.
    public static func format(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        guard bytes.count == 16 else { return "?" }
        if bytes[0..<12].elementsEqual(v4MappedPrefix) {
            return "::ffff:" + bytes[12..<16].map(String.init).joined(separator: ".")
        }
        var groups: [UInt16] = []
        for i in stride(from: 0, to: 16, by: 2) { groups.append(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])) }
        var best = (start: -1, count: 0)
        var i = 0
        while i < 8 {
            guard groups[i] == 0 else { i += 1; continue }
            var j = i
            while j < 8, groups[j] == 0 { j += 1 }
            if j - i > best.count { best = (i, j - i) }
            i = j
        }
        func hex(_ range: Range<Int>) -> String { groups[range].map { String($0, radix: 16) }.joined(separator: ":") }
        guard best.count >= 2 else { return hex(0..<8) }
        return hex(0..<best.start) + "::" + hex((best.start + best.count)..<8)
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x46) || (self >= 0x61 && self <= 0x66)
    }
}

extension String {
    /// The text without leading or trailing ASCII spaces, tabs or newlines.
    var trimmingASCIISpaces: Substring {
        let space: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        var s = self[...]
        while let f = s.first, space(f) { s = s.dropFirst() }
        while let l = s.last, space(l) { s = s.dropLast() }
        return s
    }
}
