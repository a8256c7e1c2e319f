import Foundation
@testable import MamoriPrevention
import Testing

@Suite struct QuarantineTests {
    @Test func sha256KnownVectors() {
        #expect(FileDigest.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(FileDigest.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(FileDigest.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var s = FileDigest()
        for _ in 0..<1000 { s.update(Array(repeating: UInt8(ascii: "a"), count: 1000)) }
        #expect(s.finalizeHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func hasherCachesPerFileVersion() throws {
        let dir = TempDir("hash")
        let path = dir.path + "/tool"
        try "abc".write(toFile: path, atomically: false, encoding: .utf8)
        let hasher = ExecutableHasher()
        #expect(hasher.hash(path: path)?.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        _ = hasher.hash(path: path)
        #expect(hasher.hashed == 1 && hasher.hits == 1)
        try "abcd".write(toFile: path, atomically: false, encoding: .utf8) // new size → new version
        #expect(hasher.hash(path: path)?.sha256 == FileDigest.hex(Array("abcd".utf8)))
        #expect(hasher.hashed == 2)
        #expect(hasher.hash(path: dir.path + "/missing") == nil)
    }

    func roundTrip(fileDir: String, quarantineDir: String) throws {
        let q = Quarantine(directory: quarantineDir)
        let path = fileDir + "/payload-\(UUID().uuidString).sh"
        let content = "#!/bin/sh\necho pwned\n"
        try content.write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o751)
        let entry = try q.quarantine(path: path, origin: "pid 123 /usr/bin/curl incident I-1", now: 1234.5)
        #expect(access(path, F_OK) != 0)
        #expect(entry.sha256 == FileDigest.hex(Array(content.utf8)))
        #expect(entry.originalPath == path && entry.mode == 0o751 && entry.uid == getuid() && entry.size == Int64(content.utf8.count))
        #expect(entry.origin == "pid 123 /usr/bin/curl incident I-1")
        let attrs = try FileManager.default.attributesOfItem(atPath: quarantineDir)
        #expect((attrs[.posixPermissions] as? Int) == 0o700)
        #expect(q.list() == [entry])
        // Refuses to overwrite a file that reappeared, unless forced.
        try "other".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: Quarantine.Failure.self) { try q.restore(id: entry.id) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "other")
        #expect(q.list().count == 1)
        try q.restore(id: entry.id, force: true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == content)
        let restored = try FileManager.default.attributesOfItem(atPath: path)
        #expect((restored[.posixPermissions] as? Int) == 0o751)
        #expect(q.list().isEmpty)
        unlink(path)
    }

    @Test func quarantineAndRestoreRoundTrip() throws {
        let dir = TempDir("quarantine")
        try roundTrip(fileDir: dir.path, quarantineDir: dir.path + "/q")
    }

    @Test func worksAcrossFilesystems() throws {
        // /dev/shm is a tmpfs; the temp dir is usually not. Either way the copy path is used.
        let dir = TempDir("quarantine")
        guard access("/dev/shm", W_OK) == 0 else { return }
        try roundTrip(fileDir: "/dev/shm", quarantineDir: dir.path + "/q")
    }

    @Test func refusesNonRegularFilesAndUnknownIds() {
        let dir = TempDir("quarantine")
        let q = Quarantine(directory: dir.path + "/q")
        #expect(throws: Quarantine.Failure.self) { try q.quarantine(path: dir.path, origin: nil) }
        #expect(throws: Quarantine.Failure.self) { try q.quarantine(path: dir.path + "/missing", origin: nil) }
        #expect(throws: Quarantine.Failure.self) { try q.restore(id: "q1-00") }
    }
}
