import ArgumentParser
import Foundation
import Glibc
import MamoriBench

/// `mamori bench`: what Mamori costs a server (docs/benchmarks.md).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Mamori's overhead: workloads under baseline, floor and sensor modes.",
        discussion: """
            Examples:
              sudo make bench                                   # thorough run (~15 min)
              sudo make bench QUICK=1                           # smoke run (< 2 min)
              sudo mamori bench --quick --json > bench.json
              sudo mamori bench --workloads exec,file --repetitions 9
            Needs root (BPF), build/mamori-workload and build/mamori-true (`make bench` builds them).
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

    @Option(name: .long, help: "The workload helper (bench/workload.c).")
    var workloadBinary = "build/mamori-workload"

    @Option(name: .long, help: "The exec storm's target binary.")
    var trueBinary = "build/mamori-true"

    @Option(name: .long, help: "Rule directory of the agent under test.")
    var rules = "rules"

    @Option(name: .long, help: "SigmaHQ rules for the userspace-path benchmark ('' to skip).")
    var sigma = "../shared/sigma"

    @Option(name: .long, help: "Also write the overhead chart (SVG) here.")
    var svg: String?

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
            let code = AgentChild.run(directory: dir, rulesDirectory: rules, prevention: agentChildPrevention, shouldStop: { StopSignal.isRequested }) {
                benchLog("mamori-agent-child: \($0)")
            }
            throw ExitCode(code)
        }
        guard geteuid() == 0 else { throw CLIError("mamori bench needs root (it loads BPF programs): run it with sudo") }
        for path in [workloadBinary, trueBinary] where access(path, X_OK) != 0 {
            throw CLIError("\(path) is missing: build it with `make bench` (or `make \(path)`)")
        }
        var c = BenchConfiguration()
        if quick { c.makeQuick() }
        if let repetitions { c.repetitions = max(1, repetitions) }
        if let durationMs { c.durationMs = max(50, durationMs) }
        if let workloads {
            c.workloads = try workloads.split(separator: ",").map {
                guard let w = Workload(rawValue: String($0)) else { throw CLIError("unknown workload \($0)") }
                return w
            }
        }
        c.workloadBinary = workloadBinary
        c.trueBinary = trueBinary
        c.rulesDirectory = rules
        c.sigmaDirectory = sigma.isEmpty ? nil : sigma
        c.capacity = !noCapacity
        c.profile = !noProfile
        c.pipeline = !noPipeline
        c.executable = CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0] : "/proc/self/exe"
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { c.executable = exe }
        c.log = { benchLog("bench: \($0)") }
        signal(SIGPIPE, SIG_IGN)
        let report: BenchReport
        do { report = try BenchRunner(config: c).run() } catch { throw CLIError("\(error)") }
        if let svg {
            let dir = (svg as NSString).deletingLastPathComponent
            if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            try report.svg().write(toFile: svg, atomically: true, encoding: .utf8)
            c.log("chart → \(svg)")
        }
        print(json ? report.json() : report.table())
    }
}

/// One line to stderr (write(2): no shared FILE state).
private func benchLog(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
