import Testing
import MamoriDetection
import MamoriEvents

/// `mamori: threshold:` counting and distinct-value windows.
@Suite struct ThresholdTests {
    static let s = Fixture.second

    static let ldapFanOut = Fixture.rule("ldap-fanout", category: "network_connection", """
            sel:
                Initiated: 'true'
                DestinationPort: [389, 636, 3268, 3269, 88, 445]
            condition: sel
        """, extra: """
        mamori:
            confidence: medium
            threshold:
                count: 5
                window: 60s
                by: process
                distinct: DestinationIp
        """)

    private func connect(_ host: Int, port: UInt16 = 389, pid: UInt32 = 100, at seconds: UInt64) -> SensorEvent {
        Fixture.network(to: Fixture.ipv4("10.0.0.\(host)"), port: port, pid: pid, ts: seconds * Self.s)
    }

    @Test func distinctHostsFireExactlyAtN() {
        let h = Harness(Self.ldapFanOut)
        #expect(h.errors.isEmpty, "\(h.errors)")
        for host in 1...4 { #expect(h.hits(connect(host, at: UInt64(host))).isEmpty) }
        // Repeating a host does not count twice.
        #expect(h.hits(connect(4, at: 5)).isEmpty)
        let hits = h.hits(connect(5, at: 6))
        #expect(hits.map(\.id) == ["ldap-fanout"])
        #expect(hits.first?.contributing.count == 5)
        #expect(hits.first?.contributing.compactMap(\.value).sorted() == (1...5).map { "10.0.0.\($0)" })
        #expect(hits.first?.groupKey == .process(ProcessKey(pid: 100, startBoottimeNs: 5 * Self.s)))
        // State restarts after firing.
        #expect(h.hits(connect(6, at: 7)).isEmpty)
    }

    /// Issue 13.12: a flood of more fresh keys than the per-rule cap (one LDAP connect from
    /// each of 9,000 short-lived processes) must not reset a key that is close to firing.
    @Test func aFloodOfFreshKeysDoesNotResetAKeyCloseToFiring() {
        let h = Harness(Self.ldapFanOut)
        for host in 1...4 { #expect(h.hits(connect(host, pid: 100, at: 1)).isEmpty) }
        for flood in 0..<9_000 { _ = h.hits(connect(1, pid: UInt32(10_000 + flood), at: 2)) }
        #expect(h.hits(connect(5, pid: 100, at: 3)).map(\.id) == ["ldap-fanout"],
                "the victim key's four earlier hosts must have survived the flood")
    }

    @Test func matchesOutsideTheWindowDoNotCount() {
        let h = Harness(Self.ldapFanOut)
        #expect(h.hits(connect(1, at: 0)).isEmpty)
        for host in 2...4 { #expect(h.hits(connect(host, at: 30)).isEmpty) }
        // 61 s after the first: host 1 has expired, so only 4 distinct remain.
        #expect(h.hits(connect(5, at: 61)).isEmpty)
        #expect(h.hits(connect(6, at: 62)).map(\.id) == ["ldap-fanout"])
    }

    @Test func keysAreSeparate() {
        let h = Harness(Self.ldapFanOut)
        for host in 1...4 { #expect(h.hits(connect(host, pid: 100, at: 1)).isEmpty) }
        #expect(h.hits(connect(5, pid: 101, at: 2)).isEmpty)
        #expect(h.hits(connect(6, port: 80, pid: 100, at: 2)).isEmpty)   // not an LDAP port
        #expect(h.hits(connect(7, pid: 100, at: 3)).count == 1)
    }

    @Test func plainCountFiresAtNthMatch() {
        let h = Harness(Fixture.rule("burst", category: "file_delete", "    sel:\n        TargetFilename|startswith: /var/log/\n    condition: sel",
                                     extra: "mamori:\n    threshold: {count: 3, window: 10s, by: user}"))
        #expect(h.errors.isEmpty, "\(h.errors)")
        #expect(h.hits(Fixture.file(.unlink, "/var/log/a", pid: 1, ts: 1 * Self.s)).isEmpty)
        #expect(h.hits(Fixture.file(.unlink, "/var/log/b", pid: 2, ts: 2 * Self.s)).isEmpty)
        #expect(h.hits(Fixture.file(.unlink, "/tmp/c", pid: 2, ts: 3 * Self.s)).isEmpty)
        let hits = h.hits(Fixture.file(.unlink, "/var/log/c", pid: 3, ts: 11 * Self.s))
        #expect(hits.count == 1)
        #expect(hits.first?.contributing.map(\.timestampNs) == [1, 2, 11].map { $0 * Self.s })
        #expect(hits.first?.groupKey == .user(0))
        // Outside the window: the 4th..6th matches spread over more than 10 s never reach 3.
        #expect(h.hits(Fixture.file(.unlink, "/var/log/d", ts: 30 * Self.s)).isEmpty)
        #expect(h.hits(Fixture.file(.unlink, "/var/log/e", ts: 38 * Self.s)).isEmpty)
        #expect(h.hits(Fixture.file(.unlink, "/var/log/f", ts: 45 * Self.s)).isEmpty)
    }
}
