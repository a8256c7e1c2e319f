import Foundation
import MamoriDetection
import MamoriEvents
import MamoriProcess

/// The default rule pack under `rules/`, loaded once for every test in this target.
enum Pack {
    /// `<package root>/rules`, resolved from this file's location so tests run from any directory.
    static let directory: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("rules").path

    static let report: RuleLoadReport = RuleLoader.load(directory: directory)

    /// Rule file base name ("web-server-spawns-shell") for every loaded rule id.
    static let slugById: [String: String] = Dictionary(uniqueKeysWithValues: report.ruleSet.rules.map {
        ($0.id, slug(ofPath: $0.source))
    })

    /// Rule id for every rule file base name.
    static let idBySlug: [String: String] = Dictionary(uniqueKeysWithValues: slugById.map { ($1, $0) })

    /// Every `*.yml` file under `rules/` (base names), whether or not it loaded.
    static let fileSlugs: [String] = {
        guard case .success(let sources) = RuleLoader.sources(inDirectory: directory, origin: .mamori) else { return [] }
        return sources.map { slug(ofPath: $0.name) }.sorted()
    }()

    static func slug(ofPath path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }

    /// Service-account names the pack refers to, as `getpwuid` would return them.
    static let users: UserNameLookup = { uid in
        [0: "root", 33: "www-data", 65534: "nobody", 1000: "alice", 1001: "bob",
         115: "postgres", 116: "mysql", 117: "redis", 998: "backup"][uid]
    }

    /// A fresh engine (no threshold or sequence state) over the whole pack.
    static func engine() -> DetectionEngine {
        // The default stdio reader is the agent's own (`StdioKinds.fromSensor`, from ExecEvent.stdio).
        // The fixtures' host resolves through 10.0.0.2 (DnsServerIsConfigured).
        DetectionEngine(rules: report.ruleSet, configuration: .init(
            userNames: users, resolvers: ResolverList(resolvConf: "nameserver 10.0.0.2\n")))
    }

    /// Runs the steps through a fresh engine; returns the slugs of every rule that fired, in order.
    static func fired(_ steps: [Step]) -> [String] {
        var engine = engine()
        var out: [String] = []
        for step in steps {
            var hits: [RuleHit] = []
            engine.evaluate(step.event, process: step.process, parent: step.parent, ancestry: step.ancestry,
                            target: step.target, into: &hits)
            for hit in hits {
                out.append(slugById[hit.id] ?? hit.id)
            }
            // A joined pipe (as the agent's PipeJoiner reports it): the `pipeline` category.
            if let writer = step.stdinWriter, case .exec(let e) = step.event {
                var hits: [RuleHit] = []
                engine.evaluatePipeline(e, process: step.process, parent: step.parent, ancestry: step.ancestry,
                                        writer: writer, into: &hits)
                out += hits.map { slugById[$0.id] ?? $0.id }
            }
        }
        return out
    }
}

/// A process in a synthetic process tree.
struct Proc: Sendable {
    var exe: String
    var args: [String]
    var unit: String?
    var uid: UInt32
    var cwd: String
    var pid: UInt32
    var session: UInt32
    /// The well-known tool this executable is a content copy of (`ImageIdentity`), if any.
    var toolIdentity: String? = nil
    /// `ImageProtected`: by default, whether the executable sits in a system directory.
    var imageProtected: Bool? = nil

    /// This process, with an executable that is a byte-for-byte copy of `tool`.
    func copy(of tool: String) -> Proc { var p = self; p.toolIdentity = tool; return p }

    /// `args` defaults to the executable's base name; `pid` to a stable hash of the identity.
    init(_ exe: String, _ args: [String] = [], unit: String? = nil, uid: UInt32 = 0, cwd: String = "/root",
         pid: UInt32? = nil, session: UInt32 = 0) {
        self.exe = exe
        self.args = args.isEmpty ? [String(exe.split(separator: "/").last ?? "")] : args
        self.unit = unit; self.uid = uid; self.cwd = cwd; self.session = session
        self.pid = pid ?? Proc.stablePid(exe, self.args, unit, uid)
    }

    /// A process whose argv is `line` split on spaces (no quoting; use the array form for `sh -c`).
    static func line(_ exe: String, _ line: String, unit: String? = nil, uid: UInt32 = 0, pid: UInt32? = nil) -> Proc {
        Proc(exe, line.split(separator: " ").map(String.init), unit: unit, uid: uid, pid: pid)
    }

    /// `sh -c <script>` with the given shell.
    /// `sh -c <script>`; argv[0] is "sh" for dash (reached through /bin/sh), the shell's name otherwise.
    static func shell(_ script: String, exe: String = "/usr/bin/dash", unit: String? = nil, uid: UInt32 = 0, pid: UInt32? = nil) -> Proc {
        let name = String(exe.split(separator: "/").last ?? "sh")
        return Proc(exe, [name == "dash" ? "sh" : name, "-c", script], unit: unit, uid: uid, pid: pid)
    }

    static let startNs: UInt64 = 5_000_000_000

    var key: ProcessKey { ProcessKey(pid: pid, startBoottimeNs: Proc.startNs) }

    func record(parent: Proc?) -> ProcessRecord {
        var r = ProcessRecord(key: key, entityId: "e\(pid)",
                      parentKey: parent.map { $0.key } ?? ProcessKey(pid: 0, startTicks: 0),
                      executable: exe, args: args, cwd: cwd, uid: uid, euid: uid, gid: uid,
                      loginUid: session == 0 ? nil : 1000, sessionId: session, tty: nil, cgroupId: 1,
                      unit: unit, startBoottimeNs: Proc.startNs, comm: String(exe.split(separator: "/").last?.prefix(15) ?? ""),
                      exitStatus: nil, origin: .exec)
        r.toolIdentity = toolIdentity
        r.imageProtected = imageProtected ?? ["/usr/", "/bin/", "/sbin/", "/lib/", "/opt/"].contains { exe.hasPrefix($0) }
        return r
    }

    private static func stablePid(_ exe: String, _ args: [String], _ unit: String?, _ uid: UInt32) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for byte in (exe + "\u{0}" + args.joined(separator: "\u{0}") + "\u{0}" + (unit ?? "") + "\(uid)").utf8 {
            h = (h ^ UInt32(byte)) &* 16_777_619
        }
        return 10_000 + h % 50_000
    }
}

/// Where a process runs: its ancestors, parent first.
struct Tree: Sendable {
    var ancestors: [Proc]

    init(_ ancestors: [Proc]) { self.ancestors = ancestors }

    /// A child of the first ancestor (the new parent) inheriting its unit and session unless given.
    func spawning(_ p: Proc) -> Tree { Tree([place(p)] + ancestors) }

    /// Places `actor` in this tree: unit and session are inherited from the parent when unset.
    func place(_ actor: Proc) -> Proc {
        var a = actor
        if a.unit == nil { a.unit = ancestors.first?.unit }
        if a.session == 0 { a.session = ancestors.first?.session ?? 0 }
        return a
    }
}

/// One event with the enrichment the pipeline would give it.
struct Step: Sendable {
    var event: SensorEvent
    var process: ProcessRecord?
    var parent: ProcessRecord?
    var ancestry: [ProcessRecord]
    /// The exec'd process writing this exec's stdin pipe (`pipeline` rules), if any.
    var stdinWriter: ProcessRecord? = nil
    /// `activity` events: the target as the pipeline resolves it (`ActivityTarget`).
    var target: ActivityTarget? = nil
}

/// Builds events for one actor in one tree.
struct Actor: Sendable {
    let proc: Proc
    let tree: Tree

    init(_ proc: Proc, in tree: Tree) {
        self.tree = tree
        self.proc = tree.place(proc)
    }

    private var ancestryRecords: [ProcessRecord] {
        tree.ancestors.enumerated().map { i, p in
            p.record(parent: i + 1 < tree.ancestors.count ? tree.ancestors[i + 1] : nil)
        }
    }

    private func step(_ event: SensorEvent) -> Step {
        let ancestry = ancestryRecords
        return Step(event: event, process: proc.record(parent: tree.ancestors.first), parent: ancestry.first, ancestry: ancestry)
    }

    private func header(kind: UInt16, at seconds: Double) -> EventHeader {
        EventHeader(kind: kind, version: 1, size: 0, ktimeNs: UInt64(seconds * 1_000_000_000), tgid: proc.pid,
                    tid: proc.pid, startBoottimeNs: Proc.startNs)
    }

    private var subject: Subject {
        Subject(ppid: tree.ancestors.first?.pid ?? 1, uid: proc.uid, gid: proc.uid, euid: proc.uid, cgroupId: 1,
                comm: String(proc.exe.split(separator: "/").last?.prefix(15) ?? ""))
    }

    /// The exec of this actor.
    func exec(at seconds: Double = 100, stdin: FileType = .characterDevice, stdout: FileType = .characterDevice,
              stderr: FileType = .characterDevice, flags: ExecFlags = [], loaderEnvironment: [String] = []) -> Step {
        step(.exec(ExecEvent(header: header(kind: 1, at: seconds), subject: subject,
                             parentStartBoottimeNs: Proc.startNs, executable: proc.exe, args: proc.args,
                             cwd: proc.cwd, exeInode: 1, exeDevice: 1, flags: flags, egid: proc.uid,
                             loginUid: proc.session == 0 ? nil : 1000, sessionId: proc.session, tty: nil,
                             stdio: StdioTypes(stdin: stdin, stdout: stdout, stderr: stderr),
                             loaderEnvironment: loaderEnvironment)))
    }

    /// The exec of this actor reading a pipe that `writer` (a sibling in the same tree) writes.
    func execPiped(from writer: Proc, at seconds: Double = 100) -> Step {
        var s = exec(at: seconds, stdin: .fifo, stdout: .characterDevice)
        s.stdinWriter = tree.place(writer).record(parent: tree.ancestors.first)
        return s
    }

    /// A file operation by this actor. `mode` is the new mode for chmod/create.
    func file(_ op: FileOp, _ path: String, to target: String? = nil, mode: UInt32 = 0o644, at seconds: Double = 100) -> Step {
        step(.file(FileEvent(header: header(kind: 5, at: seconds), subject: subject, op: op, result: 0,
                             flags: op == .openRead ? [.watched] : [], openFlags: 0, mode: mode,
                             ownerUid: nil, ownerGid: nil, inode: 1, device: 1, path: path, targetPath: target)))
    }

    /// An unlink by this actor of `path` while `running` (a process elsewhere) runs from it,
    /// as the pipeline resolves it from the live process table (`TargetIsRunningImage`).
    func unlink(_ path: String, runningIn running: Proc?, at seconds: Double = 100) -> Step {
        var s = file(.unlink, path, at: seconds)
        if let running { s.target = ActivityTarget(record: running.record(parent: Trees.systemd), isDescendant: nil) }
        return s
    }

    /// A connection by this actor (`op: .accept` for an inbound one).
    func connect(_ address: String, _ port: UInt16, op: NetworkOp = .connect, proto: UInt16 = 6, result: Int32 = 0,
                 at seconds: Double = 100) -> Step {
        let destination = Actor.ip(address)
        let source = destination.family == .inet ? Actor.ip("10.0.0.5") : Actor.ip("fd00::5")
        return step(.network(NetworkEvent(header: header(kind: 4, at: seconds), subject: subject, op: op,
                                          family: destination.family, proto: proto, socketType: proto == 6 ? 1 : 2,
                                          result: result, source: source, sourcePort: 40_000, destination: destination,
                                          destinationPort: port)))
    }

    /// A DNS query this actor sent (`type` 1 = A, 16 = TXT) to `server`, as the packet-path
    /// hook reports it.
    func dns(_ name: String, type: UInt16 = 1, server: String = "10.0.0.2", port: UInt16 = 53, at seconds: Double = 100) -> Step {
        let destination = Actor.ip(server)
        let source = destination.family == .inet ? Actor.ip("10.0.0.5") : Actor.ip("fd00::5")
        let message = DNSMessage(id: 0x1234, isResponse: false, opcode: 0, responseCode: 0, headerFlags: 0x0100,
                                 questionCount: 1, answerCount: 0, questionName: name.lowercased(),
                                 questionType: type, questionClass: 1, answers: [], answersIncomplete: false)
        return step(.dns(DNSEvent(header: header(kind: 10, at: seconds), subject: subject, direction: .query, proto: 17,
                                  family: destination.family, source: source, sourcePort: 40_000,
                                  destination: destination, destinationPort: port, socketCookie: 7,
                                  attribution: .sender, wireLength: 64, truncated: false, message: message,
                                  decodeError: nil)))
    }

    /// Something this actor aimed at the agent (pid 555): `value` is the signal, ptrace request
    /// or bpf command.
    func tamper(_ kind: TamperKind, _ value: Int32, code: Int32 = 0, at seconds: Double = 100) -> Step {
        step(.tamper(TamperEvent(header: header(kind: 8, at: seconds), subject: subject, kind: kind, value: value,
                                 targetTgid: kind == .bpfDetach ? 0 : 555, targetPid: kind == .bpfDetach ? 0 : 555,
                                 code: code, result: 0, objectId: 0)))
    }

    /// An activity record by this actor. `target` is the target process (with `descendant`
    /// saying whether it descends from the actor); nil for activity without a target.
    func activity(_ op: ActivityOp, value: Int32 = 0, flags: ActivityFlags = [], result: Int32 = 0,
                  target: Proc? = nil, descendant: Bool = false, args: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0),
                  name: String = "", path: String = "", path2: String = "", at seconds: Double = 100) -> Step {
        let tpid = target.map { Int32($0.pid) } ?? 0
        var s = step(.activity(ActivityEvent(header: header(kind: 9, at: seconds), subject: subject, op: op, flags: flags,
                                             result: result, value: value, targetPid: tpid,
                                             targetTgid: op == .procAccess ? UInt32(tpid) : 0,
                                             targetUid: target?.uid, arg0: args.0, arg1: args.1, arg2: args.2, arg3: args.3,
                                             name: name, path: path, path2: path2)))
        if let target {
            s.target = ActivityTarget(record: target.record(parent: descendant ? proc : Trees.systemd), isDescendant: descendant)
        }
        return s
    }

    static func ip(_ text: String) -> IPAddress {
        if text.contains(":") {
            // Only the forms the fixtures use: "fd00::5", "::1", "2001:db8::7".
            let halves = text.components(separatedBy: "::")
            let head = halves[0].split(separator: ":").map { UInt16($0, radix: 16)! }
            let tail = halves.count > 1 ? halves[1].split(separator: ":").map { UInt16($0, radix: 16)! } : []
            let groups = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
            return IPAddress(family: .inet6, bytes: groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] })
        }
        return IPAddress(family: .inet, bytes: text.split(separator: ".").map { UInt8($0)! })
    }
}
