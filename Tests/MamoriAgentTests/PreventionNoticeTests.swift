import Foundation
@testable import MamoriAgent
import MamoriOutput
import MamoriEvents
import MamoriPrevention
import MamoriProcess
import Testing

/// "Would have" kernel records: only the next level up is worth a line in the alert stream,
/// and that line is a notice (`event.kind: signal`), not an alert. Further levels are what
/// `mamori level simulate` shows.
@Suite struct PreventionNoticeTests {
    private func worker() -> PreventionWorker {
        let dir = NSTemporaryDirectory() + "mamori-notice-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let controller = PreventionController(policy: PreventionPolicy(), levelStore: LevelStore(path: dir + "/state.json"),
                                              maps: nil, agentCgroupPath: nil, log: { _ in })
        return PreventionWorker(controller: controller, agentPid: 1, cgroups: CgroupResolver(mountPoint: nil),
                                hostName: "test")
    }

    private func action(level: UInt8, needed: UInt8, enforced: Bool, path: String) -> ActionEvent {
        ActionEvent(header: EventHeader(kind: 0, version: 1, size: 0, ktimeNs: 1, tgid: 10, tid: 10, startBoottimeNs: 1),
                    subject: Subject(ppid: 1, uid: 1000, gid: 1000, euid: 1000, cgroupId: 1, comm: "cc1"),
                    action: .killExec, reason: .execDirectory, level: level, neededLevel: needed, enforced: enforced,
                    failed: false, policyId: 7, result: 0, inode: 1, device: 1, destination: nil,
                    destinationPort: 0, proto: 0, path: path)
    }

    @Test func aLevelTwoStepsAwayIsNotALine() {
        // A compiler run from /tmp at level 0 against a lockdown-only (level 4) entry.
        #expect(worker().kernelAction(action(level: 0, needed: 4, enforced: false, path: "/tmp/build/a.out"),
                                      process: nil, ancestry: []) == nil)
        #expect(worker().kernelAction(action(level: 1, needed: 3, enforced: false, path: "/tmp/x"),
                                      process: nil, ancestry: []) == nil)
    }

    @Test func theNextLevelUpIsANoticeNotAnAlert() throws {
        let f = try #require(worker().kernelAction(action(level: 0, needed: 1, enforced: false, path: "/tmp/x"),
                                                   process: nil, ancestry: []))
        #expect(f.kind == .notice && f.severityWord == "low")
        #expect(f.response?.contains("would act at level") == true)
    }

    @Test func anEnforcedActionIsAlwaysAnAlert() throws {
        let f = try #require(worker().kernelAction(action(level: 4, needed: 4, enforced: true, path: "/tmp/x"),
                                                   process: nil, ancestry: []))
        #expect(f.kind == .alert && f.severityWord == "high")
    }
}
