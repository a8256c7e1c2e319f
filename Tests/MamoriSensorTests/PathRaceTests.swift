import Foundation
import Glibc
import MamoriEvents
@testable import MamoriSensor
import Testing

/// Issue 13 item 5, path TOCTOU on syscall tracepoints: rename/unlink/chmod/chown paths are
/// the user's string, resolved lexically. These tests pin what the sensor guarantees and
/// measure what it does not (docs/security.md, "Paths of rename/unlink/chmod/chown").
extension SensorIntegration {
@Suite("path races")
struct PathRaceTests {
    static let me = UInt32(getpid())

    /// One thread unlinks through a buffer another thread keeps rewriting between two names
    /// ("a…" exists, "b…" never does). What holds: every successful unlink is reported, with a
    /// path the caller wrote (never a torn or foreign string). What does not: the name can be
    /// the one the kernel did not use (read back from user memory at syscall exit); the count
    /// is printed.
    @Test("an unlink whose path buffer is rewritten by another thread is still reported")
    func rewrittenPathBufferIsReported() throws {
        let h = try SensorHarness.get()
        h.reset()
        let dir = try makeTempDir("race")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let nameA = dir + "/a-target", nameB = dir + "/b-target"
        let bytes = Array(nameA.utf8CString)
        let buf = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        defer { buf.deallocate() }
        buf.initialize(from: bytes, count: bytes.count)
        let flip = dir.utf8.count + 1  // index of the 'a' / 'b'
        let stop = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        stop.pointee = 0
        defer { stop.deallocate() }
        struct Ctx { var buf: UnsafeMutablePointer<CChar>; var index: Int; var stop: UnsafeMutablePointer<Int32> }
        let ctx = UnsafeMutablePointer<Ctx>.allocate(capacity: 1)
        ctx.initialize(to: Ctx(buf: buf, index: flip, stop: stop))
        defer { ctx.deallocate() }
        var tid = pthread_t()
        pthread_create(&tid, nil, { raw in
            let c = raw!.assumingMemoryBound(to: Ctx.self).pointee
            let a = CChar(UInt8(ascii: "a")), b = CChar(UInt8(ascii: "b"))
            while c.stop.pointee == 0 { (c.buf + c.index).pointee = a; (c.buf + c.index).pointee = b }
            return nil
        }, ctx)
        var removed = 0
        let rounds = 3_000
        for _ in 0..<rounds {
            touch(nameA)
            if unlink(buf) == 0 { removed += 1 }
        }
        stop.pointee = 1
        pthread_join(tid, nil)
        unlink(nameA)
        let seen = h.collect(timeout: 10, filter: {
            if case .file(let f) = $0 { return f.op == .unlink && f.result == 0 && f.header.tgid == Self.me && f.path.hasPrefix(dir + "/") }
            return false
        }, until: { $0.count >= removed }).compactMap { e -> FileEvent? in if case .file(let f) = e { return f } else { return nil } }
        let mislabelled = seen.filter { $0.path == nameB }.count
        print("path race: \(removed)/\(rounds) unlinks succeeded, \(seen.count) reported, \(mislabelled) reported under the name the kernel did not remove")
        #expect(removed > 0)
        #expect(seen.count >= removed, "every successful unlink is reported (\(seen.count)/\(removed))")
        #expect(seen.allSatisfy { $0.path == nameA || $0.path == nameB }, "only names the caller wrote")
    }

    /// chmod through a symlinked directory and `..`: the kernel follows the link, then goes up
    /// from its target; the sensor folds `..` lexically. The reported path is the name used,
    /// so a rule on the real file's path misses it; what holds is that the event is reported and
    /// the raw components are kept (`MAMORI_FILE_PATH_RELATIVE` is not set, the path is absolute).
    @Test("chmod through a symlink and .. reports the name used, not the file changed")
    func symlinkDotDotIsLexical() throws {
        let h = try SensorHarness.get()
        h.reset()
        let dir = try makeTempDir("symdot")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/real/deep", withIntermediateDirectories: true)
        touch(dir + "/real/secret")
        #expect(symlink(dir + "/real/deep", dir + "/ln") == 0)
        // The kernel: ln → real/deep, .. → real, so real/secret. Lexically: dir/secret.
        #expect(chmod(dir + "/ln/../secret", 0o600) == 0)
        var st = stat()
        stat(dir + "/real/secret", &st)
        #expect(st.st_mode & 0o777 == 0o600, "the kernel changed real/secret")
        let seen = h.collect(timeout: 5, filter: {
            if case .file(let f) = $0 { return f.op == .chmod && f.header.tgid == Self.me && f.path.hasPrefix(dir) }
            return false
        }, until: { !$0.isEmpty }).compactMap { e -> FileEvent? in if case .file(let f) = e { return f } else { return nil } }
        #expect(seen.count == 1, "the chmod is reported")
        print("symlink+..: kernel changed \(dir)/real/secret, reported \(seen.first?.path ?? "nothing")")
        #expect(seen.first.map { $0.path == dir + "/real/secret" || $0.path == dir + "/secret" } == true)
    }
}
}
