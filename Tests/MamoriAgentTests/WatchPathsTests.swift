import Foundation
@testable import MamoriAgent
import Testing

/// `WatchPaths.expand`: glob patterns of the watch list against a scratch tree.
@Suite struct WatchPathsTests {
    @Test func globsExpandPlainPathsPassAndMatchesAreCapped() throws {
        let root = NSTemporaryDirectory() + "mamori-watch-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: root) }
        for user in ["alice", "bob", "carol"] {
            try FileManager.default.createDirectory(atPath: "\(root)/home/\(user)/.aws", withIntermediateDirectories: true)
        }
        for user in ["alice", "carol"] {
            FileManager.default.createFile(atPath: "\(root)/home/\(user)/.aws/credentials", contents: Data("k".utf8))
        }
        let found = WatchPaths.expand(["\(root)/home/*/.aws/credentials", "/etc/shadow", "\(root)/none/*/x"])
        #expect(Set(found) == ["\(root)/home/alice/.aws/credentials", "\(root)/home/carol/.aws/credentials", "/etc/shadow"])
        #expect(WatchPaths.expand(["\(root)/home/*"], limit: 2).count == 2)
    }
}
