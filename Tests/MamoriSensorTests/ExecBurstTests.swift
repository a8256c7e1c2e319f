import Foundation
import MamoriEvents
@testable import MamoriSensor
import MamoriTestSupport
import Testing

/// A burst of 20,000 execs: each is delivered, or the drop counters account for it.
extension SensorIntegration {
@Suite("exec burst")
struct ExecBurstTests {
    @Test("20,000 execs are all seen or counted as dropped")
    func execBurst() throws {
        try StormLock.exclusive {
            let h = try SensorHarness.get()
            h.reset()
            let count = 20_000
            let dropsBefore = h.session.stats.kernelDrops[Int(EventKind.exec.rawValue)]
            let queueDropsBefore = h.session.stats.reader.queueDrops
            let start = Date()
            // Spawned, not waited for: the harness drains the queue while the burst runs.
            let sh = Process()
            sh.executableURL = URL(fileURLWithPath: "/bin/sh")
            sh.arguments = ["-c", "i=0; while [ $i -lt \(count) ]; do /bin/true; i=$((i+1)); done"]
            sh.standardOutput = FileHandle.nullDevice
            try sh.run()
            let shPid = UInt32(sh.processIdentifier)
            let seen = h.collect(timeout: 180, filter: {
                if case .exec(let e) = $0 { return e.subject.ppid == shPid && e.executable.hasSuffix("/true") }
                return false
            }, until: { $0.count + Int(h.session.stats.kernelDrops[Int(EventKind.exec.rawValue)] - dropsBefore) >= count }).count
            sh.waitUntilExit()
            let elapsed = Date().timeIntervalSince(start)
            let stats = h.session.stats
            let kernelDropped = Int(stats.kernelDrops[Int(EventKind.exec.rawValue)] - dropsBefore)
            let queueDropped = Int(stats.reader.queueDrops - queueDropsBefore)
            print("exec burst: \(count) execs in \(String(format: "%.1f", elapsed)) s, seen \(seen), kernel drops \(kernelDropped), queue drops \(queueDropped)")
            #expect(queueDropped == 0)
            #expect(seen + kernelDropped == count)
            #expect(stats.reader.decodeErrors == 0)
        }
    }
}
}
