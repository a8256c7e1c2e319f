import Foundation
import MamoriEvents
import MamoriInvestigation
import MamoriStore
import Testing

@Suite struct StoryBuilderTests {
    let dir = TempDir()

    /// The story of `reference` in a new store (each call gets its own file).
    private func story(_ reference: String, sessionLeaders: Bool = true,
                       options: StoryOptions = StoryOptions()) throws -> Story {
        let store = try AttackFixture.build(at: dir.path + "/\(UUID().uuidString).db", sessionLeaders: sessionLeaders)
        return try StoryBuilder(store: store, options: options).build(reference: reference)
    }

    private func shape(_ node: StoryProcess) -> String {
        node.children.isEmpty ? node.name : node.name + "(" + node.children.map(shape).joined(separator: ",") + ")"
    }

    @Test func incidentStoryStartsAtTheIncidentRoot() throws {
        let s = try story(AttackFixture.incidentUUID)
        #expect(s.target == .incident(AttackFixture.incidentUUID))
        #expect(s.incident?.title == "Reverse shell from a downloaded binary")
        #expect(s.root.entityId == "E-bash")
        #expect(s.rootReason == .incidentRoot)
        #expect(s.ancestry.map(\.entityId) == ["E-systemd", "E-sshd"])
        #expect(shape(s.tree) == "bash(curl,chmod,x(sh))")
        #expect(s.tree.children.map(\.process.pid) == [1202, 1203, 1204])
        #expect(s.tree.flattened.map(\.depth) == [0, 1, 1, 1, 2])
        #expect(s.focusEntityId == "E-curl")  // the incident's first alert
    }

    @Test func alertStoryWalksUpToTheSessionLeader() throws {
        let s = try story(AttackFixture.shellAlertUUID)
        #expect(s.target == .alert(AttackFixture.shellAlertUUID))
        #expect(s.root.entityId == "E-bash")
        #expect(s.rootReason == .sessionLeader)
        #expect(s.focusEntityId == "E-x")
        #expect(s.incident?.incidentUUID == AttackFixture.incidentUUID)
        #expect(shape(s.tree) == "bash(curl,chmod,x(sh))")
        let alerting = s.tree.flattened.filter(\.isAlerting).map(\.entityId)
        #expect(alerting == ["E-curl", "E-x"])
    }

    @Test func entityStoryOfADeepProcessHasTheSameRoot() throws {
        let s = try story("E-sh")
        #expect(s.target == .entity("E-sh"))
        #expect(s.root.entityId == "E-bash")
        #expect(s.alerts.map(\.alertUUID) == [AttackFixture.downloadAlertUUID, AttackFixture.shellAlertUUID])
    }

    @Test func timelineIsTheSubtreesExecsConnectionsAndFileChangesInOrder() throws {
        let s = try story(AttackFixture.incidentUUID)
        #expect(s.timeline.map { $0.action } == AttackFixture.expectedTimeline.map(\.0))
        #expect(s.timeline.map { $0.entityId ?? "" } == AttackFixture.expectedTimeline.map(\.1))
        #expect(zip(s.timeline, s.timeline.dropFirst()).allSatisfy { $0.tsUnixNs <= $1.tsUnixNs })
        #expect(!s.timelineTruncated)
        #expect(s.eventsScanned == 16)  // 14 timeline events + the fork and the exit
        #expect(s.notes.isEmpty)
    }

    @Test func impactListsEveryProcessFileAndAddress() throws {
        let s = try story(AttackFixture.shellAlertUUID)
        #expect(Set(s.impact.processes.map(\.entityId)) == AttackFixture.attackEntities)
        let files = Dictionary(uniqueKeysWithValues: s.impact.files.map { ($0.path, $0) })
        #expect(Set(files.keys) == ["/tmp/x", "/root/.ssh/authorized_keys", "/tmp/.x", "/etc/shadow"])
        #expect(files["/tmp/x"]?.actions == ["creation", "open-write", "chmod", "rename"])
        #expect(files["/tmp/x"]?.actors.map(\.entityId) == ["E-curl", "E-chmod", "E-sh"])
        #expect(files["/tmp/.x"]?.actions == ["rename-target"])
        #expect(files["/etc/shadow"]?.actions == [])
        #expect(files["/etc/shadow"]?.failures == 1)
        #expect(s.impact.files.first?.path == "/tmp/x")  // by first change

        let endpoints = s.impact.addresses.map { "\($0.endpoint)/\($0.transport ?? "")/\($0.direction.rawValue)" }
        #expect(endpoints == ["203.0.113.7:80/tcp/outbound", "127.0.0.1:4444/tcp/outbound", "127.0.0.1:4445/tcp/outbound"])
        #expect(s.impact.addresses[1].actors.map(\.entityId) == ["E-x"])
        #expect(s.impact.addresses[2].failures == 1)
        #expect(s.impact.addresses[2].actions == [])
    }

    @Test func foldedRepeatsStayInTheTimelineAndCountInTheImpact() throws {
        let store = try AttackFixture.build(at: dir.path + "/folded.db")
        let t = AttackFixture.t0 + 12_500_000_000  // after the shell's own write at 12 s
        try store.write((0..<50).map { n in
            StoreItem.event(EventRow(tsNs: UInt64(n), tsUnixNs: t + Int64(n) * 1_000_000, kind: "file",
                                     action: "open-write", pid: 1205, entityId: "E-sh", executable: "/usr/bin/sh",
                                     path: "/root/.ssh/authorized_keys", result: 0, uid: 0))
        })
        let s = try StoryBuilder(store: store, options: StoryOptions()).build(reference: AttackFixture.shellAlertUUID)
        let folded = s.timeline.filter { $0.tsUnixNs >= t && $0.path == "/root/.ssh/authorized_keys" }
        #expect(folded.map(\.count) == [50])
        #expect(folded.first?.lastTsUnixNs == t + 49_000_000)
        let file = try #require(s.impact.files.first { $0.path == "/root/.ssh/authorized_keys" })
        #expect(file.count == 51)  // the fixture's write plus the 50 folded ones
        #expect(file.lastSeenUnixNs == t + 49_000_000)
        #expect(file.actors.first { $0.entityId == "E-sh" }?.count == 51)
    }

    @Test func unrelatedProcessesAreExcluded() throws {
        let s = try story(AttackFixture.incidentUUID)
        let everyEntity = Set(s.tree.flattened.map(\.entityId))
            .union(s.timeline.compactMap(\.entityId))
            .union(s.impact.processes.map(\.entityId))
            .union(s.alerts.compactMap(\.entityId))
        #expect(everyEntity.isDisjoint(with: AttackFixture.unrelatedEntities))
        #expect(!s.impact.files.contains { $0.path == "/etc/motd" || $0.path == "/var/backups/db.tar" })
        #expect(!s.impact.addresses.contains { ["10.0.0.5", "10.0.0.9", "198.51.100.20"].contains($0.address) })
        #expect(s.alerts.map(\.alertUUID) == [AttackFixture.downloadAlertUUID, AttackFixture.shellAlertUUID])
    }

    @Test func withoutSessionLeadersTheWalkStopsAtTheChildOfInit() throws {
        let s = try story(AttackFixture.shellAlertUUID, sessionLeaders: false)
        #expect(s.root.entityId == "E-sshd")
        #expect(s.rootReason == .childOfInit)
        #expect(s.ancestry.map(\.entityId) == ["E-systemd"])
        // sshd's other session is now part of the story, cron's tree still is not.
        #expect(shape(s.tree) == "sshd(bash(vim),bash(curl,chmod,x(sh)))")
        #expect(s.impact.files.contains { $0.path == "/etc/motd" })
        #expect(!s.impact.files.contains { $0.path == "/var/backups/db.tar" })
    }

    @Test func serviceMainProcessBoundsTheWalk() throws {
        let withLeaders = try story(AttackFixture.nginxAlertUUID)
        #expect(withLeaders.root.entityId == "E-nginx")
        #expect(withLeaders.rootReason == .sessionLeader)
        let s = try story(AttackFixture.nginxAlertUUID, sessionLeaders: false)
        #expect(s.root.entityId == "E-nginx")
        #expect(s.rootReason == .serviceMain)
        #expect(s.ancestry.map(\.entityId) == ["E-systemd", "E-shim"])
        #expect(s.impact.addresses.map(\.endpoint) == ["198.51.100.20:443"])
    }

    @Test func timelineIsBoundedAndSaysSo() throws {
        let s = try story(AttackFixture.incidentUUID, options: StoryOptions(timelineLimit: 3))
        #expect(s.timeline.count == 3)
        #expect(s.timelineTruncated)
        #expect(s.timelineLimit == 3)
        #expect(s.notes.contains { $0.contains("first 3 events") })
        // The impact still covers every event.
        #expect(s.impact.files.count == 4)
        #expect(s.impact.addresses.count == 3)
    }

    @Test func resolveTellsIncidentsAlertsAndProcessesApart() throws {
        let store = try AttackFixture.build(at: dir.dbPath)
        let builder = StoryBuilder(store: store)
        #expect(try builder.resolve(AttackFixture.incidentUUID) == .incident(AttackFixture.incidentUUID))
        #expect(try builder.resolve(" \(AttackFixture.backupAlertUUID) ") == .alert(AttackFixture.backupAlertUUID))
        #expect(try builder.resolve("E-curl") == .entity("E-curl"))
        #expect(throws: InvestigationError.notFound(reference: "nope", database: dir.dbPath)) {
            try builder.resolve("nope")
        }
        #expect(throws: InvestigationError.self) { try builder.build(.alert("missing")) }
    }

    @Test func missingRootProcessIsReportedNotFatal() throws {
        let store = try AttackFixture.build(at: dir.dbPath)
        try store.write([.incident(IncidentRow(incidentUUID: "inc-2", rootEntityId: "E-gone", firstSeen: 1,
                                               lastSeen: 2, riskScore: 10, alertCount: 0, title: "orphan"))])
        let s = try StoryBuilder(store: store).build(.incident("inc-2"))
        #expect(s.root.entityId == "E-gone")
        #expect(s.tree.children.isEmpty)
        #expect(s.notes.contains { $0.contains("not in the store") })
    }

    @Test func scanPagesThroughManyEventsWithSharedTimestamps() throws {
        let store = try AttackFixture.build(at: dir.dbPath)
        // 25,000 writes by curl, three per millisecond: pages of 10,000 end inside a shared timestamp.
        var items = [StoreItem]()
        for i in 0..<25_000 {
            let ts = AttackFixture.t0 + 100 * AttackFixture.second + Int64(i / 3) * 1_000_000
            items.append(.event(EventRow(tsNs: UInt64(i), tsUnixNs: ts, kind: "file", action: "open-write",
                                         pid: 1202, entityId: "E-curl", executable: "/usr/bin/curl",
                                         path: "/tmp/spool/\(i)")))
        }
        // 10,100 at one nanosecond: more than a page, so the scan must step past them.
        for i in 0..<10_100 {
            items.append(.event(EventRow(tsNs: 0, tsUnixNs: AttackFixture.t0 + 200 * AttackFixture.second,
                                         kind: "file", action: "chmod", pid: 1202, entityId: "E-curl",
                                         executable: "/usr/bin/curl", path: "/tmp/same/\(i)")))
        }
        try store.write(items)
        let s = try StoryBuilder(store: store, options: StoryOptions(timelineLimit: 30_000)).build(.entity("E-curl"))
        #expect(s.impact.files.filter { $0.path.hasPrefix("/tmp/spool/") }.count == 25_000)
        #expect(s.timeline.filter { $0.path?.hasPrefix("/tmp/spool/") == true }.count == 25_000)
        #expect(Set(s.timeline.compactMap(\.id)).count == s.timeline.count)  // no event twice
        #expect(zip(s.timeline, s.timeline.dropFirst()).allSatisfy { ($0.tsUnixNs, $0.id!) < ($1.tsUnixNs, $1.id!) })
        #expect(s.impact.files.filter { $0.path.hasPrefix("/tmp/same/") }.count == 10_000)
        #expect(s.notes.contains { $0.contains("share that timestamp") })
        #expect(s.timelineTruncated)  // 35,000+ timeline events for a limit of 30,000
        #expect(s.timeline.count == 30_000)
    }

    @Test func scanLimitCutsInTreeOrderAndSaysSo() throws {
        let exact = try story(AttackFixture.incidentUUID, options: StoryOptions(scanLimit: 16))
        #expect(exact.eventsScanned == 16)
        #expect(exact.notes.isEmpty)  // exactly every event: nothing was left unread
        let s = try story(AttackFixture.incidentUUID, options: StoryOptions(scanLimit: 5))
        #expect(s.eventsScanned == 5)
        #expect(s.timelineTruncated)
        #expect(s.notes.contains { $0.contains("scan limit reached") && $0.contains("of 5 processes") })
        // bash (1 event) then curl (6): the cut falls inside curl, the second process in tree order.
        #expect(Set(s.timeline.compactMap(\.entityId)) == ["E-bash", "E-curl"])
    }
}
