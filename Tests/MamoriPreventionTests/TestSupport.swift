import MamoriTestSupport
import Foundation
import MamoriSensor
@testable import MamoriPrevention
import MamoriPolicy

/// A fresh directory under /tmp, removed when released.
final class TempDir {
    let path: String
    init(_ tag: String = "prevent") {
        path = NSTemporaryDirectory() + "mamori-\(tag)-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A fixed path → inode table.
struct FakeInodes: InodeResolving {
    var table: [String: KernelPolicy.Inode]
    func inode(of path: String) -> KernelPolicy.Inode? { table[path] }
}

/// A synthetic cgroup hierarchy: path → id.
struct FakeCgroups: CgroupLocating {
    var ids: [String: UInt64]
    func cgroupId(path: String) -> UInt64? { ids[path] }
    func unitPaths() -> [String: [String]] {
        var out: [String: [String]] = [:]
        for path in ids.keys.sorted() {
            guard let last = path.split(separator: "/").last, last.contains(".") else { continue }
            out[String(last), default: []].append(path)
        }
        return out
    }
}

func ino(_ n: UInt64, dev: UInt32 = 8) -> KernelPolicy.Inode { KernelPolicy.Inode(dev: dev, ino: n) }

