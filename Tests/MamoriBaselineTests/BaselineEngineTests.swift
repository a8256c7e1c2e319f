import Foundation
import MamoriBaseline
import MamoriDetection
import MamoriEvents
import MamoriProcess
import MamoriStore
import Testing

@Suite("Baseline engine")
struct BaselineEngineTests {
    let service = Fx.record()
    let pid1 = Fx.record(pid: 1, exe: "/usr/lib/systemd/systemd", unit: nil, cgroupId: 1)

    /// Learns the routine for days 1...3 at t = 0...2 s, then ticks past the quiet period.
    func stableEngine(_ c: BaselineConfiguration = Fx.configuration()) -> BaselineEngine {
        let e = BaselineEngine(configuration: c)
        for day in 1...3 {
            for (ev, p) in Fx.routine(service, pid1, day: day) {
                #expect(e.observe(ev, process: p, parent: service, highestHit: nil, nowUnixNs: Int64(day) * Fx.second) == nil)
            }
        }
        e.tick(nowUnixNs: 4 * Fx.second)
        #expect(e.profiles[Fx.unit]?.state == .learning, "quiet period not over yet")
        e.tick(nowUnixNs: 9 * Fx.second)
        #expect(e.profiles[Fx.unit]?.state == .stable)
        return e
    }

    @Test("learning → stable after the quiet period; the routine then raises nothing")
    func routineIsSilent() {
        let e = stableEngine()
        for day in 1...9 {
            for (ev, p) in Fx.routine(service, pid1, day: day) where !(day > 3 && isConnect(ev)) {
                #expect(e.observe(ev, process: p, parent: service, highestHit: nil, nowUnixNs: 10 * Fx.second) == nil,
                        "day \(day): a new date's log and the same helper are the routine")
            }
        }
        let p = e.profiles[Fx.unit]!
        #expect(p.entries(.file) == ["/var/log/demo/demo-#-#-#.log"])
        #expect(p.entries(.destination) == ["tcp 10.1.2.0/24 5432"])
    }

    func isConnect(_ e: SensorEvent) -> Bool { if case .network = e { return false }; return false }

    @Test("a shell under the stable service is high and never learned; a new port is medium and learned")
    func deviations() throws {
        let e = stableEngine()
        let sh = Fx.record(pid: 300, exe: "/bin/sh")
        let d1 = try #require(e.observe(Fx.exec(sh, "/bin/sh", ["sh", "-c", "id"]), process: sh, parent: service,
                                        highestHit: nil, nowUnixNs: 10 * Fx.second))
        #expect(d1.kind == .riskyExecutable)
        #expect(d1.level == .high)
        #expect(d1.rule.id == "mamori.baseline.shell-under-service")
        #expect(d1.novelties.contains { $0.text.contains("executable /bin/sh") })
        #expect(d1.holds.contains("/usr/bin/demo-helper"))
        #expect(!d1.learned)
        // Never learned: the second time it alerts again.
        #expect(e.observe(Fx.exec(sh, "/bin/sh", ["sh", "-c", "id"]), process: sh, parent: service,
                          highestHit: nil, nowUnixNs: 11 * Fx.second)?.kind == .riskyExecutable)
        let d2 = try #require(e.observe(Fx.connect(service, "10.1.2.9", 4444), process: service, parent: pid1,
                                        highestHit: nil, nowUnixNs: 12 * Fx.second))
        #expect(d2.kind == .destination)
        #expect(d2.level == .medium)
        #expect(d2.holds == ["tcp 10.1.2.0/24 5432"])
        #expect(d2.learned)
        #expect(e.observe(Fx.connect(service, "10.1.2.9", 4444), process: service, parent: pid1,
                          highestHit: nil, nowUnixNs: 13 * Fx.second) == nil, "learned after one alert")
        let d3 = try #require(e.observe(Fx.write(service, "/etc/cron.d/x"), process: service, parent: pid1,
                                        highestHit: nil, nowUnixNs: 14 * Fx.second))
        #expect(d3.kind == .file)
        #expect(d3.level == .low)
        #expect(d3.holds == ["/var/log/demo/demo-#-#-#.log"])
    }

    @Test("a profile never learns from an event that raised a high-severity alert")
    func neverLearnsFromHighSeverity() throws {
        let e = BaselineEngine(configuration: Fx.configuration())
        let curl = Fx.record(pid: 400, exe: "/usr/bin/curl")
        // Learning: a critical rule hit on this exec → nothing of it is learned.
        #expect(e.observe(Fx.exec(curl, "/usr/bin/curl", ["curl", "http://x"]), process: curl, parent: service,
                          highestHit: .critical, nowUnixNs: 1 * Fx.second) == nil)
        #expect(e.profiles[Fx.unit]?.executables["/usr/bin/curl"] == nil)
        #expect(e.profiles[Fx.unit]?.skippedHighSeverity == 1)
        // A medium hit is learned from.
        _ = e.observe(Fx.connect(service, "10.1.2.3", 5432), process: service, parent: pid1, highestHit: .medium,
                      nowUnixNs: 2 * Fx.second)
        #expect(e.profiles[Fx.unit]?.destinations.count == 1)
        e.tick(nowUnixNs: 20 * Fx.second)
        // Stable: a medium novelty on an event that also raised a high rule alert is alerted, not learned.
        let d = try #require(e.observe(Fx.connect(service, "192.0.2.1", 443), process: service, parent: pid1,
                                       highestHit: .high, nowUnixNs: 21 * Fx.second))
        #expect(!d.learned)
        #expect(e.observe(Fx.connect(service, "192.0.2.1", 443), process: service, parent: pid1,
                          highestHit: nil, nowUnixNs: 22 * Fx.second) != nil)
        // The curl never learned is still new.
        #expect(e.observe(Fx.exec(curl, "/usr/bin/curl", ["curl", "http://x"]), process: curl, parent: service,
                          highestHit: nil, nowUnixNs: 23 * Fx.second)?.kind == .riskyExecutable)
    }

    @Test("bounded: a full category refuses new entries, says so once, and still alerts once stable")
    func bounding() throws {
        var c = Fx.configuration()
        c.limits.filePatterns = 4
        c.limits.destinations = 2
        let e = BaselineEngine(configuration: c)
        var notices: [Deviation] = []
        for i in 0..<50 {
            // Distinct directories: each write is a new pattern (attacker-made novelty).
            if let d = e.observe(Fx.write(service, "/srv/d\(String(repeating: "x", count: i % 26 + 1))/f"), process: service,
                                 parent: pid1, highestHit: nil, nowUnixNs: Fx.second) { notices.append(d) }
        }
        let p = try #require(e.profiles[Fx.unit])
        #expect(p.files.count == 4)
        #expect(p.full == [.file])
        #expect(p.overflow == 42, "46 refused minus the 4 repeats of learned patterns")
        #expect(notices.count == 1, "one notice when the category fills, not one per refused entry")
        #expect(notices.first?.kind == .profileFull)
        #expect(notices.first?.categoryFull == true)
        e.tick(nowUnixNs: 100 * Fx.second)
        #expect(p.state == .stable)
        let d = try #require(e.observe(Fx.write(service, "/srv/new/f"), process: service, parent: pid1,
                                       highestHit: nil, nowUnixNs: 101 * Fx.second))
        #expect(d.kind == .file)
        #expect(d.categoryFull)
        #expect(!d.learned)
        #expect(p.files.count == 4, "a full profile accepts nothing")
        var row = e.row(p, nowUnixNs: 0)
        #expect(row.fullCategories == "file")
        row.items = 0
    }

    @Test("profiles persist across a restart: same entries, same state, routine still silent")
    func persistence() throws {
        let dir = NSTemporaryDirectory() + "mamori-baseline-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try EventStore(path: dir + "/m.db")
        #expect(try store.schemaVersion >= 3)
        let first = BaselineEngine(configuration: Fx.configuration())
        first.sink = { try? store.write($0) }
        for day in 1...3 { for (ev, p) in Fx.routine(service, pid1, day: day) {
            _ = first.observe(ev, process: p, parent: service, highestHit: nil, nowUnixNs: Int64(day) * Fx.second)
        } }
        first.tick(nowUnixNs: 20 * Fx.second)
        first.persist(nowUnixNs: 20 * Fx.second, force: true)

        let second = BaselineEngine(configuration: Fx.configuration())
        second.restore(profiles: try store.baselineProfiles(), items: try store.baselineItems())
        let a = try #require(first.profiles[Fx.unit]), b = try #require(second.profiles[Fx.unit])
        #expect(b.state == .stable)
        for c in ProfileCategory.allCases { #expect(a.entries(c) == b.entries(c), "\(c)") }
        #expect(b.executables["/usr/bin/demo-helper"] == ExecIdentity(device: 8 << 20 | 1, inode: 7))
        for (ev, p) in Fx.routine(service, pid1, day: 5) where !(p.pid == service.pid && "\(ev)".contains("network")) {
            #expect(second.observe(ev, process: p, parent: service, highestHit: nil, nowUnixNs: 30 * Fx.second) == nil)
        }
        // Reset forgets it in the store too.
        second.sink = { try? store.write($0) }
        #expect(second.reset(profile: Fx.unit))
        #expect(try store.baselineProfiles().isEmpty)
        #expect(try store.baselineItems().isEmpty)
        #expect(!second.reset(profile: Fx.unit))
    }

    @Test("a replaced executable (same path, other inode) is a deviation")
    func replacedExecutable() throws {
        let e = stableEngine()
        let helper = Fx.record(pid: 200, exe: "/usr/bin/demo-helper")
        let d = try #require(e.observe(Fx.exec(helper, "/usr/bin/demo-helper", ["demo-helper", "--id", "1"], inode: 99),
                                       process: helper, parent: service, highestHit: nil, nowUnixNs: 10 * Fx.second))
        #expect(d.kind == .executableReplaced)
    }

    @Test("units selection, ignore lists and naming")
    func selection() {
        var c = Fx.configuration()
        c.units = ["other*.service"]
        let e = BaselineEngine(configuration: c)
        #expect(e.observe(Fx.write(service, "/x"), process: service, parent: nil, highestHit: nil, nowUnixNs: 1) == nil)
        #expect(e.profiles.isEmpty)
        var c2 = BaselineConfiguration(enabled: true, quietPeriodSeconds: 1, units: ["all"], ignore: ["/var/cache", "10.0.0.0/8"])
        c2.persistIntervalNs = 0
        #expect(c2.ignores(path: "/var/cache/x"))
        #expect(!c2.ignores(path: "/var/cachex"))
        #expect(c2.ignoreNetworks.first?.contains(NetworkPrefix.parseAddress("10.9.9.9")!) == true)
        #expect(ProfileNaming.name(unit: "session-4.scope", cgroupPath: nil, hasTTY: true) == "interactive")
        #expect(ProfileNaming.name(unit: nil, cgroupPath: "/docker/abc", hasTTY: false) == "cgroup:/docker/abc")
        #expect(ProfileNaming.name(unit: nil, cgroupPath: "/", hasTTY: false) == nil)
        #expect(ExecutableClass.of("/usr/bin/python3.11") == .interpreter)
        #expect(ExecutableClass.of("/bin/dash") == .shell)
        #expect(ExecutableClass.of("/usr/bin/nc.openbsd") == .downloader)
        #expect(ExecutableClass.of("/usr/sbin/nginx") == .other)
    }
}
