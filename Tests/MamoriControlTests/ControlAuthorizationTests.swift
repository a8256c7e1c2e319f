import MamoriTestSupport
import Foundation
import Glibc
import Testing
@testable import MamoriControl

/// The authorisation matrix with real peers: this (root) process, and `perl` clients run as
/// `nobody` through setpriv, with and without a temporary read group created by groupadd.
/// Root only; always runs (and fails without root) under CI=true.
@Suite(.serialized, .enabled(if: Privilege.integrationEnabled))
struct ControlAuthorizationTests {
    static let nobody: UInt32 = 65534

    /// A group created for one test and removed afterwards.
    struct TempGroup {
        let name: String
        let gid: UInt32

        init() throws {
            name = "mamctl\(getpid() % 100_000)x\(Int.random(in: 0..<1000))"
            _ = Self.run("/usr/sbin/groupdel", [name])
            let (status, out) = Self.run("/usr/sbin/groupadd", [name])
            guard status == 0, let gid = groupID(named: name) else {
                throw ControlArguments.Invalid("groupadd \(name) failed: \(out)")
            }
            self.gid = gid
        }

        func remove() { _ = Self.run("/usr/sbin/groupdel", [name]) }

        @discardableResult
        static func run(_ tool: String, _ args: [String]) -> (Int32, String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: tool)
            p.arguments = args
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = pipe
            do { try p.run() } catch { return (-1, "\(error)") }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: data, as: UTF8.self))
        }
    }

    /// Sends one request line as `nobody` (optionally with supplementary group `gid`) from a
    /// perl process; returns what it printed: the response line or `CONNECT_FAILED <errno text>`.
    static func requestAsNobody(_ path: String, _ request: ControlRequest, group gid: UInt32?) -> String {
        let script = """
            use IO::Socket::UNIX; use Socket;
            my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $ARGV[0]) or do { print "CONNECT_FAILED $!\\n"; exit 0 };
            print $s $ARGV[1] . "\\n"; my $l = <$s>; print $l;
            """
        var args = ["--reuid=\(nobody)", "--regid=\(nobody)"]
        args.append(gid.map { "--groups=\($0)" } ?? "--clear-groups")
        args += ["/usr/bin/perl", "-e", script, path, String(decoding: ControlWire.encode(request), as: UTF8.self)]
        return TempGroup.run("/usr/bin/setpriv", args).1
    }

    static func decode(_ line: String) -> Result<ControlReply, ControlError>? {
        try? ControlWire.decodeResponse(Array(line.trimmingCharacters(in: .newlines).utf8))
    }

    @Test func rootMayDoEverything() throws {
        try #require(geteuid() == 0, "root integration test: run as root")
        try withServer { (_, path) throws in
            let client = ControlClient(socketPath: path, timeout: 5)
            #expect(try client.call(.levelSet(LevelSetRequest(level: .number(2)))) != .level(RecordingHandler.level))
            #expect(try client.call(.levelGet) == .level(RecordingHandler.level))
        }
    }

    @Test func groupMembersReadButCannotWriteAndStrangersAreRefused() throws {
        try #require(geteuid() == 0, "root integration test: run as root")
        let group = try TempGroup()
        defer { group.remove() }
        let handler = RecordingHandler()
        // 0666 so that the server-side check (not the file mode) is what refuses the stranger.
        try withServer({ $0.readGroup = group.name; $0.socketMode = 0o666 }, handler: handler) { (_, path) throws in
            let read = Self.requestAsNobody(path, .levelGet, group: group.gid)
            #expect(Self.decode(read) == .success(.level(RecordingHandler.level)), "member reads: \(read)")

            let write = Self.requestAsNobody(path, .levelSet(LevelSetRequest(level: .number(4))), group: group.gid)
            guard case .failure(let e)?? = Optional(Self.decode(write)) else { Issue.record("write allowed: \(write)"); return }
            #expect(e.code == .denied)
            #expect(e.message.contains(path) && e.message.contains("needs root"))

            let stranger = Self.requestAsNobody(path, .status, group: nil)
            guard case .failure(let s)?? = Optional(Self.decode(stranger)) else { Issue.record("stranger served: \(stranger)"); return }
            #expect(s.code == .denied)
            #expect(s.message.contains(path) && s.message.contains("group '\(group.name)'"))

            #expect(handler.requests.map(\.0) == [.levelGet], "only the allowed request reached the handler")
            #expect(handler.requests.first?.1.uid == Self.nobody)
            #expect(handler.requests.first?.1.groups.contains(group.gid) == true)
            #expect(handler.requests.first?.1.comm == "perl")
            #expect(handler.denials.map(\.0) == [.levelSet, .status], "refusals are reported for the audit trail")
        }
    }

    @Test func socketIsOwnedByRootAndTheGroupAndClosedToOthers() throws {
        try #require(geteuid() == 0, "root integration test: run as root")
        let group = try TempGroup()
        defer { group.remove() }
        try withServer({ $0.readGroup = group.name }) { (_, path) throws in
            var info = stat()
            #expect(stat(path, &info) == 0)
            #expect(info.st_mode & 0o7777 == 0o660)
            #expect(info.st_uid == 0 && info.st_gid == group.gid)
            let stranger = Self.requestAsNobody(path, .status, group: nil)
            #expect(stranger.hasPrefix("CONNECT_FAILED Permission denied"), "\(stranger)")
            let member = Self.requestAsNobody(path, .status, group: group.gid)
            guard case .success(.status)?? = Optional(Self.decode(member)) else { Issue.record("member: \(member)"); return }
        }
    }

    /// The CLI run as `nobody` against a 0660 root:<temp group> socket: members read and get
    /// exit 4 for writes; strangers get exit 4 from the socket's mode.
    @Test func exitStatusesForNonRootPeers() throws {
        try #require(geteuid() == 0, "root integration test: run as root")
        let group = try TempGroup()
        defer { group.remove() }
        try withServer({ $0.readGroup = group.name }) { (_, path) throws in
            let read = try ControlCLITests.mamori(["status", "--socket", path], asNobody: [group.gid])
            #expect(read.status == 0, "\(read.stderr) \(read.stdout)")
            #expect(read.stdout.contains("agent:       running"))
            let write = try ControlCLITests.mamori(["level", "set", "2", "--socket", path], asNobody: [group.gid])
            #expect(write.status == 4)
            #expect(write.stderr.contains("needs root"))
            let stranger = try ControlCLITests.mamori(["status", "--socket", path, "--db", "/nonexistent.db"], asNobody: [])
            #expect(stranger.status == 4)
            #expect(stranger.stderr.contains("permission denied on \(path)"))
            #expect(stranger.stderr.contains("group 'mamori'") || stranger.stderr.contains("sudo"))
        }
    }
}
