import Foundation
@testable import MamoriPrevention
import Testing

@Suite struct HashDenylistTests {
    @Test func deniedHashBecomesAnInodeOnce() throws {
        let dir = TempDir("hashdeny")
        let bad = dir.path + "/miner", good = dir.path + "/tool", copy = dir.path + "/miner2"
        try "evil".write(toFile: bad, atomically: false, encoding: .utf8)
        try "evil".write(toFile: copy, atomically: false, encoding: .utf8)
        try "fine".write(toFile: good, atomically: false, encoding: .utf8)
        var policy = PreventionPolicy()
        policy.execDeny = [.init(match: .sha256(FileDigest.hex(Array("evil".utf8))))]
        let list = HashDenylist(policy: policy)
        #expect(list.observeExec(path: bad))
        #expect(!list.observeExec(path: bad)) // same inode: nothing new
        #expect(!list.observeExec(path: good))
        #expect(list.observeExec(path: copy)) // same content, another inode
        let inodes = list.hashInodes[FileDigest.hex(Array("evil".utf8))]
        #expect(inodes == [FileIdentity.inode(of: bad)!, FileIdentity.inode(of: copy)!])
        list.update(policy: PreventionPolicy())
        #expect(list.hashInodes.isEmpty && !list.observeExec(path: copy))
    }

    @Test func levelSummaryText() {
        var state = LevelState(hostLevel: .knownBad)
        _ = state.setHostLevel(.high, for: 1800, by: Actor(uid: 0, pid: 7, comm: "mamori"), reason: "incident", now: 100)
        _ = state.setScope(.unit("nginx.service"), level: .lockdown, by: .agent, reason: nil, now: 100)
        var policy = PreventionPolicy()
        policy.scopes = [.init(target: .cgroup("/build"), level: .monitor)]
        let lines = LevelSummary.lines(state: state, policy: policy, nowUnix: 160)
        #expect(lines[0] == "host level: 3 (high), reverts to 1 (known-bad) in 29m0s")
        #expect(lines.contains("scope overrides:"))
        #expect(lines.contains("  cgroup /build: 0 (monitor) [policy]"))
        #expect(lines.contains("  unit nginx.service: 4 (lockdown) [operator]"))
        #expect(lines.contains("* 3 high"))
        #expect(lines.contains("      - rules of level critical, high act (their response: kill, kill-tree, freeze)"))
    }
}
