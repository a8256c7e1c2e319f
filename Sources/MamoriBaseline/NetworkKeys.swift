import Glibc
import MamoriEvents
import MamoriText

/// An IP network (address + prefix length) over the sensor's raw address words.
///
/// Exists so destinations can be learned per network (`10.1.2.0/24`) and ignored by prefix
/// without converting addresses to text or byte arrays on the hot path: masking works on the
/// two 64-bit words `IPAddress` already holds. Immutable value; any thread.
public struct NetworkPrefix: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var length: Int

    public init(address: IPAddress, length: Int) {
        let bits = address.family == .inet ? 32 : 128
        self.length = max(0, min(length, bits))
        self.address = Self.mask(address, self.length)
    }

    /// Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address (host prefix) with MamoriText's
    /// CIDR grammar, the one configuration, rules and prevention use.
    public init?(parsing text: String) {
        guard let cidr = CIDR(text) else { return nil }
        self.init(address: IPAddress(family: cidr.isIPv4 ? .inet : .inet6, bytes: cidr.address), length: cidr.length)
    }

    public func contains(_ a: IPAddress) -> Bool {
        a.family == address.family && Self.mask(a, length) == address
    }

    public var description: String { "\(address)/\(length)" }

    /// Text address → `IPAddress` (MamoriText's address grammar). Any thread.
    public static func parseAddress(_ text: String) -> IPAddress? {
        guard let bytes = CIDR.parseAddress(text) else { return nil }
        return IPAddress(family: bytes.count == 4 ? .inet : .inet6, bytes: bytes)
    }

    /// The address with every bit past `length` cleared. Words hold bytes in memory order
    /// (byte i at bits 8i...8i+7), network bit order MSB first within each byte.
    @inline(__always)
    static func mask(_ a: IPAddress, _ length: Int) -> IPAddress {
        IPAddress(family: a.family, high: a.high & wordMask(length), low: a.low & wordMask(length - 64))
    }

    @inline(__always)
    static func wordMask(_ bits: Int) -> UInt64 {
        if bits <= 0 { return 0 }
        if bits >= 64 { return ~0 }
        var m: UInt64 = 0
        let full = bits / 8
        for i in 0..<full { m |= 0xff << UInt64(8 * i) }
        let rest = bits % 8
        if rest > 0 { m |= UInt64((0xff << (8 - rest)) & 0xff) << UInt64(8 * full) }
        return m
    }
}

/// A learned outbound destination: the network (IPv4 /24, IPv6 /64, loopback exact), the
/// transport and the port; a hook for the domain once DNS names reach events. Any thread.
public struct DestinationKey: Hashable, Sendable, CustomStringConvertible {
    public var network: NetworkPrefix
    /// IPPROTO_* (6 TCP, 17 UDP).
    public var proto: UInt16
    public var port: UInt16
    /// `destination.domain` when the DNS correlation provides one (not yet: always nil).
    public var domain: String? = nil

    /// The learning granularity: a service talks to a subnet of peers (replicas, a CDN edge),
    /// rarely to one fixed address; loopback is kept exact.
    public static let ipv4PrefixLength = 24
    public static let ipv6PrefixLength = 64

    public init(destination: IPAddress, proto: UInt16, port: UInt16) {
        let length: Int
        if destination.isLoopback { length = destination.family == .inet ? 32 : 128 }
        else { length = destination.family == .inet ? Self.ipv4PrefixLength : Self.ipv6PrefixLength }
        self.network = NetworkPrefix(address: destination, length: length)
        self.proto = proto
        self.port = port
    }

    init(network: NetworkPrefix, proto: UInt16, port: UInt16) {
        self.network = network; self.proto = proto; self.port = port
    }

    public var transport: String { ProtocolName.name(proto) }

    /// Canonical key text: `tcp 10.1.2.0/24 5432` (stored, parsed back by `init?(key:)`).
    public var description: String { "\(transport) \(network) \(port)" }

    public init?(key: String) {
        let parts = key.split(separator: " ").map(String.init)
        guard parts.count == 3, let proto = ProtocolName.number(parts[0]),
              let network = NetworkPrefix(parsing: parts[1]), let port = UInt16(parts[2]) else { return nil }
        self.init(network: network, proto: proto, port: port)
    }
}

/// A learned listening port. Any thread.
public struct ListenKey: Hashable, Sendable, CustomStringConvertible {
    public var proto: UInt16
    public var port: UInt16
    public init(proto: UInt16, port: UInt16) { self.proto = proto; self.port = port }
    public var description: String { "\(ProtocolName.name(proto)) \(port)" }
    public init?(key: String) {
        let parts = key.split(separator: " ").map(String.init)
        guard parts.count == 2, let proto = ProtocolName.number(parts[0]), let port = UInt16(parts[1]) else { return nil }
        self.init(proto: proto, port: port)
    }
}

/// tcp/udp names for protocol numbers. Stateless; any thread.
enum ProtocolName {
    static func name(_ proto: UInt16) -> String {
        switch proto { case 6: return "tcp"; case 17: return "udp"; default: return "proto\(proto)" }
    }
    static func number(_ text: String) -> UInt16? {
        switch text {
        case "tcp": return 6
        case "udp": return 17
        default: return text.hasPrefix("proto") ? UInt16(text.dropFirst(5)) : nil
        }
    }
}
