import Benchmark
import Foundation
import MamoriAgent
import MamoriDetection
import MamoriEvents
import MamoriOutput
import MamoriPipeline
import MamoriProcess
import MamoriStore
import MamoriTestSupport

// Mallocs per event for each stage of the userspace path (ring record → RecordDecoder →
// EventQueue → ProcessTable → DetectionEngine → DetectionPipeline [+ StoreWriter]) and for the
// whole pipeline. Records are built with RecordBuilder from the C structs the kernel writes.
// One scaled iteration is one event (scalingFactor .kilo: a sample is 1,000 events); run with
// `make bench-alloc`, which passes `--scale` so the table reads "mallocs per event".
//
// Streams:
// - repeated: one process writing the same few files (a log writer, a build): the steady state;
// - distinct: every event a new path (a `find`, an unpacker, an attacker flooding names);
// - mixed: the server-like mix of PipelineBenchmark (fork/exec/net/file/exit of 400 processes).
// None of the file/network events match a rule of rules/ (the steady state the goal is about).

let benchmarks: @Sendable () -> Void = {
    let perEvent = Benchmark.Configuration(
        metrics: [.mallocCountTotal, .instructions], timeUnits: .nanoseconds,
        warmupIterations: 2, scalingFactor: .kilo, maxDuration: .seconds(2), maxIterations: 20)

    Benchmark("decode file, repeated path", configuration: perEvent) { benchmark in
        var decoder = RecordDecoder()
        let records = Streams.repeatedFiles
        for i in benchmark.scaledIterations {
            records[i % records.count].withUnsafeBytes { raw in blackHole(try? decoder.decode(raw)) }
        }
    }

    Benchmark("decode file, distinct paths", configuration: perEvent) { benchmark in
        var decoder = RecordDecoder()
        let records = Streams.distinctFiles
        for i in benchmark.scaledIterations {
            records[i % records.count].withUnsafeBytes { raw in blackHole(try? decoder.decode(raw)) }
        }
    }

    Benchmark("decode exec, repeated command", configuration: perEvent) { benchmark in
        var decoder = RecordDecoder()
        let records = Streams.repeatedExecs
        for i in benchmark.scaledIterations {
            records[i % records.count].withUnsafeBytes { raw in blackHole(try? decoder.decode(raw)) }
        }
    }

    Benchmark("queue push+pop", configuration: perEvent) { benchmark in
        let queue = EventQueue<SensorEvent>(capacity: 4096)
        let events = Streams.decoded(Streams.repeatedFiles)
        for i in benchmark.scaledIterations {
            _ = queue.tryPush(events[i % events.count])
            blackHole(queue.pop())
        }
    }

    Benchmark("enrich (ProcessTable) file event", configuration: perEvent) { benchmark in
        let table = Streams.table()
        let events = Streams.decoded(Streams.repeatedFiles)
        for e in events { table.apply(e) }
        for i in benchmark.scaledIterations {
            let e = events[i % events.count]
            table.apply(e)
            blackHole(table.record(for: e.header.processKey))
        }
    }

    Benchmark("match (DetectionEngine) non-matching file event", configuration: perEvent) { benchmark in
        let table = Streams.table()
        let setup = Streams.decoded(Streams.setupRecords)
        for e in setup { table.apply(e) }
        var engine = DetectionEngine(rules: Streams.rules)
        let events = Streams.decoded(Streams.repeatedFiles)
        let process = table.record(for: events[0].header.processKey)
        var hits: [RuleHit] = []
        hits.reserveCapacity(16)
        for i in benchmark.scaledIterations {
            hits.removeAll(keepingCapacity: true)
            engine.evaluate(events[i % events.count], process: process, parent: nil, ancestry: [], into: &hits)
        }
        blackHole(hits)
    }

    for (name, stream) in [("repeated paths", Streams.repeatedFiles), ("distinct paths", Streams.distinctFiles),
                           ("server mix", Streams.mixed)] {
        Benchmark("pipeline (decode→enrich→match→triage), \(name)", configuration: perEvent) { benchmark in
            let pipeline = Streams.pipeline(writer: nil)
            var decoder = RecordDecoder()
            for r in Streams.setupRecords + stream { r.withUnsafeBytes { if let e = try? decoder.decode($0) { pipeline.process(e) } } }
            for i in benchmark.scaledIterations {
                stream[i % stream.count].withUnsafeBytes { raw in
                    if let e = try? decoder.decode(raw) { pipeline.process(e) }
                }
            }
        }
    }

    for (name, stream) in [("repeated paths", Streams.repeatedFiles), ("distinct paths", Streams.distinctFiles)] {
        Benchmark("pipeline + store enqueue and write, \(name)", configuration: perEvent) { benchmark in
            let dir = NSTemporaryDirectory() + "mamori-alloc-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            guard let writer = try? StoreWriter(configuration: .init(path: dir + "/bench.db", capacity: 1 << 20,
                                                                     capacityBytes: 1 << 30,
                                                                     retention: .keepEverything)) else { return }
            let pipeline = Streams.pipeline(writer: writer)
            var decoder = RecordDecoder()
            for r in Streams.setupRecords + stream { r.withUnsafeBytes { if let e = try? decoder.decode($0) { pipeline.process(e) } } }
            writer.flush()
            benchmark.startMeasurement()
            for i in benchmark.scaledIterations {
                stream[i % stream.count].withUnsafeBytes { raw in
                    if let e = try? decoder.decode(raw) { pipeline.process(e) }
                }
            }
            writer.flush()
            benchmark.stopMeasurement()
            writer.close()
        }
    }
}

/// The synthetic record streams, built once.
enum Streams {
    static let pid: UInt32 = 31_337
    static let start: UInt64 = 5_000_000_000
    static let subject = RecordBuilder.SubjectFields(ppid: 900, uid: 1000, gid: 1000, euid: 1000, cgroupId: 7777,
                                                     comm: "python3")

    static func header(_ n: Int) -> RecordBuilder.HeaderFields {
        .init(ktimeNs: start + 1_000_000 + UInt64(n) * 20_000, tgid: pid, startBoottimeNs: start)
    }

    /// fork + exec of the acting process, so the table knows it.
    static let setupRecords: [[UInt8]] = [
        RecordBuilder.fork(header: .init(ktimeNs: start, tgid: pid, startBoottimeNs: start),
                           subject: .init(ppid: 900, comm: "bash"), parentTgid: 900),
        RecordBuilder.exec(header: .init(ktimeNs: start + 1000, tgid: pid, startBoottimeNs: start), subject: subject,
                           exe: "/usr/bin/python3.12", args: ["python3", "/srv/app/worker.py", "--queue", "default"],
                           cwd: "/srv/app"),
    ]

    static let fileOps: [FileOp] = [.create, .openWrite, .openWrite, .openWrite, .chmod, .unlink]

    /// 1,024 events over 4 names: the steady state.
    static let repeatedFiles: [[UInt8]] = (0..<1024).map { n in
        let path = "/var/lib/app/spool/worker-\(n % 4)/segment-00000\(n % 4).dat"
        return RecordBuilder.file(header: header(n), subject: subject, op: fileOps[n % fileOps.count], path: path,
                                  mode: 0o644, inode: UInt64(9000 + n % 4), device: 0x0080_0001)
    }

    /// 100,000 events, every one a new path.
    static let distinctFiles: [[UInt8]] = (0..<100_000).map { n in
        RecordBuilder.file(header: header(n), subject: subject, op: fileOps[n % fileOps.count],
                           path: "/var/lib/app/spool/incoming/upload-\(n)-\(n &* 2654435761 % 1_000_003).part",
                           mode: 0o644, inode: UInt64(100_000 + n), device: 0x0080_0001)
    }

    /// The same short-lived command again and again (a health check).
    static let repeatedExecs: [[UInt8]] = (0..<64).map { n in
        RecordBuilder.exec(header: header(n), subject: subject, exe: "/usr/bin/curl",
                           args: ["curl", "-s", "-o", "/dev/null", "http://127.0.0.1:8080/health"], cwd: "/srv/app")
    }

    /// Per 10 events: fork, exec, exit, 2 connects, 5 file events, by 400 short-lived processes
    /// running 4 commands over 7 paths (the mix of `mamori bench`'s pipeline benchmark).
    static let mixed: [[UInt8]] = {
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

    static let rules: CompiledRuleSet = {
        let dir = ProcessInfo.processInfo.environment["MAMORI_RULES"] ?? "../rules"
        var sources: [RuleSource] = []
        if case .success(let s) = RuleLoader.sources(inDirectory: dir, origin: .mamori) { sources += s }
        let report = RuleLoader.load(sources: sources)
        if report.ruleSet.rules.isEmpty { print("warning: no rules loaded from \(dir) (set MAMORI_RULES)") }
        return report.ruleSet
    }()

    static func table() -> ProcessTable {
        ProcessTable(entityIds: EntityIdGenerator(bootId: "bench"), cgroups: nil, isAlive: { _ in true },
                     fallback: { _ in nil })
    }

    static func pipeline(writer: StoreWriter?) -> DetectionPipeline {
        DetectionPipeline(table: table(), rules: rules, alertLog: nil, writer: writer, history: nil,
                          storeEvents: writer != nil, hostName: "bench", clock: ClockOffset(realtimeMinusBoottimeNs: 0))
    }

    static func decoded(_ records: [[UInt8]]) -> [SensorEvent] {
        var decoder = RecordDecoder()
        return records.compactMap { r in r.withUnsafeBytes { try? decoder.decode($0) } }
    }
}
