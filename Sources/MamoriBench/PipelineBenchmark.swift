import Foundation
import MamoriAgent
import MamoriDetection
import MamoriEvents
import MamoriProcess
import MamoriTestSupport

/// The userspace path alone, on one core: raw records → `RecordDecoder` → `DetectionPipeline`
/// (ProcessTable enrichment → detection → triage; no alert log, no store), with the rule pack
/// of `rules/` plus every loadable SigmaHQ Linux rule.
///
/// Exists to answer issue 3's question (events/s the worker sustains, goal 1,000,000/s) apart
/// from the kernel. The stream is synthetic, built with `RecordBuilder` from the real ABI
/// structs: a server-like mix of process lifecycles (fork, exec, exit), connects/accepts and
/// file writes by a few hundred processes. (MamoriDetection's own test benchmark measures
/// `DetectionEngine.evaluate` alone on pre-decoded events; this one adds decode, enrichment
/// and triage.) Calling thread only.
public enum PipelineBenchmark {
    public static func run(rulesDirectory: String, sigmaDirectory: String?, seconds: Double) -> PipelineResult {
        var sources: [RuleSource] = []
        if case .success(let s) = RuleLoader.sources(inDirectory: rulesDirectory, origin: .mamori) { sources += s }
        if let dir = sigmaDirectory, case .success(let s) = RuleLoader.sources(inDirectory: dir, origin: .sigma) { sources += s }
        let report = RuleLoader.load(sources: sources)
        let records = stream()
        let table = ProcessTable(entityIds: EntityIdGenerator(bootId: "bench"), cgroups: nil,
                                 isAlive: { _ in true }, fallback: { _ in nil })
        let pipeline = DetectionPipeline(table: table, rules: report.ruleSet, alertLog: nil, writer: nil, history: nil,
                                         storeEvents: false, hostName: "bench")
        var decoder = RecordDecoder()
        func pass() {
            for r in records {
                if let e = try? decoder.decode(bytes: r) { pipeline.process(e) }
            }
        }
        pass()   // warm-up: tables, caches, rule state
        let start = DispatchTime.now().uptimeNanoseconds
        let before = pipeline.eventsProcessed, alerts0 = pipeline.alertsRaised
        var elapsed: UInt64 = 0
        repeat {
            pass()
            elapsed = DispatchTime.now().uptimeNanoseconds - start
        } while Double(elapsed) < seconds * 1e9
        let n = pipeline.eventsProcessed - before
        return PipelineResult(rules: report.ruleSet.rules.count, events: n, seconds: Double(elapsed) / 1e9,
                              eventsPerSecond: Double(n) / (Double(elapsed) / 1e9), alerts: pipeline.alertsRaised - alerts0,
                              mix: "per 10 events: 1 fork, 1 exec, 1 exit, 2 network, 5 file")
    }

    /// A deterministic record stream: 400 processes, each fork → exec → 2 net → 5 file → exit.
    static func stream() -> [[UInt8]] {
        let commands: [(String, [String])] = [
            ("/usr/bin/ls", ["ls", "-la", "/var/log/nginx"]), ("/usr/bin/grep", ["grep", "-r", "ERROR", "/var/log/app/app.log"]),
            ("/bin/sh", ["/bin/sh", "-c", "/usr/lib/sysstat/debian-sa1 1 1"]), ("/usr/bin/python3", ["python3", "/opt/tools/report.py", "--daily"]),
            ("/usr/bin/git", ["git", "-C", "/srv/repo", "status", "--porcelain"]), ("/usr/bin/cat", ["cat", "/etc/os-release"]),
            ("/usr/bin/curl", ["curl", "-s", "-o", "/dev/null", "http://127.0.0.1:8080/health"]),
            ("/usr/bin/systemctl", ["systemctl", "is-active", "nginx"]), ("/usr/bin/tar", ["tar", "czf", "/backup/etc.tgz", "/etc"]),
            ("/usr/bin/node", ["node", "/srv/app/server.js"]), ("/usr/bin/find", ["find", "/tmp", "-mtime", "+7", "-delete"]),
        ]
        let paths = ["/var/lib/postgresql/15/main/base/16384/2619", "/var/log/nginx/access.log", "/tmp/tmp.x81Kq2",
                     "/var/cache/apt/archives/partial/x.deb", "/srv/app/uploads/img_2041.png", "/run/user/1000/bus",
                     "/opt/app/logs/app-2026-11-27.log"]
        let fileOps: [FileOp] = [.create, .openWrite, .rename, .chmod, .unlink]
        var out: [[UInt8]] = []
        var t: UInt64 = 1_000_000_000
        for i in 0..<400 {
            let pid = UInt32(10_000 + i), start = t
            let (exe, args) = commands[i % commands.count]
            let comm = String(exe.split(separator: "/").last ?? "x")
            func hdr() -> RecordBuilder.HeaderFields { t += 1000; return .init(ktimeNs: t, tgid: pid, startBoottimeNs: start) }
            let subj = RecordBuilder.SubjectFields(ppid: 900, uid: 1000, gid: 1000, euid: 1000, cgroupId: 7777, comm: comm)
            out.append(RecordBuilder.fork(header: hdr(), subject: .init(ppid: 900, comm: "bash"), parentTgid: 900))
            out.append(RecordBuilder.exec(header: hdr(), subject: subj, exe: exe, args: args, cwd: "/home/alice"))
            for k in 0..<2 {
                out.append(RecordBuilder.network(header: hdr(), subject: subj, op: k == 0 ? .connect : .accept,
                                                 destination: [10, 0, UInt8(i % 7), UInt8(k + 1)], destinationPort: [443, 5432, 80, 6379][i % 4]))
            }
            for k in 0..<5 {
                let op = fileOps[k], p = paths[(i + k) % paths.count]
                out.append(RecordBuilder.file(header: hdr(), subject: subj, op: op, path: p, path2: op == .rename ? p + ".1" : nil,
                                              mode: op == .chmod ? 0o644 : 0))
            }
            out.append(RecordBuilder.exit(header: hdr(), subject: subj))
        }
        return out
    }
}
