import Foundation

/// The workloads of the overhead benchmark, each a loop of real system calls run by the C
/// helper `mamori-workload` (bench/workload.c) in its own process.
public enum Workload: String, CaseIterable, Sendable, Codable {
    case exec, connect, udp, file, read, mixed
}

/// The modes each workload runs under: nothing attached, the empty floor programs, the agent,
/// the agent with a prevention policy enforced at level 1 (`BenchPolicy`), and auditd with
/// equivalent rules (`--peer auditd`, `AuditdPeer`).
public enum Mode: String, CaseIterable, Sendable, Codable {
    case baseline, floor, sensor, prevention, auditd
}

/// One run of the helper: operations done and the time they took.
public struct WorkloadRun: Sendable {
    public var ops: UInt64
    public var elapsedNs: UInt64
    public var nsPerOp: Double { ops == 0 ? 0 : Double(elapsedNs) / Double(ops) }
}

/// Spawns `mamori-workload` and parses its one line of output.
public struct WorkloadRunner: Sendable {
    public var binary: String
    public var trueBinary: String
    public var directory: String

    public func run(_ kind: String, durationMs: Int? = nil, count: Int? = nil, rate: Int? = nil,
                    procs: Int? = nil) throws(BenchError) -> WorkloadRun {
        var args = [kind, "--true", trueBinary, "--dir", directory]
        if let durationMs { args += ["--duration-ms", String(durationMs)] }
        if let count { args += ["--count", String(count)] }
        if let rate { args += ["--rate", String(rate)] }
        if let procs { args += ["--procs", String(procs)] }
        let out = try Subprocess.output(binary, args)
        var ops: UInt64?, ns: UInt64?
        for field in out.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let kv = field.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { continue }
            if kv[0] == "ops" { ops = UInt64(kv[1]) }
            if kv[0] == "elapsed_ns" { ns = UInt64(kv[1]) }
        }
        guard let ops, let ns else { throw .setup("\(binary) \(kind): unexpected output \(out)") }
        return WorkloadRun(ops: ops, elapsedNs: ns)
    }
}

/// Running other programs and reading what they print.
enum Subprocess {
    static func output(_ path: String, _ args: [String]) throws(BenchError) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        do { try p.run() } catch { throw .setup("cannot run \(path): \(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw .setup("\(path) \(args.joined(separator: " ")) exited \(p.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }
}
