import ArgumentParser
import Foundation
import Glibc
import MamoriBench
import MamoriSystem

/// `mamori-bench` (run as `mamori bench`): what Mamori costs a server (docs/benchmarks.md).
///
/// Its own executable so the shipped daemon links none of the harness or its synthetic-record
/// test support; installed under <prefix>/lib/mamori, where `mamori bench` finds and execs it.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mamori bench",
        abstract: "Measure Mamori's overhead: workloads under baseline, floor and sensor modes.",
        discussion: """
            Examples:
              sudo make bench                                   # thorough run (~15 min)
              sudo make bench QUICK=1                           # smoke run (< 2 min)
              sudo mamori bench --quick --json > bench.json
              sudo mamori bench --workloads exec,file --repetitions 9

            This is the mamori-bench helper (<prefix>/lib/mamori/mamori-bench) that `mamori bench` runs.
            Needs root (BPF) and the workload helpers build/mamori-workload and build/mamori-true
            (`make bench` builds them), else the copies in <prefix>/lib/mamori/ (`make install`, the .deb).
            Rules default to ./rules, else /etc/mamori/rules.
            """)

    @Flag(name: .long, help: "Smoke run: 3 repetitions × 400 ms, short capacity tests (< 2 minutes).")
    var quick = false

    @Flag(name: .long, help: "Print one JSON object instead of the table.")
    var json = false

    @Option(name: .long, help: "Repetitions per workload and mode (default 5, quick 3).")
    var repetitions: Int?

    @Option(name: .long, help: "Milliseconds per workload run (default 2000, quick 400).")
    var durationMs: Int?

    @Option(name: .long, help: "Comma-separated workloads (exec,connect,udp,file,read,mixed).")
    var workloads: String?

    @Option(name: .long, help: "The workload helper (bench/workload.c; default: build/, else <prefix>/lib/mamori).")
    var workloadBinary: String?

    @Option(name: .long, help: "The exec storm's target binary (default: found like --workload-binary).")
    var trueBinary: String?

    @Option(name: .long, help: "Rule directory of the agent under test (default: ./rules, else /etc/mamori/rules).")
    var rules: String?

    @Option(name: .long, help: "SigmaHQ rules for the userspace-path benchmark ('' to skip).")
    var sigma = "../shared/sigma"

    @Option(name: .long, help: "Also write the overhead chart (SVG) here.")
    var svg: String?

    @Option(name: .long, help: "Also measure a peer sensor in the same rounds: auditd (equivalent rules; left as found).")
    var peer: [String] = []

    @Flag(name: .long, help: "Skip the capacity tests (sustained/burst load).")
    var noCapacity = false

    @Flag(name: .long, help: "Skip the bpf_stats profile pass.")
    var noProfile = false

    @Flag(name: .long, help: "Skip the userspace-path benchmark.")
    var noPipeline = false

    @Option(name: .long, help: .hidden)
    var agentChild: String?

    @Flag(name: .long, help: .hidden)
    var agentChildPrevention = false

    func run() throws {
        if let dir = agentChild {
            StopSignal.install()
            let code = AgentChild.run(directory: dir, rulesDirectory: rules ?? BenchHelpers.rulesDirectory(), prevention: agentChildPrevention, shouldStop: { StopSignal.isRequested }) {
                benchLog("mamori-agent-child: \($0)")
            }
            throw ExitCode(code)
        }
        guard geteuid() == 0 else { throw BenchFailure("mamori bench needs root (it loads BPF programs): run it with sudo") }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let workloadBinary = try self.workloadBinary ?? BenchHelpers.find("mamori-workload", executable: exe)
        let trueBinary = try self.trueBinary ?? BenchHelpers.find("mamori-true", executable: exe)
        let rules = self.rules ?? BenchHelpers.rulesDirectory()
        for path in [workloadBinary, trueBinary] where access(path, X_OK) != 0 {
            throw BenchFailure("\(path) is missing: build it with `make bench` (or `make \(path)`)")
        }
        var c = BenchConfiguration()
        if quick { c.makeQuick() }
        if let repetitions { c.repetitions = max(1, repetitions) }
        if let durationMs { c.durationMs = max(50, durationMs) }
        if let workloads {
            c.workloads = try workloads.split(separator: ",").map {
                guard let w = Workload(rawValue: String($0)) else { throw BenchFailure("unknown workload \($0)") }
                return w
            }
        }
        c.workloadBinary = workloadBinary
        c.trueBinary = trueBinary
        c.rulesDirectory = rules
        var isDir: ObjCBool = false
        c.sigmaDirectory = sigma.isEmpty || !FileManager.default.fileExists(atPath: sigma, isDirectory: &isDir) ? nil : sigma
        for p in peer where p != "auditd" { throw BenchFailure("unknown peer \(p) (known: auditd)") }
        c.peers = peer
        c.capacity = !noCapacity
        c.profile = !noProfile
        c.pipeline = !noPipeline
        c.executable = CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0] : "/proc/self/exe"
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { c.executable = exe }
        c.log = { benchLog("bench: \($0)") }
        signal(SIGPIPE, SIG_IGN)
        let report: BenchReport
        do { report = try BenchRunner(config: c).run() } catch { throw BenchFailure("\(error)") }
        if let svg {
            let dir = (svg as NSString).deletingLastPathComponent
            if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            try report.svg().write(toFile: svg, atomically: true, encoding: .utf8)
            c.log("chart → \(svg)")
        }
        print(json ? report.json() : report.table())
    }
}

/// Where the bench finds its workload helpers: the source tree's build/ first (`make bench`),
/// then the library directory of an installed package (`make install`, the .deb), relative
/// to the running binary (<prefix>/lib/mamori/mamori-bench, or .build/<config>/mamori-bench).
enum BenchHelpers {
    static func candidates(_ name: String, executable: String) -> [String] {
        let directory = (executable as NSString).deletingLastPathComponent
        return ["build/" + name, directory + "/" + name, "/usr/lib/mamori/" + name, "/usr/local/lib/mamori/" + name]
    }

    static func find(_ name: String, executable: String) throws -> String {
        let all = candidates(name, executable: executable)
        if let hit = all.first(where: { access($0, X_OK) == 0 }) { return hit }
        throw BenchFailure("\(name) not found (looked in \(all.joined(separator: ", "))): `make bench` builds it, `make install` installs it")
    }

    static func rulesDirectory() -> String {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: "rules", isDirectory: &isDir), isDir.boolValue { return "rules" }
        return "/etc/mamori/rules"
    }
}

/// A failure the operator can act on, printed as "Error: …" with exit status 1.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// One line to stderr (write(2): no shared FILE state).
private func benchLog(_ line: String) {
    try? FileDescriptor.standardError.writeAll(line + "\n")
}
