import Testing
import MamoriDetection
import MamoriEvents

/// `mamori: threshold: {distinct: selection}`: counting distinct *families* (named selections)
/// rather than distinct values of one field.
@Suite struct FamilyThresholdTests {
    static let s = Fixture.second

    static let survey = Fixture.rule("survey", """
            sysinfo:
                Image|endswith: [/uname, /lscpu]
            netconf:
                Image|endswith: [/ip, /ifconfig]
            accounts:
                Image|endswith: [/id, /getent]
            filter_motd:
                CommandLine|contains: update-motd
            condition: (sysinfo or netconf or accounts) and not filter_motd
        """, extra: """
        mamori:
            threshold: {count: 3, window: 60s, by: session, distinct: selection}
        """)

    private func run(_ exe: String, _ args: [String], pid: UInt32, at seconds: UInt64, session: UInt32 = 50) -> SensorEvent {
        Fixture.exec(exe, args, pid: pid, ts: seconds * Self.s, session: session)
    }

    @Test func threeFamiliesFireOnceWithTheFamilyNamesAsValues() {
        let h = Harness(Self.survey)
        #expect(h.errors.isEmpty, "\(h.errors)")
        #expect(h.hits(run("/usr/bin/uname", ["uname", "-a"], pid: 101, at: 1)).isEmpty)
        #expect(h.hits(run("/usr/sbin/ip", ["ip", "a"], pid: 102, at: 2)).isEmpty)
        let hits = h.hits(run("/usr/bin/id", ["id"], pid: 103, at: 3))
        #expect(hits.map(\.id) == ["survey"])
        #expect(hits.first?.contributing.compactMap(\.value).sorted() == ["accounts", "netconf", "sysinfo"])
    }

    /// Many programs of one family are one family: an admin's `uname; lscpu; uname -r` never fires.
    @Test func manyMembersOfOneOrTwoFamiliesDoNotFire() {
        let h = Harness(Self.survey)
        #expect(h.hits(run("/usr/bin/uname", ["uname", "-a"], pid: 101, at: 1)).isEmpty)
        #expect(h.hits(run("/usr/bin/lscpu", ["lscpu"], pid: 102, at: 2)).isEmpty)
        #expect(h.hits(run("/usr/bin/uname", ["uname", "-r"], pid: 103, at: 3)).isEmpty)
        #expect(h.hits(run("/usr/sbin/ifconfig", ["ifconfig"], pid: 104, at: 4)).isEmpty)
        #expect(h.hits(run("/usr/sbin/ip", ["ip", "r"], pid: 105, at: 5)).isEmpty)
        // Another session's account lookup is another key.
        #expect(h.hits(run("/usr/bin/id", ["id"], pid: 106, at: 6, session: 77)).isEmpty)
    }

    @Test func filteredEventsAndExpiredFamiliesDoNotCount() {
        let h = Harness(Self.survey)
        #expect(h.hits(run("/usr/bin/uname", ["uname", "-a"], pid: 101, at: 1)).isEmpty)
        #expect(h.hits(run("/usr/sbin/ip", ["ip", "a", "update-motd"], pid: 102, at: 2)).isEmpty)
        #expect(h.hits(run("/usr/bin/id", ["id"], pid: 103, at: 3)).isEmpty)
        // 62 s later, uname has left the window: netconf + accounts only.
        #expect(h.hits(run("/usr/sbin/ip", ["ip", "a"], pid: 104, at: 62)).isEmpty)
        #expect(h.hits(run("/usr/bin/lscpu", ["lscpu"], pid: 105, at: 63)).map(\.id) == ["survey"])
    }

    @Test func familiesPatternSelectsTheCountedSelections() {
        let h = Harness(Fixture.rule("fam", """
                family_a: {Image|endswith: /a}
                family_b: {Image|endswith: /b}
                helper: {Image|endswith: /c}
                condition: 1 of family_* or helper
            """, extra: "mamori:\n    threshold: {count: 2, window: 60s, by: session, distinct: selection, families: 'family_*'}"))
        #expect(h.errors.isEmpty, "\(h.errors)")
        // `helper` is no family: its events are not counted at all.
        #expect(h.hits(run("/bin/c", ["c"], pid: 101, at: 1)).isEmpty)
        #expect(h.hits(run("/bin/a", ["a"], pid: 102, at: 2)).isEmpty)
        #expect(h.hits(run("/bin/c", ["c"], pid: 103, at: 3)).isEmpty)
        #expect(h.hits(run("/bin/b", ["b"], pid: 104, at: 4)).map(\.id) == ["fam"])
    }

    @Test func badFamilySettingsAreRejectedWithAPosition() {
        let none = Harness(Fixture.rule("none", "    sel: {Image|endswith: /a}\n    condition: sel",
                                        extra: "mamori:\n    threshold: {count: 2, window: 60s, distinct: selection, families: 'x_*'}"))
        #expect(none.errors.contains { $0.contains("no selection matches 'x_*'") }, "\(none.errors)")
        let orphan = Harness(Fixture.rule("orphan", "    sel: {Image|endswith: /a}\n    condition: sel",
                                          extra: "mamori:\n    threshold: {count: 2, window: 60s, families: 'x_*'}"))
        #expect(orphan.errors.contains { $0.contains("'families' needs 'distinct: selection'") }, "\(orphan.errors)")
    }
}
