import ArgumentParser
import Glibc
import MamoriEvents
import MamoriOutput
import MamoriProcess
import MamoriSensor
import MamoriSystem

/// `mamori watch`: the sensor in the foreground, one line per kernel event.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Stream every exec, fork, exit, network and file event, live.",
        discussion: """
            Examples:
              sudo mamori watch
              sudo mamori watch --json | jq 'select(.event.action == "connect")'
              sudo mamori watch --json --schema ocsf | jq 'select(.class_uid == 4001)'
              sudo mamori watch --kind exec,connect --comm curl
              sudo mamori watch --json --kind dns,connect   # lookups, then destination.domain
              sudo mamori watch --pid 1234 --pid 1240
            Ctrl-C stops the sensor and detaches every hook.
            """)

    @Flag(name: .long, help: "One JSON object per line (ECS, or OCSF with --schema ocsf).")
    var json = false

    @Option(name: .long, help: ArgumentHelp("JSON schema with --json: ecs (default) or ocsf (OCSF 1.4).", valueName: "ecs|ocsf"))
    var schema: String = "ecs"

    @Option(name: .long, help: "Comma-separated kinds to show: exec, fork, exit, process, connect, dns, file, action, tamper, activity, gap.")
    var kind: String?

    @Option(name: .long, help: "Only events of this process id (repeatable).")
    var pid: [UInt32] = []

    @Option(name: .long, help: "Only events whose command name (comm) is this (repeatable).")
    var comm: [String] = []

    @Option(name: .long, help: "Also report read-only opens of this file (repeatable).")
    var watchFile: [String] = []

    @Flag(name: .long, help: "Do not report file events.")
    var noFiles = false

    @Flag(name: .long, help: ArgumentHelp("Do not report /proc/<pid> access and sysctl writes (cost comparisons, docs/benchmarks.md).", visibility: .hidden))
    var noProcfsActivity = false

    @Flag(name: .long, help: ArgumentHelp("Observe opens with the syscall tracepoints even where fexit attaches (tier cost comparisons, tools/open-tier-cost.py).", visibility: .hidden))
    var noFentry = false

    @Flag(name: .long, help: "Print libbpf's log (verifier output) while loading.")
    var verbose = false

    /// `--schema` as a format; validated in `validate()`.
    var format: OutputFormat { OutputFormat(rawValue: schema) ?? .ecs }

    func validate() throws {
        guard OutputFormat(rawValue: schema) != nil else {
            throw ValidationError("--schema: '\(schema)' is not a schema: use ecs or ocsf")
        }
        if let kind { do { _ = try EventFilter.parseKinds(kind) } catch { throw ValidationError(error.description) } }
    }

    func run() throws {
        var filter = EventFilter()
        if let kind { filter.kinds = try EventFilter.parseKinds(kind) }
        if !pid.isEmpty { filter.pids = Set(pid) }
        if !comm.isEmpty { filter.comms = Set(comm) }

        var options = SensorOptions()
        options.fileEvents = !noFiles
        options.procfsActivity = !noProcfsActivity
        options.verboseLibbpf = verbose
        options.allowFentry = !noFentry
        StopSignal.install()
        let cgroups = CgroupResolver.discover()
        let session: SensorSession
        do {
            session = try SensorSession(options: options, cgroupRoot: cgroups.mountPoint)
        } catch {
            throw CLIError(error.description)
        }
        defer { session.stop() }
        for path in DefaultWatchSet.paths + watchFile {
            _ = try? session.program.maps.watch(path: path)
        }
        for dir in DefaultWatchSet.directories {
            _ = try? session.program.maps.watch(path: dir, children: true)
        }
        session.start()

        let entityIds = EntityIdGenerator.forThisHost()
        let seeder = ProcSeeder(entityIds: entityIds, cgroups: cgroups)
        let table = ProcessTable(entityIds: entityIds, cgroups: cgroups,
                                 fallback: { seeder.readProcess($0) })
        _ = try? seeder.seed(into: table)
        StandardError.write("mamori: sensor attached (\(session.program.attached.count) hooks; file opens: \(session.program.fileOpenTier.rawValue)); Ctrl-C to stop\n")

        let startedNs = monotonicNs()
        var worker = WatchWorker(table: table, filter: filter, json: json, format: format, hostName: HostName.current)
        var batch: [SensorEvent] = []
        batch.reserveCapacity(1024)
        while !StopSignal.isRequested {
            _ = session.queue.waitForElements(timeout: .milliseconds(200))
            batch.removeAll(keepingCapacity: true)
            if session.queue.popBatch(into: &batch, max: 1024) > 0 {
                worker.process(batch)
            }
        }
        session.reader.stop()
        batch.removeAll(keepingCapacity: true)
        while session.queue.popBatch(into: &batch, max: 1024) > 0 {
            worker.process(batch)
            batch.removeAll(keepingCapacity: true)
        }
        let s = session.stats
        let seconds = Double(monotonicNs() - startedNs) / 1e9
        let rate = seconds > 0 ? Int(Double(s.reader.decoded) / seconds) : 0
        StandardError.write("mamori: stopped after \(Int(seconds)) s; decoded \(s.reader.decoded) (\(rate)/s), kernel drops \(s.kernelDrops) by kind, queue drops \(s.reader.queueDrops), decode errors \(s.reader.decodeErrors)\n")
    }
}

/// Read-only opens of these are always reported by `watch` (credential stores, keys).
enum DefaultWatchSet {
    static let paths = ["/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/security/opasswd"]
    static let directories = ["/etc/ssh", "/root/.ssh", "/etc/sudoers.d"]
}

/// A runtime failure reported as one line on stderr with exit status 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// CLOCK_MONOTONIC in nanoseconds.
func monotonicNs() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
