import Foundation
import Glibc
import MamoriEvents
@testable import MamoriSensor
import Testing

/// Real file operations in a temporary directory, through dirfd-relative and cwd-relative paths.
extension SensorIntegration {
@Suite("file events")
struct FileEventsTests {
    static let me = UInt32(getpid())

    func fileEvents(_ h: SensorHarness, under dir: String, until done: @escaping ([FileEvent]) -> Bool) -> [FileEvent] {
        h.collect(filter: {
            if case .file(let f) = $0 { return f.path.hasPrefix(dir + "/") } else { return false }
        }, until: { evs in done(evs.compactMap { if case .file(let f) = $0 { return f } else { return nil } }) })
        .compactMap { if case .file(let f) = $0 { return f } else { return nil } }
    }

    @Test("create, write, rename, chmod, chown, truncate, unlink via a directory fd")
    func dirfdRelativeOps() throws {
        let h = try SensorHarness.get()
        h.reset()
        let dir = try makeTempDir("file")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let dfd = open(dir, O_RDONLY | O_DIRECTORY)
        #expect(dfd >= 0)
        defer { close(dfd) }

        let fd = openat(dfd, "a.txt", O_CREAT | O_WRONLY | O_EXCL, 0o640)
        #expect(fd >= 0)
        _ = "hello".withCString { write(fd, $0, 5) }
        var st = stat()
        fstat(fd, &st)
        close(fd)
        #expect(renameat(dfd, "a.txt", dfd, "b.txt") == 0)
        #expect(fchmodat(dfd, "b.txt", 0o600, 0) == 0)
        #expect(fchownat(dfd, "b.txt", 1, 1, 0) == 0)
        let tfd = openat(dfd, "./b.txt", O_WRONLY | O_TRUNC)
        #expect(tfd >= 0)
        close(tfd)
        let afd = openat(dfd, "b.txt", O_WRONLY | O_APPEND)
        close(afd)
        #expect(unlinkat(dfd, "b.txt", 0) == 0)

        let files = fileEvents(h, under: dir) { evs in evs.contains { $0.op == .unlink } }
            .filter { $0.header.tgid == Self.me }
        let create = files.first { $0.op == .create }
        #expect(create?.path == dir + "/a.txt")
        #expect(create?.inode == UInt64(st.st_ino))
        #expect(create?.mode == 0o640)
        #expect(create.map { $0.openFlags & UInt32(O_CREAT) != 0 } == true)
        #expect(create?.subject.uid == getuid())
        let rename = files.first { $0.op == .rename }
        #expect(rename?.path == dir + "/a.txt")
        #expect(rename?.targetPath == dir + "/b.txt")
        #expect(rename?.result == 0)
        let chmodEv = files.first { $0.op == .chmod }
        #expect(chmodEv?.path == dir + "/b.txt")
        #expect(chmodEv?.mode == 0o600)
        let chownEv = files.first { $0.op == .chown }
        #expect(chownEv?.path == dir + "/b.txt")
        #expect(chownEv?.ownerUid == 1)
        #expect(chownEv?.ownerGid == 1)
        let trunc = files.first { $0.op == .truncate }
        #expect(trunc?.path == dir + "/b.txt", "'./b.txt' is folded")
        let append = files.first { $0.op == .openWrite }
        #expect(append?.path == dir + "/b.txt")
        let unlinkEv = files.first { $0.op == .unlink }
        #expect(unlinkEv?.path == dir + "/b.txt")
        #expect(unlinkEv?.result == 0)
    }

    @Test("cwd-relative paths from another process are made absolute")
    func cwdRelativeOps() throws {
        let h = try SensorHarness.get()
        h.reset()
        let dir = try makeTempDir("cwd")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        let sh = try runProcess("/bin/sh", ["-c", "cd '\(dir)/sub' && : > x && mv x ../y && chmod 700 ../y && rm ../y"])
        #expect(sh.status == 0)
        let files = fileEvents(h, under: dir) { evs in evs.contains { $0.op == .unlink } }
        #expect(files.contains { $0.op == .create && $0.path == dir + "/sub/x" })
        #expect(files.contains { $0.op == .rename && $0.path == dir + "/sub/x" && $0.targetPath == dir + "/y" })
        #expect(files.contains { $0.op == .chmod && $0.path == dir + "/y" && $0.mode == 0o700 })
        #expect(files.contains { $0.op == .unlink && $0.path == dir + "/y" })
        #expect(files.allSatisfy { !$0.flags.contains(.pathRelative) })
    }

    @Test("reads are reported only for watched files")
    func watchedReads() throws {
        let h = try SensorHarness.get()
        h.reset()
        let dir = try makeTempDir("watch")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let secret = dir + "/secret.key", plain = dir + "/plain.txt", marker = dir + "/zz-marker"
        FileManager.default.createFile(atPath: secret, contents: Data("k".utf8))
        FileManager.default.createFile(atPath: plain, contents: Data("p".utf8))
        #expect(try h.session.program.maps.watch(path: secret))
        h.reset()
        for path in [secret, plain] {
            let fd = open(path, O_RDONLY)
            #expect(fd >= 0)
            close(fd)
        }
        touch(marker)
        let files = fileEvents(h, under: dir) { evs in evs.contains { $0.path == marker } }
        let reads = files.filter { $0.op == .openRead }
        #expect(reads.count == 1)
        #expect(reads.first?.path == secret)
        #expect(reads.first?.flags.contains(.watched) == true)
        #expect(!files.contains { $0.path == plain })
    }

    @Test("watches on a second device (tmpfs): file and children entries both reported")
    func watchedReadsOtherDevice() throws {
        let base = "/dev/shm"
        var st = stat()
        guard stat(base, &st) == 0 else { return } // no tmpfs here: nothing to prove
        let h = try SensorHarness.get()
        let dir = base + "/mamori-watchdev-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let sub = dir + "/keys"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let secret = dir + "/secret.key", plain = dir + "/plain.txt", child = sub + "/id.key"
        let marker = dir + "/zz-marker"
        for path in [secret, plain, child] { FileManager.default.createFile(atPath: path, contents: Data("k".utf8)) }
        #expect(try h.session.program.maps.watch(path: secret))
        #expect(try h.session.program.maps.watch(path: sub, children: true))
        h.reset()
        for path in [secret, plain, child] {
            let fd = open(path, O_RDONLY)
            #expect(fd >= 0)
            close(fd)
        }
        touch(marker)
        let files = fileEvents(h, under: dir) { evs in evs.contains { $0.path == marker } }
        let reads = Set(files.filter { $0.op == .openRead }.map(\.path))
        #expect(reads == [secret, child])
        #expect(!files.contains { $0.path == plain })
    }
}
}
