import MamoriDetection
import MamoriEvents
import MamoriProcess

/// Builders for synthetic events, process records and rules, shared by the detection tests.
enum Fixture {
    static let second: UInt64 = 1_000_000_000

    static func header(pid: UInt32, ts: UInt64, start: UInt64 = 5 * second, kind: UInt16 = 1) -> EventHeader {
        EventHeader(kind: kind, version: 1, size: 0, ktimeNs: ts, tgid: pid, tid: pid, startBoottimeNs: start)
    }

    static func subject(ppid: UInt32, uid: UInt32, comm: String) -> Subject {
        Subject(ppid: ppid, uid: uid, gid: uid, euid: uid, cgroupId: 1, comm: comm)
    }

    static func exec(_ exe: String, _ args: [String], pid: UInt32 = 100, ppid: UInt32 = 50,
                     cwd: String = "/root", uid: UInt32 = 0, ts: UInt64 = 10 * second,
                     loginUid: UInt32? = 1000, session: UInt32 = 50, start: UInt64 = 5 * second) -> SensorEvent {
        let name = String(exe.split(separator: "/").last ?? "")
        return .exec(ExecEvent(header: header(pid: pid, ts: ts, start: start), subject: subject(ppid: ppid, uid: uid, comm: name),
                               parentStartBoottimeNs: second, executable: exe, args: args, cwd: cwd,
                               exeInode: 1, exeDevice: 1, flags: [], egid: uid, loginUid: loginUid,
                               sessionId: session, tty: nil))
    }

    static func ipv4(_ text: String) -> IPAddress {
        IPAddress(family: .inet, bytes: text.split(separator: ".").map { UInt8($0)! })
    }

    static func ipv6(_ groups: [UInt16]) -> IPAddress {
        IPAddress(family: .inet6, bytes: groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] })
    }

    static func network(_ op: NetworkOp = .connect, to destination: IPAddress, port: UInt16, proto: UInt16 = 6,
                        from source: IPAddress? = nil, sourcePort: UInt16 = 40000, pid: UInt32 = 100,
                        ts: UInt64 = 10 * second, uid: UInt32 = 0) -> SensorEvent {
        let src = source ?? (destination.family == .inet ? ipv4("192.168.1.10") : ipv6([0xfe80, 0, 0, 0, 0, 0, 0, 1]))
        return .network(NetworkEvent(header: header(pid: pid, ts: ts, kind: 4), subject: subject(ppid: 50, uid: uid, comm: "x"),
                                     op: op, family: destination.family, proto: proto,
                                     socketType: proto == 6 ? 1 : 2, result: 0, source: src, sourcePort: sourcePort,
                                     destination: destination, destinationPort: port))
    }

    static func file(_ op: FileOp, _ path: String, target: String? = nil, mode: UInt32 = 0o644,
                     pid: UInt32 = 100, ts: UInt64 = 10 * second, uid: UInt32 = 0) -> SensorEvent {
        .file(FileEvent(header: header(pid: pid, ts: ts, kind: 5), subject: subject(ppid: 50, uid: uid, comm: "x"),
                        op: op, result: 0, flags: [], openFlags: 0, mode: mode, ownerUid: nil, ownerGid: nil,
                        inode: 1, device: 1, path: path, targetPath: target))
    }

    static func record(pid: UInt32, _ exe: String, _ args: [String] = [], ppid: UInt32 = 1, session: UInt32 = 0,
                       unit: String? = nil, uid: UInt32 = 0, start: UInt64 = 5 * second) -> ProcessRecord {
        ProcessRecord(key: ProcessKey(pid: pid, startBoottimeNs: start), entityId: "e\(pid)",
                      parentKey: ProcessKey(pid: ppid, startBoottimeNs: second), executable: exe,
                      args: args.isEmpty ? [exe] : args, cwd: "/", uid: uid, euid: uid, gid: uid,
                      loginUid: 1000, sessionId: session, tty: nil, cgroupId: 1, unit: unit,
                      startBoottimeNs: start, comm: String(exe.split(separator: "/").last ?? ""),
                      exitStatus: nil, origin: .exec)
    }

    /// A rule document; `detection` is YAML indented by four spaces.
    static func rule(_ id: String, category: String = "process_creation", level: String = "high",
                     _ detection: String, extra: String = "") -> String {
        """
        title: Test \(id)
        id: \(id)
        logsource:
            product: linux
            category: \(category)
        detection:
        \(detection)
        level: \(level)
        \(extra)
        """
    }

    static let users: UserNameLookup = { uid in [0: "root", 1000: "alice", 33: "www-data"][uid] }
}

/// Loads rules from strings and evaluates events, returning the ids of the rules that fired.
final class Harness {
    var engine: DetectionEngine
    let report: RuleLoadReport

    init(_ rules: String..., origin: RuleOrigin = .mamori, stdio: @escaping StdioReader = { _ in nil }) {
        let sources = rules.enumerated().map { RuleSource(name: "rule\($0.offset).yml", text: $0.element, origin: origin) }
        report = RuleLoader.load(sources: sources)
        engine = DetectionEngine(rules: report.ruleSet,
                                 configuration: .init(userNames: Fixture.users, stdio: stdio))
    }

    func hits(_ event: SensorEvent, process: ProcessRecord? = nil, parent: ProcessRecord? = nil,
                       ancestry: [ProcessRecord] = []) -> [RuleHit] {
        engine.evaluate(event, process: process, parent: parent, ancestry: ancestry)
    }

    func ids(_ event: SensorEvent, process: ProcessRecord? = nil, parent: ProcessRecord? = nil,
                      ancestry: [ProcessRecord] = []) -> [String] {
        hits(event, process: process, parent: parent, ancestry: ancestry).map(\.id).sorted()
    }

    /// Whether the single rule `id` fires for an exec of `exe` with `args`.
    func fires(_ exe: String, _ args: [String], parent: ProcessRecord? = nil) -> Bool {
        !hits(Fixture.exec(exe, args), parent: parent).isEmpty
    }

    var errors: [String] { report.diagnostics.filter { $0.severity == .error }.map(\.description) }
}
