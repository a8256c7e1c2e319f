import Foundation
import Glibc
import MamoriEvents
@testable import MamoriSensor
import Testing

/// The kernel's per-uid file-record budget (bpf/lib/budget.h, issue 13): a non-root flooder's
/// file records beyond its budget are counted in the kernel instead of filling the bulk lane;
/// root's records at the same time are all reported, and the count names the uid.
extension SensorIntegration {
@Suite("per-uid file budget")
struct FileBudgetTests {
    @Test("creates by nobody beyond the budget are counted in the kernel, root's are all reported")
    func floodBeyondBudgetIsCountedNotEmitted() throws {
        let h = try SensorHarness.get()
        try h.session.program.maps.writeFileBudget(eventsPerSecond: 200, burst: 200)
        defer {
            let d = SensorOptions().kernelFileBudget
            try? h.session.program.maps.writeFileBudget(eventsPerSecond: d.eventsPerSecond, burst: d.burst)
        }
        h.reset()
        let dir = try makeTempDir("budget")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        chmod(dir, 0o755)
        try FileManager.default.createDirectory(atPath: dir + "/nobody", withIntermediateDirectories: true)
        chown(dir + "/nobody", 65534, 65534)
        try FileManager.default.createDirectory(atPath: dir + "/root", withIntermediateDirectories: true)
        var before: [(uid: UInt32, suppressed: UInt64)] = []
        h.session.program.maps.fileBudgetSuppressed(into: &before)
        let base = before.first { $0.uid == 65534 }?.suppressed ?? 0

        let n = 3_000
        let flood = Process()
        flood.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        flood.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", "--", "/usr/bin/python3", "-c",
                           "import os\nfor i in range(\(n)): os.close(os.open('\(dir)/nobody/f%d' % i, os.O_CREAT | os.O_WRONLY, 0o600))"]
        try flood.run()
        var rootCreates = 0
        while flood.isRunning && rootCreates < 100 {
            touch(dir + "/root/r\(rootCreates)")
            rootCreates += 1
            usleep(2_000)
        }
        flood.waitUntilExit()
        #expect(flood.terminationStatus == 0)
        let events = h.collect(timeout: 5, filter: {
            if case .file(let f) = $0 { return f.op == .create && f.path.hasPrefix(dir + "/") } else { return false }
        }, until: { evs in evs.filter { if case .file(let f) = $0 { return f.subject.uid == 0 } else { return false } }.count >= rootCreates })
        let files = events.compactMap { e -> FileEvent? in if case .file(let f) = e { return f } else { return nil } }
        let nobodyReported = files.filter { $0.subject.uid == 65534 }.count
        let rootReported = files.filter { $0.subject.uid == 0 }.count
        var after: [(uid: UInt32, suppressed: UInt64)] = []
        h.session.program.maps.fileBudgetSuppressed(into: &after)
        let suppressed = (after.first { $0.uid == 65534 }?.suppressed ?? 0) - base
        print("file budget: nobody \(nobodyReported) reported + \(suppressed) suppressed of \(n) creates; root \(rootReported)/\(rootCreates)")
        #expect(rootReported == rootCreates, "root is never budgeted")
        #expect(nobodyReported < n / 2, "the flood beyond the budget was not emitted (\(nobodyReported))")
        #expect(nobodyReported > 0, "the budget let the first events through")
        #expect(UInt64(nobodyReported) + suppressed >= UInt64(n), "every create is reported or counted")
    }
}
}
