import Foundation
import Glibc

/// How one `mamori bench` run is set up.
public struct BenchConfiguration: Sendable {
    public var quick = false
    public var repetitions = 5
    public var durationMs = 2000
    public var workloads = Workload.allCases
    public var workloadBinary = "build/mamori-workload"
    public var trueBinary = "build/mamori-true"
    public var rulesDirectory = "rules"
    public var sigmaDirectory: String? = "../shared/sigma"
    /// This executable (re-run as the agent child).
    public var executable = "/proc/self/exe"
    public var capacity = true
    public var profile = true
    public var pipeline = true
    /// Peer sensors measured beside Mamori in the same rounds ("auditd").
    public var peers: [String] = []
    public var seed: UInt64 = 0x6d616d6f7269
    public var log: @Sendable (String) -> Void = { _ in }

    public init() {}

    /// `--quick`: a smoke run that finishes within two minutes on a 2-vCPU VM.
    public mutating func makeQuick() {
        quick = true
        repetitions = 3
        durationMs = 400
    }
}

/// One (workload, mode, repetition) measurement.
struct Sample {
    var nsPerOp: Double
    var ops: UInt64
    var seconds: Double
    var events: UInt64 = 0
    var drops: UInt64 = 0
    var agentCPU: Double = 0        // seconds
    var agentPeakRSS: UInt64 = 0
    /// Bytes the sensor wrote during the run (agent: store and alert log; auditd: its log).
    var sensorBytes: UInt64 = 0
    var latency = LatencyHistogram()
}

/// Runs the interleaved overhead measurement and the extra passes, and collects a `BenchReport`.
///
/// For rep in 1...N, the modes run in a shuffled order (seeded: reproducible); each mode is
/// brought up once per repetition and every workload runs under it, so machine noise hits all
/// modes alike. Driver thread only.
public final class BenchRunner {
    let config: BenchConfiguration
    let runner: WorkloadRunner
    let scratch: String
    var rng: SplitMix

    public init(config: BenchConfiguration) throws(BenchError) {
        self.config = config
        var template = Array("/tmp/mamori-bench-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw .system("mkdtemp", errno) }
        scratch = String(cString: p)
        mkdir(scratch + "/work", 0o700)
        runner = WorkloadRunner(binary: config.workloadBinary, trueBinary: config.trueBinary, directory: scratch + "/work")
        rng = SplitMix(seed: config.seed)
    }

    deinit { try? FileManager.default.removeItem(atPath: scratch) }

    public func run() throws(BenchError) -> BenchReport {
        var report = BenchReport(configuration: config)
        report.machine = MachineInfo.current()
        let measured: [Mode] = [.baseline, .floor, .sensor, .prevention] + (config.peers.contains("auditd") ? [.auditd] : [])
        var samples: [Workload: [Mode: [Sample]]] = [:]
        let t0 = Date()
        for rep in 1...config.repetitions {
            var modes = measured
            modes.shuffle(using: &rng)
            config.log("repetition \(rep)/\(config.repetitions): \(modes.map(\.rawValue).joined(separator: " → "))")
            for mode in modes {
                let host = try ModeHost.start(mode, executable: config.executable, rulesDirectory: config.rulesDirectory, scratch: scratch)
                defer { host.stop() }
                var workloads = config.workloads
                workloads.shuffle(using: &rng)
                for w in workloads {
                    let s = try measure(w, host: host)
                    samples[w, default: [:]][mode, default: []].append(s)
                }
            }
        }
        report.results = Aggregate.results(samples, workloads: config.workloads)
        config.log(String(format: "overhead passes: %.0f s", Date().timeIntervalSince(t0)))
        if config.capacity || config.profile {
            let host = try ModeHost.start(.sensor, executable: config.executable, rulesDirectory: config.rulesDirectory, scratch: scratch)
            defer { host.stop() }
            guard case .sensor(let agent) = host else { return report }
            if config.capacity { report.capacity = try capacity(agent) }
            if config.profile { report.profile = try profile(agent) }
        }
        if config.pipeline {
            config.log("userspace pipeline benchmark")
            report.pipeline = PipelineBenchmark.run(rulesDirectory: config.rulesDirectory, sigmaDirectory: config.sigmaDirectory,
                                                    seconds: config.quick ? 3 : 10)
        }
        return report
    }

    private func measure(_ w: Workload, host: ModeHost, durationMs: Int? = nil) throws(BenchError) -> Sample {
        if case .peer(let peer) = host {
            let cpu0 = peer.cpuSeconds(), bytes0 = peer.logBytes()
            let r = try runner.run(w.rawValue, durationMs: durationMs ?? config.durationMs)
            usleep(200_000)   // let auditd write what the kernel queued
            var s = Sample(nsPerOp: r.nsPerOp, ops: r.ops, seconds: Double(r.elapsedNs) / 1e9)
            s.agentCPU = peer.cpuSeconds() - cpu0
            let bytes1 = peer.logBytes()
            s.sensorBytes = bytes1 > bytes0 ? bytes1 - bytes0 : 0
            return s
        }
        guard case .sensor(let agent) = host else {
            let r = try runner.run(w.rawValue, durationMs: durationMs ?? config.durationMs)
            return Sample(nsPerOp: r.nsPerOp, ops: r.ops, seconds: Double(r.elapsedNs) / 1e9)
        }
        agent.settle()
        let c = agent.counters
        let ev0 = c[.events], drop0 = c[.queueDrops] + c[.kernelDrops], hist0 = c.histogram()
        agent.probe.resetPeak()
        let cpu0 = agent.probe.cpuSeconds()
        let bytes0 = agent.bytesWritten()
        let r = try runner.run(w.rawValue, durationMs: durationMs ?? config.durationMs)
        agent.settle()
        let cpu1 = agent.probe.cpuSeconds()
        var s = Sample(nsPerOp: r.nsPerOp, ops: r.ops, seconds: Double(r.elapsedNs) / 1e9)
        s.events = c[.events] - ev0
        s.drops = c[.queueDrops] + c[.kernelDrops] - drop0
        s.agentCPU = cpu1 - cpu0
        s.agentPeakRSS = agent.probe.memory().peak
        s.latency = c.histogram().since(hist0)
        let bytes1 = agent.bytesWritten()
        s.sensorBytes = bytes1 > bytes0 ? bytes1 - bytes0 : 0
        return s
    }

    /// Sustained and burst load on the sensor: one event per chmod, paced or as fast as possible.
    private func capacity(_ agent: AgentHost) throws(BenchError) -> [CapacityResult] {
        var out: [CapacityResult] = []
        let seconds = config.quick ? 2 : 10
        let plans: [(String, Int?, Int?)] = [("sustained 100k/s", 100_000, nil), ("sustained 300k/s", 300_000, nil),
                                              ("burst 1M", nil, config.quick ? 300_000 : 1_000_000)]
        for (name, rate, count) in plans {
            config.log("capacity: \(name)")
            agent.settle()
            let c = agent.counters
            let ev0 = c[.events], drop0 = c[.queueDrops] + c[.kernelDrops], hist0 = c.histogram()
            agent.probe.resetPeak()
            let cpu0 = agent.probe.cpuSeconds()
            let r = try runner.run("chmod", durationMs: rate != nil ? seconds * 1000 : nil, count: count, rate: rate, procs: 2)
            agent.settle(maxSeconds: 20)
            let cpu1 = agent.probe.cpuSeconds()
            let secs = Double(r.elapsedNs) / 1e9
            let lat = c.histogram().since(hist0)
            out.append(CapacityResult(name: name, targetRate: rate, requestedEvents: count.map(UInt64.init),
                                      generated: r.ops, achievedRate: Double(r.ops) / secs,
                                      delivered: c[.events] - ev0, drops: c[.queueDrops] + c[.kernelDrops] - drop0,
                                      agentCPUPct: (cpu1 - cpu0) / secs * 100,
                                      agentPeakRSSMiB: Double(agent.probe.memory().peak) / 1048576,
                                      latencyP50Us: lat.percentile(50).map { Double($0) / 1000 },
                                      latencyP99Us: lat.percentile(99).map { Double($0) / 1000 }))
        }
        return out
    }

    /// A separate sensor pass with bpf_stats on: kernel time per program per workload.
    private func profile(_ agent: AgentHost) throws(BenchError) -> [ProfileEntry] {
        guard BPFProfile.setEnabled(true) else { return [] }
        defer { _ = BPFProfile.setEnabled(false) }
        var out: [ProfileEntry] = []
        for w in config.workloads {
            config.log("profile: \(w.rawValue)")
            agent.settle()
            let before = BPFProfile.snapshot()
            let r = try runner.run(w.rawValue, durationMs: config.quick ? 300 : 1000)
            let d = BPFProfile.diff(BPFProfile.snapshot(), before)
            let programs = d.sorted { $0.value.runNs > $1.value.runNs }.map {
                ProfileEntry.Program(name: $0.key, runs: $0.value.runs, nsPerRun: Double($0.value.runNs) / Double(max($0.value.runs, 1)),
                                     nsPerOp: Double($0.value.runNs) / Double(max(r.ops, 1)))
            }
            out.append(ProfileEntry(workload: w, nsPerOp: r.nsPerOp, bpfNsPerOp: programs.reduce(0) { $0 + $1.nsPerOp }, programs: programs))
        }
        return out
    }
}

/// A small seeded generator so the shuffled mode order is reproducible from the seed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
