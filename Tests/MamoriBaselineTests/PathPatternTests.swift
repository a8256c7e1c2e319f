import MamoriBaseline
import MamoriStore
import Testing

@Suite("Path patterns and command shapes")
struct PathPatternTests {
    @Test("numbered logs, per-date files and temp names collapse; ordinary names stay")
    func collapse() {
        #expect(PathPattern.collapse("/var/log/app/app.log.3") == "/var/log/app/app.log.#")
        #expect(PathPattern.collapse("/var/log/app/app.log.12") == "/var/log/app/app.log.#")
        #expect(PathPattern.collapse("/var/log/nginx/access-2026-12-07.log") == "/var/log/nginx/access-#-#-#.log")
        #expect(PathPattern.collapse("/var/spool/2026/12/07/job.dat") == "/var/spool/#/#/#/job.dat")
        #expect(PathPattern.collapse("/tmp/tmp.a8Xk2q") == "/tmp/tmp.*")
        #expect(PathPattern.collapse("/tmp/tmpAbCdEfGh") == "/tmp/*")  // mkstemp letters only, case flips
        #expect(PathPattern.collapse("/var/lib/x/5f2a9c1e0b7d.part") == "/var/lib/x/*.part")
        #expect(PathPattern.collapse("/etc/demo/config.yaml") == "/etc/demo/config.yaml")
        #expect(PathPattern.collapse("/srv/app/ConfigFile.json") == "/srv/app/ConfigFile.json")
        #expect(PathPattern.collapse("/var/log/app/log2.txt") == "/var/log/app/log#.txt")
    }

    @Test("collapsing is idempotent and the streaming hash is the hash of the pattern")
    func idempotentHash() {
        for p in ["/var/log/app/app.log.3", "/tmp/tmp.a8Xk2q", "/a/b-2026-01-02/c", "/ünïcode/β.1", "/", ""] {
            let c = PathPattern.collapse(p)
            #expect(PathPattern.collapse(c) == c, "\(p)")
            #expect(PathPattern.hash(p) == PathPattern.hash(c), "\(p)")
        }
        #expect(PathPattern.hash("/var/log/a.log.1") == PathPattern.hash("/var/log/a.log.77"))
        #expect(PathPattern.hash("/var/log/a.log") != PathPattern.hash("/etc/a.log"))
    }

    @Test("the allocation-free shape hash equals CommandShape's")
    func shapeHash() {
        let cases: [(String, [String])] = [
            ("/bin/sleep", ["sleep", "5"]), ("/usr/bin/curl", ["curl", "-s", "http://10.0.0.1:8080/x?id=deadbeef1234"]),
            ("/bin/sh", ["sh", "-c", "echo 1 | base64 -d"]), ("/x", []), ("/x", ["x"]),
            ("/usr/bin/python3", ["python3", String(repeating: "a1", count: 300)]), ("/e", ["e", "ünï 42 ✓ ff00ff00ff"]),
        ]
        for (exe, args) in cases {
            #expect(CommandShape.streamingHash(executable: exe, args: args) == CommandShape(executable: exe, args: args).hash, "\(args)")
        }
    }
}
