import Foundation
import Glibc
import MamoriEvents
@testable import MamoriSensor
import Testing

/// In-kernel folding of repeated identical file events, on a sensor of its own with
/// `foldFileRepeats` on: counted, not lost; a different inode or op is never folded.
extension SensorIntegration {
@Suite("file repeats (kernel folding)")
struct FileRepeatTests {
    @Test("1000 identical write-opens become a few records whose counts sum to 1000")
    func identicalWritesAreCountedNotLost() throws {
        var options = SensorOptions()
        options.foldFileRepeats = true
        let session = try SensorSession(options: options, queueCapacity: 1 << 16, cgroupRoot: cgroup2Mount(), selfTgid: 0)
        session.start()
        defer { session.stop() }
        let dir = try makeTempDir("repeat")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = dir + "/a.log", b = dir + "/b.log"
        let cfd = open(a, O_CREAT | O_WRONLY | O_EXCL, 0o600)
        #expect(cfd >= 0)
        close(cfd)
        for _ in 0..<1000 {
            let fd = open(a, O_WRONLY | O_APPEND)
            _ = "x".withCString { write(fd, $0, 1) }
            close(fd)
        }
        let bfd = open(b, O_CREAT | O_WRONLY, 0o600)   // another inode
        close(bfd)
        let tfd = open(a, O_WRONLY | O_TRUNC)          // another op on the same inode
        close(tfd)

        let me = UInt32(getpid())
        var files: [FileEvent] = []
        var batch: [SensorEvent] = []
        let deadline = Date().addingTimeInterval(15)
        func writes() -> [FileEvent] { files.filter { $0.op == .openWrite && $0.path == a } }
        while Date() < deadline, writes().reduce(0, { $0 + Int($1.count) }) < 1000 {
            _ = session.queue.waitForElements(timeout: .milliseconds(100))
            batch.removeAll(keepingCapacity: true)
            _ = session.queue.popBatch(into: &batch, max: 4096)
            for case .file(let f) in batch where f.header.tgid == me && f.path.hasPrefix(dir + "/") { files.append(f) }
        }
        let w = writes()
        #expect(w.reduce(0) { $0 + Int($1.count) } == 1000, "every write-open is counted")
        #expect(w.count >= 1 && w.count <= 20, "folded into a few records, got \(w.count)")
        #expect(files.contains { $0.op == .create && $0.path == a && $0.count == 1 })
        #expect(files.contains { $0.path == b && $0.op == .create }, "a different inode is not folded")
        #expect(files.contains { $0.path == a && $0.op == .truncate }, "a different op is not folded")
        #expect(session.reader.stats.repeatsUnattributed == 0)
    }

    @Test("a creation is never folded: 200 create+unlink of distinct paths (inode numbers reused) are 200 creations, each with its path")
    func creationsAreNeverFolded() throws {
        var options = SensorOptions()
        options.foldFileRepeats = true
        let session = try SensorSession(options: options, queueCapacity: 1 << 16, cgroupRoot: cgroup2Mount(), selfTgid: 0)
        session.start()
        defer { session.stop() }
        let dir = try makeTempDir("repeat-create")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var inodes = Set<UInt64>()
        let paths = (0..<200).map { dir + "/f\($0)" }
        for p in paths {
            let fd = open(p, O_CREAT | O_WRONLY | O_EXCL, 0o600)
            #expect(fd >= 0)
            var st = stat()
            if fstat(fd, &st) == 0 { inodes.insert(UInt64(st.st_ino)) }
            close(fd)
            unlink(p)
        }
        let me = UInt32(getpid())
        var created: [FileEvent] = []
        var batch: [SensorEvent] = []
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, created.count < paths.count {
            _ = session.queue.waitForElements(timeout: .milliseconds(100))
            batch.removeAll(keepingCapacity: true)
            _ = session.queue.popBatch(into: &batch, max: 4096)
            for case .file(let f) in batch where f.header.tgid == me && f.op == .create && f.path.hasPrefix(dir + "/") {
                created.append(f)
            }
        }
        #expect(Set(created.map(\.path)) == Set(paths), "every creation reported under its own path (\(inodes.count) distinct inode numbers)")
        #expect(created.allSatisfy { $0.count == 1 }, "no creation carries a folded count")
    }
}
}
