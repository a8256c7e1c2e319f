import MamoriEvents
import Testing

@Suite("Path normalisation")
struct PathNormalizerTests {
    @Test(arguments: [
        ("/a/./b/../c", "/a/c"),
        ("//a//b///c", "/a/b/c"),
        ("/a/b/", "/a/b"),
        ("/", "/"),
        ("//", "/"),
        ("/.", "/"),
        ("/..", "/"),
        ("/../../etc/passwd", "/etc/passwd"),
        ("/a/b/../../..", "/"),
        ("/a/b/c/../..", "/a"),
        ("/tmp/.hidden/..x/...", "/tmp/.hidden/..x/..."),
        ("/tmp/.", "/tmp"),
        ("/tmp/..", "/"),
        ("/a/./././b", "/a/b"),
        ("/proc/self/../1/exe", "/proc/1/exe"),
        ("/ünï/./cödé/../x", "/ünï/x"),
        ("relative/../path", "relative/../path"),
        ("./x", "./x"),
        ("", ""),
    ])
    func normalise(input: String, output: String) {
        #expect(PathNormalizer.normalize(input) == output)
        // Idempotent: a clean path stays the same.
        #expect(PathNormalizer.normalize(output) == output)
    }

    @Test func cleanPathsSkipTheWork() {
        #expect(!PathNormalizer.needsNormalization("/usr/bin/python3"))
        #expect(!PathNormalizer.needsNormalization("/"))
        #expect(!PathNormalizer.needsNormalization("relative//x"))
        #expect(PathNormalizer.needsNormalization("/usr//bin"))
        #expect(PathNormalizer.needsNormalization("/usr/./bin"))
        #expect(PathNormalizer.needsNormalization("/usr/"))
    }

    @Test func invalidUTF8SurvivesNormalisation() throws {
        let bytes: [UInt8] = Array("/a/../b".utf8) + [0xff] + Array("/./c".utf8)
        let decoded = String(decoding: bytes, as: UTF8.self)
        #expect(PathNormalizer.normalize(decoded) == "/b\u{FFFD}/c")
    }
}
