import MamoriTestSupport
import Foundation
import MamoriEvents
@testable import MamoriPrevention
import Testing

/// Root tests of the Responder and CgroupFreezer on processes the test spawns (and only those).
/// They run as root, and always under CI=true (failing there when root is missing).
@Suite("Responder integration", .serialized, .enabled(if: Privilege.integrationEnabled))
struct ResponderIntegrationTests {
    init() throws {
        try #require(Privilege.isRoot, "root integration tests need root (CI=true forces them to run)")
    }

    let protection = ProtectionList(PreventionPolicy.ProtectedProcesses(), agentPid: UInt32(getpid()))

    func spawn(_ script: String) throws -> Spawned { try Spawned(script) }

    func key(_ pid: Int32) throws -> ProcessKey { try #require(ProcInspector.live(UInt32(pid))).key }

    /// Running (not gone, not a zombie) and still the same process.
    func alive(_ k: ProcessKey) -> Bool {
        guard let text = ProcInspector.readSmall("/proc/\(k.pid)/stat"), let close = text.lastIndex(of: ")"),
              let s = ProcInspector.stat(k.pid), s.startTicks == k.startTicks else { return false }
        return !text[text.index(after: close)...].hasPrefix(" Z")
    }

    func waitUntil(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    func descendants(_ root: Int32) -> [ProcessKey] {
        let map = ProcInspector.parentMap()
        return ProcInspector.descendants(of: UInt32(root), in: map).compactMap { d in
            map[d.pid].map { ProcessKey(pid: d.pid, startTicks: $0.startTicks) }
        }
    }

    /// Kills what is left of the lineage (and `extra`, members that were reparented) and reaps the child.
    func cleanup(_ p: Spawned, extra: [ProcessKey] = []) {
        for d in descendants(p.pid) + extra where alive(d) { kill(pid_t(d.pid), SIGKILL) }
        p.stop()
    }

    @Test func killViaPidfd() throws {
        let p = try spawn("exec sleep 100")
        defer { cleanup(p) }
        #expect(waitUntil { ProcInspector.live(UInt32(p.pid))?.comm == "sleep" })
        let k = try key(p.pid)
        let r = Responder(protection: protection).kill(k, eventNs: ProcInspector.boottimeNs())
        #expect(r.outcome == .done, "\(r)")
        #expect(r.latencyNs != nil)
        #expect(p.wait())
        #expect(p.terminationSignal == SIGKILL)
    }

    @Test func reusedPidIsNeverSignalled() throws {
        let p = try spawn("exec sleep 100")
        defer { cleanup(p) }
        var k = try key(p.pid)
        k.startTicks += 1 // the record describes an older process with this pid
        let r = Responder(protection: protection).kill(k)
        guard case .refused(let why) = r.outcome else { Issue.record("not refused: \(r)"); return }
        #expect(why.contains("was reused"))
        #expect(p.isRunning)
    }

    @Test func killTreeLeavesNoneOfTheLineage() throws {
        // The fork bomb of depth 3 from the issue: sh -> (sleep, sh -> (sleep, sleep)).
        let p = try spawn("sleep 100 & sh -c \"sleep 100 & sleep 100\"")
        defer { cleanup(p) }
        #expect(waitUntil { descendants(p.pid).count >= 4 })
        let root = try key(p.pid)
        let lineage = [root] + descendants(p.pid)
        #expect(lineage.count == 5)
        #expect(ProcInspector.lineage(of: root.pid).map(\.depth).max() == 2) // three levels
        let results = Responder(protection: protection).killTree(root, eventNs: ProcInspector.boottimeNs())
        #expect(results.filter { $0.action == .kill && $0.outcome == .done }.count == 5, "\(results)")
        #expect(p.wait())
        #expect(waitUntil { lineage.allSatisfy { !alive($0) } })
        for k in lineage { #expect(!alive(k), "pid \(k.pid) survived") }
    }

    @Test func protectedProcessesAreRefused() throws {
        let p = try spawn("exec sleep 100")
        defer { cleanup(p) }
        #expect(waitUntil { ProcInspector.live(UInt32(p.pid))?.comm == "sleep" })
        let exe = try #require(ProcInspector.live(UInt32(p.pid))?.executable)
        var policy = PreventionPolicy.ProtectedProcesses()
        policy.executables.append(exe)
        let responder = Responder(protection: ProtectionList(policy, agentPid: UInt32(getpid())))
        let r = responder.kill(try key(p.pid))
        #expect(r.outcome == .refused("\(exe) is a protected executable"))
        #expect(p.isRunning)
        let initKey = try key(1)
        #expect(responder.kill(initKey).outcome == .refused("pid 1 is init (or the idle task)"))
        let me = try key(getpid())
        #expect(responder.kill(me).outcome == .refused("pid \(getpid()) is the agent itself"))
        let treeResults = responder.killTree(try key(p.pid))
        #expect(treeResults.map(\.outcome) == [.refused("\(exe) is a protected executable")])
        #expect(p.isRunning)
    }

    /// Issue 13 #2: a payload exec'd through a symlink named `sshd` (comm and argv[0] `sshd`)
    /// is not protected; a protected executable still is, by its inode, whatever it is called.
    @Test func aProcessNamedSshdIsNotProtected() throws {
        let dir = TempDir("sshd-name")
        let link = dir.path + "/sshd"
        #expect(symlink("/bin/sleep", link) == 0)
        let p = try spawn("exec \(link) 100")
        defer { cleanup(p) }
        #expect(waitUntil { ProcInspector.live(UInt32(p.pid))?.comm == "sshd" })
        let responder = Responder(protection: ProtectionList(PreventionPolicy.ProtectedProcesses(), agentPid: UInt32(getpid())))
        #expect(responder.kill(try key(p.pid)).outcome == .done)
        #expect(p.wait())

        // The real protected executable (a copy standing in for /usr/sbin/sshd), renamed by a
        // symlink, is still protected.
        let real = dir.path + "/realprot"
        try FileManager.default.copyItem(atPath: "/bin/sleep", toPath: real)
        let alias = dir.path + "/innocent"
        #expect(symlink(real, alias) == 0)
        let q = try spawn("exec \(alias) 100")
        defer { cleanup(q) }
        #expect(waitUntil { ProcInspector.live(UInt32(q.pid))?.comm == "innocent" })
        var policy = PreventionPolicy.ProtectedProcesses()
        policy.executables.append(real)
        let guarded = Responder(protection: ProtectionList(policy, agentPid: UInt32(getpid())))
        guard case .refused(let why) = guarded.kill(try key(q.pid)).outcome else {
            Issue.record("the protected executable was not refused"); return
        }
        #expect(why.hasSuffix("realprot is a protected executable"), "\(why)")
        #expect(q.isRunning)
    }

    @Test func killTreeSparesAProtectedSubtree() throws {
        // root sh -> (sleep, protsh -> sleep): protsh is protected, so it and its child survive.
        let dir = TempDir("shield")
        let protsh = dir.path + "/protsh"
        try FileManager.default.copyItem(atPath: "/bin/dash", toPath: protsh)
        let p = try spawn("sleep 100 & \(protsh) -c 'sleep 100 & wait' & wait")
        var all: [ProcessKey] = []
        defer { cleanup(p, extra: all) }
        #expect(waitUntil { descendants(p.pid).count >= 3 })
        all = descendants(p.pid)
        let shielded = all.filter { k in
            let live = ProcInspector.live(k.pid)
            return live?.comm == "protsh" || live.map { ProcInspector.live($0.ppid)?.comm == "protsh" } == true
        }
        #expect(shielded.count == 2)
        var policy = PreventionPolicy.ProtectedProcesses()
        let protExe = try #require(all.lazy.compactMap { ProcInspector.live($0.pid) }.first { $0.comm == "protsh" }?.executable)
        policy.executables.append(protExe)
        let results = Responder(protection: ProtectionList(policy, agentPid: UInt32(getpid())))
            .killTree(try key(p.pid))
        #expect(results.contains { $0.outcome == .refused("\(protExe) is a protected executable") })
        #expect(p.wait())
        #expect(waitUntil { all.filter { !shielded.contains($0) }.allSatisfy { !alive($0) } })
        for k in shielded { #expect(alive(k), "protected subtree member \(k.pid) was killed") }
    }

    @Test func freezeOfAProtectedRootLeavesNoCgroup() throws {
        let p = try spawn("exec sleep 100")
        defer { cleanup(p) }
        #expect(waitUntil { ProcInspector.live(UInt32(p.pid))?.comm == "sleep" })
        let exe = try #require(ProcInspector.live(UInt32(p.pid))?.executable)
        var policy = PreventionPolicy.ProtectedProcesses()
        policy.executables.append(exe)
        var freezer = try #require(CgroupFreezer(responder: Responder(protection: ProtectionList(policy, agentPid: UInt32(getpid())))))
        freezer.parentName = "mamori-test-quarantine-\(getpid())"
        let group = try freezer.freeze(try key(p.pid), incidentId: "refused")
        #expect(group.results.map(\.outcome) == [.refused("\(exe) is a protected executable")])
        #expect(access(freezer.directory(for: "refused"), F_OK) != 0)
        #expect(access("\(freezer.mountPoint)/\(freezer.parentName)", F_OK) != 0)
        #expect(p.isRunning)
    }

    @Test func freezeStopsTheLineageAndThawResumesIt() throws {
        let dir = TempDir("freeze")
        let counter = dir.path + "/counter"
        let p = try spawn("while :; do echo x >> \(counter); sleep 0.02; done")
        defer { cleanup(p) }
        var freezer = try #require(CgroupFreezer(responder: Responder(protection: protection)))
        freezer.parentName = "mamori-test-quarantine-\(getpid())"
        let incident = "test-\(UInt32.random(in: 0...UInt32.max))"
        defer {
            _ = try? freezer.killFrozen(incidentId: incident)
            try? freezer.remove(incidentId: incident)
            rmdir("\(freezer.mountPoint)/\(freezer.parentName)")
        }
        func size() -> Int { (try? FileManager.default.attributesOfItem(atPath: counter)[.size] as? Int) ?? 0 }
        #expect(waitUntil { size() > 10 })
        let group = try freezer.freeze(try key(p.pid), incidentId: incident)
        #expect(group.results.first?.outcome == .done, "\(group.results)")
        #expect(freezer.isFrozen(incidentId: incident))
        #expect(freezer.members(incidentId: incident).contains(UInt32(p.pid)))
        let frozenSize = size()
        usleep(300_000)
        #expect(size() == frozenSize, "the frozen shell kept writing")
        try freezer.thaw(incidentId: incident)
        #expect(!freezer.isFrozen(incidentId: incident))
        #expect(waitUntil { size() > frozenSize })
        // Freeze again and kill the frozen group: nothing of it survives.
        try freezer.remove(incidentId: incident, restoring: group)
        #expect(access(freezer.directory(for: incident), F_OK) != 0)
        let again = try freezer.freeze(try key(p.pid), incidentId: incident)
        #expect(again.results.first?.outcome == .done)
        let kill = try freezer.killFrozen(incidentId: incident)
        #expect(kill.outcome == .done)
        #expect(p.wait())
        #expect(p.terminationSignal == SIGKILL)
        try freezer.remove(incidentId: incident)
        #expect(access(freezer.directory(for: incident), F_OK) != 0)
    }
}
