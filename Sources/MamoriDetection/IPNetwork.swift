import MamoriEvents
import MamoriText

/// The detection matcher's name for MamoriText's `CIDR` (the one network type), kept so the
/// rule compiler and match tables read as before.
typealias IPNetwork = CIDR

extension CIDR {
    /// Whether `address` lies in this network. An IPv4 network also matches the IPv4-mapped
    /// IPv6 form (`::ffff:10.1.2.3`) that dual-stack sockets report. Two compares, no allocation.
    func contains(_ address: IPAddress) -> Bool {
        let hi = UInt64(bigEndian: address.high), lo = UInt64(bigEndian: address.low)
        if isIPv4 {
            if address.family == .inet { return contains(ipv4: UInt32(truncatingIfNeeded: hi >> 32)) }
            guard hi == 0, lo >> 32 == 0xffff else { return false }
            return contains(ipv4: UInt32(truncatingIfNeeded: lo))
        }
        guard address.family == .inet6 else { return false }
        return contains(ipv6High: hi, low: lo)
    }
}
