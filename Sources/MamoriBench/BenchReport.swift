import MamoriSystem
import Foundation
import Glibc

/// Per workload and mode: the medians over repetitions and their spread.
public struct ResultRow: Codable, Sendable {
    public var workload: Workload
    public var mode: Mode
    public var available: Bool
    public var note: String?
    public var ns_per_op: Double?
    public var ns_per_op_min: Double?
    public var ns_per_op_max: Double?
    public var spread_pct: Double?
    /// Median over repetitions of (mode / same-repetition baseline − 1) · 100.
    public var overhead_pct: Double?
    /// overhead_pct − the floor's overhead_pct (percentage points above the floor).
    public var over_floor_pp: Double?
    public var events_per_s: Double?
    public var drops: UInt64?
    public var agent_cpu_pct: Double?
    public var agent_peak_rss_mib: Double?
    public var latency_p50_us: Double?
    public var latency_p99_us: Double?
    /// Bytes the sensor wrote per workload operation (agent: store + alert log; auditd: log).
    public var sensor_bytes_per_op: Double?
    public var repetitions: Int
}

public struct CapacityResult: Codable, Sendable {
    public var name: String
    public var targetRate: Int?
    public var requestedEvents: UInt64?
    public var generated: UInt64
    public var achievedRate: Double
    public var delivered: UInt64
    public var drops: UInt64
    public var agentCPUPct: Double
    public var agentPeakRSSMiB: Double
    public var latencyP50Us: Double?
    public var latencyP99Us: Double?
}

public struct ProfileEntry: Codable, Sendable {
    public struct Program: Codable, Sendable {
        public var name: String
        public var runs: UInt64
        public var nsPerRun: Double
        public var nsPerOp: Double
    }
    public var workload: Workload
    public var nsPerOp: Double
    public var bpfNsPerOp: Double
    public var programs: [Program]
}

public struct PipelineResult: Codable, Sendable {
    public var rules: Int
    public var events: UInt64
    public var seconds: Double
    public var eventsPerSecond: Double
    public var alerts: UInt64
    public var mix: String
}

public struct MachineInfo: Codable, Sendable {
    public var kernel: String
    public var cpus: Int
    public var cpuModel: String
    public var scratchFilesystem: String

    static func current() -> MachineInfo {
        let release = SystemIdentity.kernelRelease
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) } ?? "?"
        return MachineInfo(kernel: release, cpus: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), cpuModel: model,
                           scratchFilesystem: "/tmp")
    }
}

/// Everything one `mamori bench` run measured; rendered as a table, JSON or SVG.
public struct BenchReport: Codable, Sendable {
    public var quick: Bool
    public var repetitions: Int
    public var duration_ms: Int
    public var seed: UInt64
    public var machine: MachineInfo?
    public var results: [ResultRow] = []
    public var capacity: [CapacityResult] = []
    public var profile: [ProfileEntry] = []
    public var pipeline: PipelineResult?

    init(configuration c: BenchConfiguration) {
        quick = c.quick; repetitions = c.repetitions; duration_ms = c.durationMs; seed = c.seed
    }

    public func json() -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? String(decoding: e.encode(self), as: UTF8.self)) ?? "{}"
    }
}

/// Turns per-repetition samples into result rows (medians, paired overheads, spreads).
enum Aggregate {
    static func results(_ samples: [Workload: [Mode: [Sample]]], workloads: [Workload]) -> [ResultRow] {
        var rows: [ResultRow] = []
        for w in workloads {
            let byMode = samples[w] ?? [:]
            let base = byMode[.baseline] ?? []
            let floorOverheads = paired(byMode[.floor] ?? [], base)
            for mode in Mode.allCases {
                let s = byMode[mode] ?? []
                if mode == .auditd && s.isEmpty { continue }   // no --peer auditd
                let ns = s.map(\.nsPerOp)
                var row = ResultRow(workload: w, mode: mode, available: !s.isEmpty, repetitions: s.count)
                row.ns_per_op = Stats.median(ns)
                row.ns_per_op_min = ns.min()
                row.ns_per_op_max = ns.max()
                row.spread_pct = Stats.spreadPct(ns)
                let oh = paired(s, base)
                row.overhead_pct = mode == .baseline ? 0 : Stats.median(oh)
                if mode == .sensor || mode == .prevention || mode == .auditd, let a = row.overhead_pct, let f = Stats.median(floorOverheads) { row.over_floor_pp = a - f }
                if mode == .floor { row.over_floor_pp = 0 }
                if mode == .sensor || mode == .prevention {
                    row.events_per_s = Stats.median(s.map { Double($0.events) / $0.seconds })
                    row.drops = s.map(\.drops).reduce(0, +)
                    row.agent_cpu_pct = Stats.median(s.map { $0.agentCPU / $0.seconds * 100 })
                    row.agent_peak_rss_mib = s.map { Double($0.agentPeakRSS) / 1048576 }.max()
                    var h = LatencyHistogram()
                    for x in s { h.add(x.latency) }
                    row.latency_p50_us = h.percentile(50).map { Double($0) / 1000 }
                    row.latency_p99_us = h.percentile(99).map { Double($0) / 1000 }
                    row.sensor_bytes_per_op = Stats.median(s.map { Double($0.sensorBytes) / Double(max($0.ops, 1)) })
                } else if mode == .auditd {
                    row.agent_cpu_pct = Stats.median(s.map { $0.agentCPU / $0.seconds * 100 })
                    row.sensor_bytes_per_op = Stats.median(s.map { Double($0.sensorBytes) / Double(max($0.ops, 1)) })
                } else {
                    row.events_per_s = 0
                    row.drops = 0
                }
                rows.append(row)
            }
        }
        return rows
    }

    /// (x_i / baseline_i − 1) · 100 for repetitions present in both.
    static func paired(_ xs: [Sample], _ base: [Sample]) -> [Double] {
        zip(xs, base).map { ($0.nsPerOp / $1.nsPerOp - 1) * 100 }
    }
}
