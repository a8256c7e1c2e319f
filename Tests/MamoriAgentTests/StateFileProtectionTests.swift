import Foundation
import MamoriAgent
import MamoriPrevention
import MamoriSensor
import Testing
import MamoriPolicy

/// Issue 13.7: state.json is saved atomically (a new inode each time); the kernel protects
/// files by inode, so each save must hand the new inode to the kernel policy.
@Suite struct StateFileProtectionTests {
    @Test func everySaveReprotectsTheNewInode() throws {
        let dir = NSTemporaryDirectory() + "mamori-stateprot-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let statePath = dir + "/state.json"
        var policy = PreventionPolicy()
        policy.protectedFiles = [statePath]
        let controller = PreventionController(policy: policy, levelStore: LevelStore(path: statePath), maps: nil,
                                              agentCgroupPath: nil, log: { _ in })
        _ = try controller.start()
        let actor = MamoriPrevention.Actor(uid: 0, pid: 1, comm: "test")
        for level in [PreventionLevel.knownBad, .critical] {
            _ = try controller.change { state in
                let from = state.hostLevel
                state.hostLevel = level
                return AuditRecord(action: .levelSet, actor: actor, unixSeconds: 1, scope: "host",
                                   from: "\(from)", to: "\(level)", reason: nil)
            }
            let onDisk = try #require(KernelPolicy.Inode.of(path: statePath), "state.json written")
            #expect(controller.kernelPolicy.protectedFiles.map(\.inode).contains(onDisk),
                    "the kernel protects the inode state.json has now, after saving level \(level)")
        }
    }
}
