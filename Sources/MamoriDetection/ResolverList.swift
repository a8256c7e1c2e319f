import Glibc
import MamoriEvents

/// The host's configured DNS servers: the `nameserver` lines of /etc/resolv.conf.
///
/// Exists for the rule field `DnsServerIsConfigured`: a query sent straight to a server the
/// host is not configured to use (an attacker-chosen resolver, a tunnel endpoint) is a
/// behaviour, whatever the name looked up. Read by the agent at start and on every reload;
/// a missing or unreadable file gives an empty list (every server then counts as not
/// configured, which the agent logs). Immutable; any thread.
public struct ResolverList: Sendable {
    let servers: [IPNetwork]
    /// The addresses, as written in the file.
    public let addresses: [String]

    public init() { servers = []; addresses = [] }

    /// Parses resolv.conf text: `nameserver ADDRESS` lines (an IPv6 zone `%eth0` is dropped);
    /// comments (`#`, `;`) and other options are ignored, bad addresses skipped.
    public init(resolvConf text: String) {
        var servers: [IPNetwork] = [], addresses: [String] = []
        for line in text.split(whereSeparator: { $0 == "\n" }) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, words[0] == "nameserver" else { continue }
            let address = String(words[1].prefix { $0 != "%" })
            guard let n = IPNetwork(address), n.length == n.address.count * 8 else { continue }
            servers.append(n)
            addresses.append(address)
        }
        self.servers = servers
        self.addresses = addresses
    }

    /// Reads `path` (default /etc/resolv.conf); nil when it cannot be read.
    public static func read(path: String = "/etc/resolv.conf") -> ResolverList? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 16 {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            bytes.append(contentsOf: buf[0..<n])
        }
        return ResolverList(resolvConf: String(decoding: bytes, as: UTF8.self))
    }

    public func contains(_ address: IPAddress) -> Bool { servers.contains { $0.contains(address) } }
}
