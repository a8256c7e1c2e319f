import MamoriTestSupport
import Foundation
import Glibc
@testable import MamoriSensor
import Testing
import MamoriPolicy

/// agent.fail_mode against the real kernel: a child `mamori prevention-hold` loads the programs
/// and denies a private copy of /bin/true inside a cgroup this test created, then dies by
/// SIGKILL. Fail-closed pins keep the denial in force after the death (and a new loader takes
/// the pins over, policy included); fail-open releases everything with the process. Pins live
/// in a directory of this test under the bpffs mount, removed in `defer` whatever happens.
extension SensorIntegration {
@Suite("fail modes")
struct FailModeTests {
    final class Fixture {
        let dir: String
        let cgroup: TestCgroup
        let pins: PreventionPins
        let exe: String
        var child: Process?

        init(_ tag: String) throws {
            dir = try makeTempDir(tag)
            cgroup = try TestCgroup()
            let bpffs = try #require(SystemMounts.mountPoint(fstype: "bpf"), "bpffs is not mounted")
            pins = PreventionPins(directory: bpffs + "/mamori-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
            exe = try copyBinary("/bin/true", to: dir + "/payload")
        }

        func tearDown() {
            if let child, child.isRunning { kill(child.processIdentifier, SIGKILL); child.waitUntilExit() }
            pins.unpinAll()
            cgroup.remove()
            try? FileManager.default.removeItem(atPath: dir)
        }

        /// Start the holder and wait until it printed "ready" (policy applied).
        func startHolder(failClosed: Bool) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: FailModeTests.mamoriBinary)
            p.arguments = ["prevention-hold", "--deny-exe", exe, "--cgroup", cgroup.path,
                           "--pin-directory", pins.directory] + (failClosed ? ["--fail-closed"] : [])
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            child = p
            let fd = out.fileHandleForReading.fileDescriptor
            var text = ""
            let deadline = Date().addingTimeInterval(120)
            while !text.contains("ready") && Date() < deadline && p.isRunning {
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 500) > 0 else { continue }
                var buf = [UInt8](repeating: 0, count: 256)
                let n = read(fd, &buf, buf.count)
                if n <= 0 { break }
                text += String(decoding: buf[0..<n], as: UTF8.self)
            }
            try #require(text.contains("ready"), "holder did not get ready: \(text)")
        }

        func killHolder() {
            guard let child else { return }
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal && child.terminationStatus == SIGKILL)
        }

        /// Run the denied copy inside the test cgroup.
        func runPayload() throws -> ProgramRun { try cgroup.inside { spawnAndWait(exe, []) } }

        /// Links are released asynchronously (RCU, workqueue): wait until the payload runs.
        func payloadRunsEventually() throws -> Bool {
            for _ in 0..<100 {
                if try runPayload().exitCode == 0 { return true }
                usleep(100_000)
            }
            return false
        }
    }

    static var mamoriBinary: String { BuiltProduct.path("mamori") }

    @Test("fail-closed: the denial outlives kill -9 of its holder, a new loader takes the pins over, unpin releases it")
    func failClosedSurvivesTheAgent() throws {
        let f = try Fixture("closed")
        defer { f.tearDown() }
        try f.startHolder(failClosed: true)
        #expect(try f.runPayload().wasDenied, "the policy is in force while the holder runs")
        let pinned = f.pins.entries()
        #expect(pinned.contains("link_mamori_prevent_exec"), "pins: \(pinned)")
        #expect(pinned.contains("map_mamori_exec_policy") && pinned.contains("map_mamori_scope"))

        f.killHolder()
        #expect(try f.runPayload().wasDenied, "denied exec still killed with no agent running")
        #expect(try f.runPayload().wasDenied)

        // Restart: the new loader reuses the pinned maps (the policy survives) and replaces the
        // link pins; once it detaches and the pins go, nothing is enforced any more.
        var options = SensorOptions()
        options.pinDirectory = f.pins.directory
        options.failClosed = true
        options.fileEvents = false
        let program = try SensorProgram(options: options, selfTgid: 0)
        #expect(program.reusedMaps == Set(PreventionPins.mapNames))
        let inode = try #require(KernelPolicy.Inode.of(path: f.exe))
        #expect(program.policy.execRule(for: inode)?.policyId == 7, "the taken-over policy kept its entry")
        try program.attach(cgroupRoot: cgroup2Mount())
        #expect(f.pins.entries() == pinned, "same pins, now holding the new links")
        #expect(try f.runPayload().wasDenied, "no gap across the takeover")
        program.detach()
        #expect(try f.runPayload().wasDenied, "still pinned after the new loader's descriptors closed")

        let removed = f.pins.unpinAll()
        #expect(removed == pinned)
        #expect(try f.payloadRunsEventually(), "after unpin the payload runs again")
        #expect(f.pins.entries().isEmpty)
    }

    @Test("isolation skb links: attached only while isolated, pinned fail-closed across the loader's death, taken over, released when isolation ends")
    func isolationLinksFollowIsolation() throws {
        let f = try Fixture("isolate")
        defer { f.tearDown() }
        let root = try #require(cgroup2Mount())
        var options = SensorOptions()
        options.pinDirectory = f.pins.directory
        options.failClosed = true
        options.fileEvents = false
        let names = IsolationLinks.programNames.map { "link_" + $0 }
        func attachedEventually(_ ids: [UInt32], _ wanted: Bool) -> Bool {
            for _ in 0..<50 {
                let now = IsolationLinks.rootSkbPrograms(cgroupRoot: root)
                if ids.allSatisfy({ now.contains($0) == wanted }) { return true }
                usleep(100_000)
            }
            return false
        }
        var first: SensorProgram? = try SensorProgram(options: options, selfTgid: 0)
        try first!.attach(cgroupRoot: root)
        let firstIds = first!.isolation.programIds
        #expect(!firstIds.contains(0))
        #expect(first!.isolation.attachedInKernel == 0, "nothing isolated: not attached")
        #expect(!f.pins.entries().contains(names[0]))

        var scope = KernelPolicy.Scope(cgroupId: f.cgroup.id, level: 0)
        scope.isolated = true
        var policy = KernelPolicy()
        policy.scopes = [scope]
        try first!.policy.apply(policy)
        #expect(first!.isolation.attachedInKernel == 2)
        #expect(Set(names).isSubset(of: f.pins.entries()), "isolation links pinned: \(f.pins.entries())")

        // The loader goes away while the scope is isolated (its descriptors close, as in a
        // crash): the pins keep the isolation programs running.
        first!.detach()
        first = nil
        #expect(attachedEventually(firstIds, true), "isolation outlives its loader")

        // The next loader takes the isolating policy over: its own programs attach at once and
        // replace the old links (no moment without isolation).
        let second = try SensorProgram(options: options, selfTgid: 0)
        defer { second.detach() }
        try second.attach(cgroupRoot: root)
        #expect(second.isolation.attachedInKernel == 2, "taken-over isolation attached at start")
        #expect(attachedEventually(firstIds, false), "the old links were released by the takeover")

        // Isolation ends: the programs detach and their pins go.
        try second.policy.apply(KernelPolicy())
        #expect(second.isolation.attachedInKernel == 0)
        #expect(f.pins.entries().allSatisfy { !names.contains($0) }, "pins: \(f.pins.entries())")
        #expect(f.pins.entries().contains("link_mamori_prevent_exec"), "the other prevention pins stay")
    }

    @Test("fail-open: kill -9 of the holder releases the denial and leaves no pins")
    func failOpenReleasesWithTheAgent() throws {
        let f = try Fixture("open")
        defer { f.tearDown() }
        try f.startHolder(failClosed: false)
        #expect(try f.runPayload().wasDenied, "the policy is in force while the holder runs")
        #expect(f.pins.entries().isEmpty, "fail-open pins nothing")
        f.killHolder()
        #expect(try f.payloadRunsEventually(), "with the holder dead the payload runs")
    }

    @Test("fail-open start removes pins an earlier fail-closed agent left")
    func failOpenStartRemovesStalePins() throws {
        let f = try Fixture("stale")
        defer { f.tearDown() }
        try f.startHolder(failClosed: true)
        f.killHolder()
        #expect(try f.runPayload().wasDenied)
        #expect(!f.pins.entries().isEmpty)

        var options = SensorOptions()
        options.pinDirectory = f.pins.directory
        options.fileEvents = false
        let program = try SensorProgram(options: options, selfTgid: 0)
        try program.attach(cgroupRoot: cgroup2Mount())
        #expect(f.pins.entries().isEmpty, "a fail-open agent releases stale pins after attaching")
        program.detach()
        #expect(try f.payloadRunsEventually())
    }
}
}
