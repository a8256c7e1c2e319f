import Foundation
import MamoriAgent
import MamoriDetection
import MamoriEvents
import MamoriOutput
import MamoriPipeline
import MamoriProcess
import MamoriStore
import MamoriTestSupport

/// The synthetic record streams, built once.
public enum Streams {
    public static let pid: UInt32 = 31_337
    public static let start: UInt64 = 5_000_000_000
    public static let subject = RecordBuilder.SubjectFields(ppid: 900, uid: 1000, gid: 1000, euid: 1000, cgroupId: 7777,
                                                     comm: "python3")

    public static func header(_ n: Int) -> RecordBuilder.HeaderFields {
        .init(ktimeNs: start + 1_000_000 + UInt64(n) * 20_000, tgid: pid, startBoottimeNs: start)
    }

    /// fork + exec of the acting process, so the table knows it.
    public static let setupRecords: [[UInt8]] = [
        RecordBuilder.fork(header: .init(ktimeNs: start, tgid: pid, startBoottimeNs: start),
                           subject: .init(ppid: 900, comm: "bash"), parentTgid: 900),
        RecordBuilder.exec(header: .init(ktimeNs: start + 1000, tgid: pid, startBoottimeNs: start), subject: subject,
                           exe: "/usr/bin/python3.12", args: ["python3", "/srv/app/worker.py", "--queue", "default"],
                           cwd: "/srv/app"),
    ]

    public static let fileOps: [FileOp] = [.create, .openWrite, .openWrite, .openWrite, .chmod, .unlink]

    /// 1,024 events over 4 names: the steady state.
    public static let repeatedFiles: [[UInt8]] = (0..<1024).map { n in
        let path = "/var/lib/app/spool/worker-\(n % 4)/segment-00000\(n % 4).dat"
        return RecordBuilder.file(header: header(n), subject: subject, op: fileOps[n % fileOps.count], path: path,
                                  mode: 0o644, inode: UInt64(9000 + n % 4), device: 0x0080_0001)
    }

    /// 100,000 events, every one a new path.
    public static let distinctFiles: [[UInt8]] = (0..<100_000).map { n in
        RecordBuilder.file(header: header(n), subject: subject, op: fileOps[n % fileOps.count],
                           path: "/var/lib/app/spool/incoming/upload-\(n)-\(n &* 2654435761 % 1_000_003).part",
                           mode: 0o644, inode: UInt64(100_000 + n), device: 0x0080_0001)
    }

    /// The same short-lived command again and again (a health check).
    public static let repeatedExecs: [[UInt8]] = (0..<64).map { n in
        RecordBuilder.exec(header: header(n), subject: subject, exe: "/usr/bin/curl",
                           args: ["curl", "-s", "-o", "/dev/null", "http://127.0.0.1:8080/health"], cwd: "/srv/app")
    }

    /// 20,000 execs, every one a new command line, executable and directory (an attacker
    /// flooding unique names through the decoder's intern tables).
    public static let distinctExecs: [[UInt8]] = (0..<20_000).map { n in
        RecordBuilder.exec(header: header(n), subject: subject, exe: "/tmp/.cache/x-\(n)/payload-binary-\(n)",
                           args: ["payload-binary-\(n)", "--token=\(n &* 2654435761)", "/tmp/.cache/x-\(n)/conf"],
                           cwd: "/tmp/.cache/x-\(n)/work-directory")
    }

    /// Events run before measurement starts: a whole stream that repeats, else enough unique
    /// events to fill every bounded table (the decoder's intern tables hold 4,096 strings).
    public static func warmUpCount(_ stream: [[UInt8]]) -> Int { min(stream.count, 8_192) }

    /// The record measured at scaled iteration `i`: for a stream of unique events, only ones
    /// the warm-up did not see.
    @inline(__always)
    public static func measured(_ stream: [[UInt8]], _ i: Int) -> [UInt8] {
        stream.count <= 8_192 ? stream[i % stream.count] : stream[(8_192 + i) % stream.count]
    }

    /// Per 10 events: fork, exec, exit, 2 connects, 5 file events, by 400 short-lived processes
    /// running 4 commands over 7 paths (the mix of `mamori bench`'s pipeline benchmark).
    public static let mixed: [[UInt8]] = {
        let commands: [(String, [String])] = [
            ("/usr/bin/ls", ["ls", "-la", "/var/log/nginx"]), ("/usr/bin/cat", ["cat", "/etc/os-release"]),
            ("/usr/bin/git", ["git", "-C", "/srv/repo", "status", "--porcelain"]),
            ("/usr/bin/systemctl", ["systemctl", "is-active", "nginx"]),
        ]
        let paths = ["/var/lib/postgresql/15/main/base/16384/2619", "/var/log/nginx/access.log", "/tmp/tmp.x81Kq2",
                     "/var/cache/apt/archives/partial/x.deb", "/srv/app/uploads/img_2041.png", "/run/user/1000/bus",
                     "/opt/app/logs/app-2026-11-27.log"]
        var out: [[UInt8]] = []
        var t = start + 10_000_000
        for i in 0..<400 {
            let p = UInt32(40_000 + i), s = t
            let (exe, args) = commands[i % commands.count]
            func h() -> RecordBuilder.HeaderFields { t += 1000; return .init(ktimeNs: t, tgid: p, startBoottimeNs: s) }
            let subj = RecordBuilder.SubjectFields(ppid: 900, uid: 1000, gid: 1000, euid: 1000, cgroupId: 7777,
                                                   comm: String(exe.split(separator: "/").last ?? "x"))
            out.append(RecordBuilder.fork(header: h(), subject: .init(ppid: 900, comm: "bash"), parentTgid: 900))
            out.append(RecordBuilder.exec(header: h(), subject: subj, exe: exe, args: args, cwd: "/home/alice"))
            for k in 0..<2 {
                out.append(RecordBuilder.network(header: h(), subject: subj, op: .connect,
                                                 destination: [10, 0, UInt8(i % 7), UInt8(k + 1)], destinationPort: 5432))
            }
            for k in 0..<5 {
                out.append(RecordBuilder.file(header: h(), subject: subj, op: fileOps[k], path: paths[(i + k) % paths.count]))
            }
            out.append(RecordBuilder.exit(header: h(), subject: subj))
        }
        return out
    }()

    public static let rules: CompiledRuleSet = {
        let dir = ProcessInfo.processInfo.environment["MAMORI_RULES"] ?? "../rules"
        var sources: [RuleSource] = []
        if case .success(let s) = RuleLoader.sources(inDirectory: dir, origin: .mamori) { sources += s }
        let report = RuleLoader.load(sources: sources)
        if report.ruleSet.rules.isEmpty { print("warning: no rules loaded from \(dir) (set MAMORI_RULES)") }
        return report.ruleSet
    }()

    public static func table() -> ProcessTable {
        ProcessTable(entityIds: EntityIdGenerator(bootId: "bench"), cgroups: nil, isAlive: { _ in true },
                     fallback: { _ in nil })
    }

    public static func pipeline(writer: StoreWriter?) -> DetectionPipeline {
        DetectionPipeline(table: table(), rules: rules, alertLog: nil, writer: writer, history: nil,
                          storeEvents: writer != nil, hostName: "bench", clock: ClockOffset(realtimeMinusBoottimeNs: 0))
    }

    public static func decoded(_ records: [[UInt8]]) -> [SensorEvent] {
        var decoder = RecordDecoder()
        return records.compactMap { r in r.withUnsafeBytes { try? decoder.decode($0) } }
    }
}
