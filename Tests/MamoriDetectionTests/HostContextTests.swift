import Testing
import MamoriDetection
import MamoriEvents

/// `detection.local_networks` (`DestinationIsLocal`), /etc/resolv.conf (`DnsServerIsConfigured`)
/// and `QueryEntropy`: the host context rules are judged against, and its swap on reload.
@Suite struct HostContextTests {
    static let remote = Fixture.rule("remote-connect", category: "network_connection", """
            sel:
                DestinationIsLocal: 'false'
            condition: sel
        """)
    static let remoteDNS = Fixture.rule("remote-dns", category: "dns_query", """
            sel:
                DestinationIsLocal: 'false'
                DnsServerIsConfigured: 'false'
            condition: sel
        """)

    static func query(_ name: String, server: String) -> SensorEvent {
        let m = DNSMessage(id: 1, isResponse: false, opcode: 0, responseCode: 0, headerFlags: 0x100, questionCount: 1,
                           answerCount: 0, questionName: name, questionType: 1, questionClass: 1, answers: [],
                           answersIncomplete: false)
        return .dns(DNSEvent(header: Fixture.header(pid: 100, ts: Fixture.second, kind: 10),
                             subject: Fixture.subject(ppid: 50, uid: 0, comm: "dig"), direction: .query, proto: 17,
                             family: .inet, source: Fixture.ipv4("10.1.0.5"), sourcePort: 40_000,
                             destination: Fixture.ipv4(server), destinationPort: 53, socketCookie: 1,
                             attribution: .sender, wireLength: 40, truncated: false, message: m, decodeError: nil))
    }

    @Test func localNetworksDecideDestinationIsLocalAndFollowReload() throws {
        let h = Harness(Self.remote, Self.remoteDNS)
        #expect(h.errors.isEmpty, "\(h.errors)")
        let lab = Fixture.network(to: Fixture.ipv4("10.200.0.2"), port: 443, ts: Fixture.second)
        let loop = Fixture.network(to: Fixture.ipv4("127.0.0.1"), port: 443, ts: Fixture.second)
        // Default (loopback, link-local): a 10.x namespace peer is remote.
        #expect(h.ids(lab) == ["remote-connect"])
        #expect(h.ids(loop).isEmpty)
        #expect(h.ids(Self.query("x.example", server: "10.200.0.53")) == ["remote-dns"])
        // A lab (or a site) that calls 10.0.0.0/8 local, and resolves through 10.200.0.53.
        h.engine.replaceHostContext(localNetworks: try LocalNetworks(cidrs: ["127.0.0.0/8", "10.0.0.0/8"]),
                                    resolvers: ResolverList(resolvConf: "nameserver 10.200.0.53\n"))
        #expect(h.ids(lab).isEmpty)
        #expect(h.ids(Self.query("x.example", server: "10.200.0.53")).isEmpty)
        h.engine.replaceHostContext(localNetworks: try LocalNetworks(cidrs: ["127.0.0.0/8"]),
                                    resolvers: ResolverList(resolvConf: "nameserver 10.200.0.53\n"))
        #expect(h.ids(lab) == ["remote-connect"])
        #expect(h.ids(Self.query("x.example", server: "10.200.0.53")).isEmpty, "configured resolver")
        #expect(h.ids(Self.query("x.example", server: "203.0.113.9")) == ["remote-dns"])
        #expect(throws: LocalNetworksError.self) { try LocalNetworks(cidrs: ["10.0.0.0/33"]) }
    }

    @Test func resolvConfNameserversOnly() {
        let r = ResolverList(resolvConf: """
            # generated
            search example.com
            nameserver 127.0.0.53
            nameserver fe80::1%eth0
            ; nameserver 9.9.9.9
            nameserver not-an-address
            options edns0 trust-ad
            """)
        #expect(r.addresses == ["127.0.0.53", "fe80::1"])
        #expect(r.contains(Fixture.ipv4("127.0.0.53")))
        #expect(!r.contains(Fixture.ipv4("9.9.9.9")))
    }

    @Test func entropySeparatesEncodedFromWordyNames() {
        #expect(DNSNameShape.entropyTenths(of: "example.com") == 0)
        #expect(DNSNameShape.entropyTenths(of: "aaaa.example.com") == 0)
        #expect(DNSNameShape.entropyTenths(of: "ab.example.com") == 10)
        // The parent is left out, also under a country-code second level.
        #expect(DNSNameShape.entropyTenths(of: "ab.example.co.uk") == 10)
        let encoded = DNSNameShape.entropyTenths(of: "nbswy3dpeb3w64tmmqqhezlgmvzgk3tdmvsgc5dbmfzgk.x.example.com")
        let wordy = DNSNameShape.entropyTenths(of: "images-eu-west-1-production.static-content.example-cdn.com")
        #expect(encoded >= 43, "\(encoded)")
        #expect(wordy < 43, "\(wordy)")
    }
}
