import Foundation
import MamoriStore
@testable import MamoriPrevention
import Testing

@Suite struct LevelStateTests {
    let alice = Actor(uid: 1000, pid: 4242, comm: "mamori")

    @Test func timedRaiseRevertsOnItsOwn() {
        var s = LevelState(hostLevel: .knownBad)
        let a = s.setHostLevel(.lockdown, for: 1800, by: alice, reason: "incident 7", now: 1000)
        #expect(a == AuditRecord(action: .levelSet, actor: alice, unixSeconds: 1000, scope: "host",
                                 from: "1 (known-bad)", to: "4 (lockdown) for 1800s", reason: "incident 7"))
        #expect(s.hostLevel == .lockdown)
        #expect(s.nextRevertUnix == 2800)
        #expect(s.tick(now: 2799).isEmpty)
        // A second timed raise still goes back to the original level.
        _ = s.setHostLevel(.high, for: 60, by: alice, reason: nil, now: 2000)
        let due = s.tick(now: 2060)
        #expect(due.count == 1)
        #expect(due[0].action == .levelRevert && due[0].from == "3 (high)" && due[0].to == "1 (known-bad)")
        #expect(due[0].actor == .agent)
        #expect(s.hostLevel == .knownBad && s.hostRevert == nil)
        #expect(s.tick(now: 99999).isEmpty)
    }

    @Test func scopesAndIsolation() {
        var s = LevelState()
        let set = s.setScope(.unit("nginx.service"), level: .lockdown, for: 60, by: alice, reason: "web shell", now: 10)
        #expect(set.action == .scopeSet && set.scope == "unit nginx.service" && set.from == "inherit")
        #expect(set.to == "4 (lockdown) for 60s")
        _ = s.setScope(.cgroup("/test"), level: .high, by: alice, reason: nil, now: 10)
        let reverts = s.tick(now: 70)
        #expect(reverts.map(\.action) == [.scopeRevert])
        #expect(s.scopes.map(\.target) == [.cgroup("/test")])
        let clear = s.setScope(.cgroup("/test"), level: nil, by: alice, reason: nil, now: 80)
        #expect(clear.action == .scopeClear && clear.to == "inherit" && s.scopes.isEmpty)
        let iso = s.setIsolation(true, by: alice, reason: "exfil", now: 90)
        #expect(iso.from == "open" && iso.to == "isolated" && s.isolated)
        #expect(s.changedBy == alice && s.reason == "exfil" && s.changedAtUnix == 90)
    }

    @Test func auditRowForTheStore() {
        let r = AuditRecord(action: .levelSet, actor: alice, unixSeconds: 1.5, scope: "host", from: "0 (monitor)",
                            to: "2 (critical)", reason: "go")
        #expect(r.auditRow == AuditRow(tsUnixNs: 1_500_000_000, actorUid: 1000, actorPid: 4242,
                                       action: "level.set host by mamori", fromValue: "0 (monitor)",
                                       toValue: "2 (critical)", reason: "go"))
    }

    @Test func storeRoundTripIsAtomicAndPrivate() throws {
        let dir = TempDir("state")
        let store = LevelStore(path: dir.path + "/sub/state.json")
        #expect(store.load().state == LevelState() && store.load().problem == nil)
        var s = LevelState(hostLevel: .high)
        _ = s.setScope(.unit("db.service"), level: .monitor, for: 30, by: alice, reason: "maint", now: 5)
        _ = s.setIsolation(true, by: alice, reason: nil, now: 6)
        try store.save(s)
        let loaded = store.load()
        #expect(loaded.problem == nil)
        #expect(loaded.state == s)
        let attrs = try FileManager.default.attributesOfItem(atPath: store.path)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/sub")
        #expect(leftovers == ["state.json"])
    }

    @Test func corruptFileGivesMonitorAndAClearError() throws {
        let dir = TempDir("state")
        let store = LevelStore(path: dir.path + "/state.json")
        for (bytes, expected) in [("{\"hostLevel\": 3, ", "corrupt state file"),
                                  ("{\"hostLevel\": 9, \"scopes\": [], \"isolated\": false}", "level 9 is outside 0...4"),
                                  ("\u{0}\u{1}garbage", "corrupt state file")] {
            try bytes.write(toFile: store.path, atomically: false, encoding: .utf8)
            let loaded = store.load()
            #expect(loaded.state == LevelState())
            #expect(loaded.state.hostLevel == .monitor)
            #expect(loaded.problem?.contains(expected) == true, "\(loaded.problem ?? "nil")")
            #expect(loaded.problem?.hasPrefix(store.path) == true)
        }
        // The next save replaces the corrupt file.
        try store.save(LevelState(hostLevel: .critical))
        #expect(store.load().state.hostLevel == .critical)
    }
}
