import Foundation
import MamoriEvents
import MamoriProcess
@testable import MamoriOutput

/// Synthetic events and records shared by the output tests, built directly from the
/// MamoriEvents value types, plus a JSON reader for the encoded lines.
enum Fixture {
    /// Wall clock = boot time + this: boot happened at 2023-11-14T20:50:00Z.
    static let clock = ClockOffset(realtimeMinusBoottimeNs: 1_699_995_000_000_000_000)
    /// Event time 5000.123456789 s after boot → 2023-11-14T22:13:20.123456Z.
    static let ktime: UInt64 = 5_000_123_456_789
    static let eventTime = "2023-11-14T22:13:20.123456Z"
    /// Process start 4000 s after boot → 2023-11-14T21:56:40.000000Z.
    static let start: UInt64 = 4_000_000_000_000
    static let startTime = "2023-11-14T21:56:40.000000Z"
    static let parentStart: UInt64 = 3_000_000_000_000
    static let parentStartTime = "2023-11-14T21:40:00.000000Z"

    static let users: [UInt32: String] = [0: "root", 1000: "alice"]

    static func encoder() -> ECSEncoder {
        let users = Self.users
        return ECSEncoder(hostName: "web-1", clock: clock, userNames: UserNames { users[$0] })
    }

    static func header(_ kind: EventKind, tgid: UInt32 = 1234, tid: UInt32 = 1235) -> EventHeader {
        EventHeader(kind: kind.rawValue, version: 1, size: 0, ktimeNs: ktime, tgid: tgid, tid: tid,
                    startBoottimeNs: start)
    }

    static func subject(comm: String = "curl", uid: UInt32 = 1000, euid: UInt32 = 0) -> Subject {
        Subject(ppid: 1200, uid: uid, gid: 1000, euid: euid, cgroupId: 4242, comm: comm)
    }

    static func exec(args: [String] = ["curl", "-s", "http://x"], flags: ExecFlags = [.hasTTY],
                     tty: String? = "pts/3",
                     stdio: StdioTypes = StdioTypes(stdin: .characterDevice, stdout: .fifo, stderr: .characterDevice)
    ) -> ExecEvent {
        ExecEvent(header: header(.exec), subject: subject(), parentStartBoottimeNs: parentStart,
                  executable: "/usr/bin/curl", args: args, cwd: "/root", exeInode: 777,
                  exeDevice: 0x800001, flags: flags, egid: 1000, loginUid: 1000, sessionId: 1100,
                  tty: tty, stdio: stdio)
    }

    static func record(pid: UInt32 = 1234) -> ProcessRecord {
        ProcessRecord(key: ProcessKey(pid: pid, startBoottimeNs: start), entityId: "ent-\(pid)",
                      parentKey: ProcessKey(pid: 1200, startBoottimeNs: parentStart),
                      executable: "/usr/bin/curl", args: ["curl", "-s", "http://x"], cwd: "/root",
                      uid: 1000, euid: 0, gid: 1000, loginUid: 1000, sessionId: 1100, tty: "pts/3",
                      cgroupId: 4242, unit: "sshd.service", startBoottimeNs: start, comm: "curl",
                      exitStatus: nil, origin: .exec)
    }

    static func parentRecord() -> ProcessRecord {
        ProcessRecord(key: ProcessKey(pid: 1200, startBoottimeNs: parentStart), entityId: "ent-1200",
                      parentKey: ProcessKey(pid: 1, startBoottimeNs: 0), executable: "/bin/bash",
                      args: ["-bash"], cwd: "/root", uid: 1000, euid: 1000, gid: 1000, loginUid: 1000,
                      sessionId: 1100, tty: "pts/3", cgroupId: 4242, unit: "sshd.service",
                      startBoottimeNs: parentStart, comm: "bash", exitStatus: nil, origin: .procfs)
    }

    static func v4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> IPAddress {
        IPAddress(family: .inet, bytes: [a, b, c, d])
    }

    static func network(_ op: NetworkOp, result: Int32 = 0, proto: UInt16 = 6,
                        local: IPAddress = v4(127, 0, 0, 1), localPort: UInt16 = 40000,
                        remote: IPAddress = v4(127, 0, 0, 1), remotePort: UInt16 = 8080) -> NetworkEvent {
        NetworkEvent(header: header(.network), subject: subject(), op: op, family: local.family,
                     proto: proto, socketType: proto == 17 ? 2 : 1, result: result, source: local,
                     sourcePort: localPort, destination: remote, destinationPort: remotePort)
    }

    static func file(_ op: FileOp, path: String = "/tmp/a", target: String? = nil, result: Int32 = 0,
                     flags: FileFlags = [], openFlags: UInt32 = 0, mode: UInt32 = 0,
                     owner: (UInt32?, UInt32?) = (nil, nil), inode: UInt64 = 99) -> FileEvent {
        FileEvent(header: header(.file), subject: subject(comm: "mv"), op: op, result: result,
                  flags: flags, openFlags: openFlags, mode: mode, ownerUid: owner.0, ownerGid: owner.1,
                  inode: inode, device: 0x800001, path: path, targetPath: target)
    }
}

/// A parsed ECS line with typed accessors by dotted path ("process.parent.pid").
struct ParsedLine {
    let object: [String: Any]

    /// Parses one encoded line; fails unless it is exactly one JSON object plus one newline.
    init(_ line: String) throws {
        guard line.hasSuffix("\n"), !line.dropLast().contains("\n") else {
            throw ParseError(message: "not a single JSON line: \(line)")
        }
        let value = try JSONSerialization.jsonObject(with: Data(line.utf8))
        guard let object = value as? [String: Any] else { throw ParseError(message: "not an object") }
        self.object = object
    }

    struct ParseError: Error { var message: String }

    func value(_ path: String) -> Any? {
        var current: Any? = object
        for key in path.split(separator: ".") {
            current = (current as? [String: Any])?[String(key)]
        }
        return current
    }

    func has(_ path: String) -> Bool { value(path) != nil }

    func string(_ path: String) -> String? { value(path) as? String }

    /// An integer that was encoded as a JSON number (not a string, not a bool).
    func int(_ path: String) -> Int? {
        guard let number = value(path) as? NSNumber, !isBool(number) else { return nil }
        return number.intValue
    }

    /// A JSON `true`/`false`.
    func bool(_ path: String) -> Bool? {
        guard let number = value(path) as? NSNumber, isBool(number) else { return nil }
        return number.boolValue
    }

    func strings(_ path: String) -> [String]? { value(path) as? [String] }

    func keys(_ path: String) -> Set<String> {
        Set(((path.isEmpty ? object : value(path)) as? [String: Any])?.keys.map { $0 } ?? [])
    }

    private func isBool(_ number: NSNumber) -> Bool {
        // JSONSerialization returns booleans as NSNumbers of ObjC type "c" (char), integers as
        // "i"/"q"; no JSON integer is parsed as a char.
        String(cString: number.objCType) == "c"
    }
}
