import MamoriEvents
import MamoriText

/// The networks that count as "this host / this site" for `DestinationIsLocal`.
///
/// Exists because rules about "the destination is remote" must still be judged in a lab or
/// CI that has only loopback and namespaces: an operator widens or narrows the set with
/// `detection.local_networks` instead of editing rules. Default: loopback and link-local.
/// Immutable; any thread.
public struct LocalNetworks: Sendable {
    public static let defaultCIDRs = ["127.0.0.0/8", "::1/128", "169.254.0.0/16", "fe80::/10"]
    static let defaultNetworks: [IPNetwork] = defaultCIDRs.compactMap { IPNetwork($0) }

    let networks: [IPNetwork]
    /// The CIDR texts, as given.
    public let cidrs: [String]

    public init() {
        networks = Self.defaultNetworks
        cidrs = Self.defaultCIDRs
    }

    /// Parses CIDRs (`10.0.0.0/8`, `fd00::/8`, a bare address); throws the first bad entry.
    public init(cidrs: [String]) throws(LocalNetworksError) {
        var out: [IPNetwork] = []
        for text in cidrs {
            switch CIDR.parse(text) {
            case .success(let n): out.append(n)
            case .failure(let failure): throw LocalNetworksError(entry: text, reason: failure)
            }
        }
        networks = out
        self.cidrs = cidrs
    }

    /// Whether `address` lies in one of the networks.
    public func contains(_ address: IPAddress) -> Bool { networks.contains { $0.contains(address) } }
}

/// A `detection.local_networks` entry that is not an address or CIDR.
public struct LocalNetworksError: Error, Sendable, CustomStringConvertible {
    public var entry: String
    /// What is wrong with it (MamoriText's CIDR grammar).
    public var reason: CIDR.Failure
    public var description: String { reason.description }
}
