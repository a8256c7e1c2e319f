import Testing
@testable import MamoriControl

/// What operators type: durations, levels, scopes, pids; bad input names the option and value.
@Suite struct ControlArgumentsTests {
    @Test(arguments: [("30s", 30), ("30m", 1800), ("2h", 7200), ("1d", 86_400), ("1w", 604_800),
                      ("1h30m", 5400), (" 90m ", 5400), ("366d", 366 * 86_400)] as [(String, Int64)])
    func durations(text: String, seconds: Int64) throws {
        #expect(try ControlArguments.duration(text) == seconds)
    }

    @Test(arguments: [("", "empty duration"), ("30", "needs a unit: 30s, 30m"), ("m", "needs a number before it"),
                      ("5y", "unknown unit 'y'"), ("-5m", "unknown unit '-'"), ("0m", "longer than zero"),
                      ("367d", "maximum of 366 days"), ("99999999999999999999d", "too long"),
                      ("1.5h", "unknown unit '.'")])
    func badDurations(text: String, message: String) {
        #expect {
            _ = try ControlArguments.duration(text, option: "--for")
        } throws: { error in
            let d = (error as? ControlArguments.Invalid)?.description ?? ""
            return d.hasPrefix("--for") && d.contains(message)
        }
    }

    @Test func levels() throws {
        #expect(try ControlArguments.level("3") == .number(3))
        #expect(try ControlArguments.level("0") == .number(0))
        #expect(try ControlArguments.level("Lockdown") == .name("lockdown"))
        #expect(try ControlArguments.level("known-bad") == .name("known-bad"))
        for bad in ["-1", "100", "", "2x!", "lock down", "-x"] {
            #expect(throws: ControlArguments.Invalid.self, "\(bad)") { try ControlArguments.level(bad) }
        }
    }

    @Test func scopes() throws {
        #expect(try ControlArguments.scope("nginx.service") == .unit("nginx.service"))
        #expect(try ControlArguments.scope("user-1000.slice") == .unit("user-1000.slice"))
        #expect(try ControlArguments.scope("unit:db.service") == .unit("db.service"))
        #expect(try ControlArguments.scope("/system.slice/nginx.service") == .cgroup("/system.slice/nginx.service"))
        #expect(try ControlArguments.scope("cgroup:/a/b") == .cgroup("/a/b"))
        for bad in ["nginx", ".service", "cgroup:relative", "/a/../b", "unit:a/b.service", "a b.service"] {
            #expect(throws: ControlArguments.Invalid.self, "\(bad)") { try ControlArguments.scope(bad) }
        }
    }

    @Test func pids() throws {
        #expect(try ControlArguments.pid(1234) == 1234)
        for bad in [0, 1, -5, Int(Int32.max) + 1] {
            #expect(throws: ControlArguments.Invalid.self) { try ControlArguments.pid(bad) }
        }
    }

    @Test func socketPathPrecedence() {
        #expect(ControlModule.socketPath(option: nil, environment: [:]) == "/run/mamori/control.sock")
        #expect(ControlModule.socketPath(option: nil, environment: ["MAMORI_SOCKET": "/tmp/a.sock"]) == "/tmp/a.sock")
        #expect(ControlModule.socketPath(option: "/tmp/b.sock", environment: ["MAMORI_SOCKET": "/tmp/a.sock"]) == "/tmp/b.sock")
    }
}
