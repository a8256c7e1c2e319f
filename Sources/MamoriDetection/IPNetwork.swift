import MamoriEvents

/// An IPv4 or IPv6 network (`10.0.0.0/8`, `fe80::/10`), or a single address at full length.
///
/// Exists so that `cidr` and exact address values compare bytes instead of text. IPv4 networks
/// also match IPv4-mapped IPv6 addresses (`::ffff:10.1.2.3`), which dual-stack sockets report.
/// Immutable; any thread may use it.
struct IPNetwork: Equatable, Sendable {
    var isV4: Bool
    /// Network bits, big-endian integers (for IPv4 only the low 32 bits of `high` are used).
    var high: UInt64
    var low: UInt64
    var prefix: Int

    /// Parses `address[/prefix]`; `nil` when the text is not a valid address or prefix.
    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let addr = IPNetwork.parse(String(parts[0])) else { return nil }
        let maxPrefix = addr.isV4 ? 32 : 128
        var prefix = maxPrefix
        if parts.count == 2 {
            guard let p = Int(parts[1]), p >= 0, p <= maxPrefix else { return nil }
            prefix = p
        }
        self.isV4 = addr.isV4
        self.prefix = prefix
        if addr.isV4 {
            let mask: UInt64 = prefix == 0 ? 0 : (0xffff_ffff << UInt64(32 - prefix)) & 0xffff_ffff
            self.high = addr.high & mask
            self.low = 0
        } else {
            let (mh, ml) = IPNetwork.masks(prefix)
            self.high = addr.high & mh
            self.low = addr.low & ml
        }
    }

    private static func masks(_ prefix: Int) -> (UInt64, UInt64) {
        let mh: UInt64 = prefix >= 64 ? ~0 : (prefix == 0 ? 0 : ~0 << UInt64(64 - prefix))
        let ml: UInt64 = prefix <= 64 ? 0 : (prefix >= 128 ? ~0 : ~0 << UInt64(128 - prefix))
        return (mh, ml)
    }

    /// Whether `address` lies in this network.
    func contains(_ address: IPAddress) -> Bool {
        let hi = UInt64(bigEndian: address.high), lo = UInt64(bigEndian: address.low)
        if isV4 {
            let v4: UInt64
            if address.family == .inet {
                v4 = hi >> 32
            } else if hi == 0, lo >> 32 == 0xffff {
                v4 = lo & 0xffff_ffff
            } else {
                return false
            }
            let mask: UInt64 = prefix == 0 ? 0 : (0xffff_ffff << UInt64(32 - prefix)) & 0xffff_ffff
            return v4 & mask == high
        }
        guard address.family == .inet6 else { return false }
        let (mh, ml) = IPNetwork.masks(prefix)
        return hi & mh == high && lo & ml == low
    }

    /// Parses a bare IPv4 or IPv6 address into big-endian halves.
    static func parse(_ text: String) -> (isV4: Bool, high: UInt64, low: UInt64)? {
        if let v4 = parseV4(Substring(text)) { return (true, UInt64(v4), 0) }
        guard text.contains(":") else { return nil }
        var text = Substring(text)
        // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = parseV4(text[text.index(after: lastColon)...]) else { return nil }
            text = Substring(String(text[...lastColon]) + String(v4 >> 16, radix: 16) + ":"
                             + String(v4 & 0xffff, radix: 16))
        }
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
                guard !part.isEmpty, part.count <= 4, let v = UInt16(part, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        guard let head = hexGroups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = hexGroups(halves[1]), head.count + tail.count <= 7 else { return nil }
            all += [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<4 { high = high << 16 | UInt64(all[i]) }
        for i in 4..<8 { low = low << 16 | UInt64(all[i]) }
        return (false, high, low)
    }

    private static func parseV4(_ text: Substring) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy(\.isASCII),
                  let v = UInt8(octet) else { return nil }
            value = value << 8 | UInt32(v)
        }
        return value
    }
}
