import Foundation
import MamoriDetection
import MamoriEvents
import MamoriProcess

/// The rule sources and event mix of the detection benchmark (no test framework dependency, so
/// a throwaway executable can reuse it for profiling).
enum BenchmarkWorkload {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `$MAMORI_SIGMA_DIR`, else `../shared/sigma` relative to the package root.
    static let sigmaDirectory = ProcessInfo.processInfo.environment["MAMORI_SIGMA_DIR"]
        ?? packageRoot.appendingPathComponent("../shared/sigma").standardizedFileURL.path

    /// `$MAMORI_RULES_DIR`, else the project's rule pack, `rules/` at the package root.
    static let packDirectory = ProcessInfo.processInfo.environment["MAMORI_RULES_DIR"]
        ?? packageRoot.appendingPathComponent("rules").path

    /// One event with its enrichment. A final class with constant properties, evaluated from
    /// one of its own methods: its fields are then passed to the engine by borrow, as a worker
    /// passes its locals, instead of being copied per call.
    final class Sample: Sendable {
        let event: SensorEvent
        let process: ProcessRecord?
        let parent: ProcessRecord?
        let ancestry: [ProcessRecord]

        init(event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?, ancestry: [ProcessRecord]) {
            self.event = event; self.process = process; self.parent = parent; self.ancestry = ancestry
        }

        @inline(never)
        func evaluate(_ engine: inout DetectionEngine, into hits: inout [RuleHit]) {
            engine.evaluate(event, process: process, parent: parent, ancestry: ancestry, into: &hits)
        }
    }

    /// The project's rule pack, the built-in rules and every SigmaHQ Linux rule (the SigmaHQ
    /// files of other log sources are rejected by the loader and cost nothing).
    static func ruleSources() -> [RuleSource] {
        var sources = BuiltinRules.sources
        if case .success(let pack) = RuleLoader.sources(inDirectory: packDirectory, origin: .mamori) {
            sources += pack
        }
        if case .success(let sigma) = RuleLoader.sources(inDirectory: sigmaDirectory, origin: .sigma) {
            sources += sigma
        }
        return sources
    }

    /// A deterministic server-like mix: 20% exec (admin and cron commands, several of which
    /// SigmaHQ's informational rules flag), 30% network, 50% file (services writing data and
    /// logs, a download to /tmp once in 200 file events).
    static func workload() -> [Sample] {
        let s = Fixture.second
        let systemd = Fixture.record(pid: 1, "/usr/lib/systemd/systemd", ["/sbin/init"], ppid: 0, session: 1)
        let sshd = Fixture.record(pid: 800, "/usr/sbin/sshd", ["sshd: alice [priv]"], ppid: 1, session: 800, unit: "ssh.service")
        let bash = Fixture.record(pid: 900, "/bin/bash", ["-bash"], ppid: 800, session: 900, uid: 1000)
        let cron = Fixture.record(pid: 700, "/usr/sbin/cron", ["/usr/sbin/cron", "-f"], ppid: 1, session: 700, unit: "cron.service")
        let nginx = Fixture.record(pid: 600, "/usr/sbin/nginx", ["nginx: worker process"], ppid: 1, session: 600, unit: "nginx.service", uid: 33)
        let java = Fixture.record(pid: 500, "/usr/lib/jvm/java-17/bin/java", ["java", "-Xmx2g", "-jar", "/opt/app/app.jar"], ppid: 1, session: 500, unit: "app.service")
        let parents = [bash, cron, sshd, java]
        let commands: [(String, [String])] = [
            ("/usr/bin/ls", ["ls", "-la", "/var/log/nginx"]),
            ("/usr/bin/grep", ["grep", "-r", "ERROR", "/var/log/app/app.log"]),
            ("/bin/sh", ["/bin/sh", "-c", "/usr/lib/sysstat/debian-sa1 1 1"]),
            ("/usr/bin/python3", ["python3", "/opt/tools/report.py", "--daily"]),
            ("/usr/bin/git", ["git", "-C", "/srv/repo", "status", "--porcelain"]),
            ("/usr/bin/cat", ["cat", "/etc/os-release"]),
            ("/usr/bin/curl", ["curl", "-s", "-o", "/dev/null", "http://127.0.0.1:8080/health"]),
            ("/usr/bin/systemctl", ["systemctl", "is-active", "nginx"]),
            ("/usr/bin/awk", ["awk", "{print $1}", "/var/log/nginx/access.log"]),
            ("/usr/bin/sed", ["sed", "-n", "1,20p", "/etc/nginx/nginx.conf"]),
            ("/usr/bin/ps", ["ps", "aux"]),
            ("/usr/bin/date", ["date", "+%s"]),
            ("/usr/bin/tar", ["tar", "czf", "/backup/etc.tgz", "/etc"]),
            ("/usr/bin/sleep", ["sleep", "5"]),
            ("/usr/bin/node", ["node", "/srv/app/server.js"]),
            ("/usr/bin/find", ["find", "/tmp", "-mtime", "+7", "-delete"]),
        ]
        let images = ["/usr/sbin/nginx", "/usr/lib/jvm/java-17/bin/java", "/usr/bin/python3", "/usr/bin/curl",
                      "/usr/lib/postgresql/15/bin/postgres", "/usr/bin/node", "/usr/sbin/rsyslogd", "/usr/bin/dockerd"]
        let paths = ["/var/lib/postgresql/15/main/base/16384/2619", "/var/log/nginx/access.log", "/tmp/tmp.x81Kq2",
                     "/var/cache/apt/archives/partial/x.deb", "/home/alice/.cache/pip/http/a/b", "/srv/app/uploads/img_2041.png",
                     "/var/lib/docker/overlay2/3f1/diff/etc/hosts", "/run/user/1000/bus", "/var/spool/postfix/active/AB12",
                     "/opt/app/logs/app-2026-11-27.log"]
        let writers = images.filter { !$0.hasSuffix("/curl") }
        // Mostly writes; chmod is rare (about 5%).
        let ops: [FileOp] = [.openWrite, .openWrite, .create, .openWrite, .openWrite, .rename, .openWrite, .unlink,
                             .openWrite, .create, .truncate, .openWrite, .openWrite, .rename, .create, .openWrite,
                             .unlink, .openWrite, .chmod]
        var out: [Sample] = []
        for i in 0..<2000 {
            let t = UInt64(i) * s / 1000
            let pid = UInt32(2000 + i % 300)
            switch i % 10 {
            case 0, 1:
                let (exe, args) = commands[(i / 10) % commands.count]
                let parent = parents[(i / 3) % parents.count]
                let proc = Fixture.record(pid: pid, exe, args, ppid: parent.pid, session: parent.sessionId, unit: parent.unit)
                out.append(Sample(event: Fixture.exec(exe, args, pid: pid, ppid: parent.pid, cwd: "/home/alice", ts: t, session: parent.sessionId),
                                  process: proc, parent: parent, ancestry: [parent, sshd, systemd]))
            case 2, 3, 4:
                let exe = images[i % images.count]
                let proc = Fixture.record(pid: pid, exe, [exe], ppid: 1, unit: "svc.service")
                let dst = i % 3 == 0 ? Fixture.ipv4("10.0.\(i % 7).\(i % 200)") : Fixture.ipv6([0x2001, 0xdb8, 0, 0, 0, 0, UInt16(i % 50), 1])
                let port: UInt16 = [443, 5432, 80, 53, 6379, 8080][i % 6]
                out.append(Sample(event: Fixture.network(i % 7 == 0 ? .accept : .connect, to: dst, port: port, pid: pid, ts: t),
                                  process: proc, parent: systemd, ancestry: [systemd]))
            default:
                // Services write their data and logs; a download lands in /tmp now and then.
                let download = i % 200 == 5
                let exe = download ? "/usr/bin/curl" : writers[(i / 3) % writers.count]
                let proc = Fixture.record(pid: pid, exe, [exe], ppid: 1, unit: "svc.service")
                let op = download ? FileOp.create : ops[(i / 2) % ops.count]
                let path = download ? "/tmp/install-\(i).sh" : paths[i % paths.count]
                out.append(Sample(event: Fixture.file(op, path, target: op == .rename ? path + ".1" : nil, pid: pid, ts: t),
                                  process: proc, parent: i % 2 == 0 ? nginx : systemd, ancestry: [systemd]))
            }
        }
        return out
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)   // CPU time: other load on the host does not count
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Events per CPU-second over `rounds` passes of `samples` (one thread, so one core).
    static func measure(_ engine: inout DetectionEngine, _ samples: [Sample], rounds: Int) -> (Double, Int) {
        var hits: [RuleHit] = []
        hits.reserveCapacity(64)
        var total = 0
        let start = now()
        for _ in 0..<rounds {
            for sample in samples {
                sample.evaluate(&engine, into: &hits)
                total &+= hits.count
                hits.removeAll(keepingCapacity: true)
            }
        }
        let elapsed = now() - start
        return (Double(samples.count * rounds) / elapsed, total)
    }
}
