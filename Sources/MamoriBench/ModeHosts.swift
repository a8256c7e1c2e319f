import Foundation
import Glibc
import MamoriProcess
import MamoriSensor

/// The running agent child of the "sensor" mode, seen from the benchmark driver.
///
/// Start spawns `<self> bench --agent-child DIR --rules R` and waits until the sensor is
/// attached; `stop()` (also from `deinit`) sends SIGTERM and waits, which detaches every hook
/// in the child. Driver thread only.
final class AgentHost {
    let process: Process
    let counters: SharedCounters
    let probe: ProcessProbe
    let directory: String

    init(executable: String, rulesDirectory: String, directory: String, prevention: Bool = false) throws(BenchError) {
        self.directory = directory
        counters = try SharedCounters(path: directory + "/counters", create: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = ["bench", "--agent-child", directory, "--rules", rulesDirectory] + (prevention ? ["--agent-child-prevention"] : [])
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        if let log = FileHandle(forWritingAtPath: directory + "/agent.log") ?? {
            FileManager.default.createFile(atPath: directory + "/agent.log", contents: nil)
            return FileHandle(forWritingAtPath: directory + "/agent.log")
        }() { p.standardError = log }
        do { try p.run() } catch { throw .setup("cannot start the agent child: \(error)") }
        process = p
        probe = ProcessProbe(pid: p.processIdentifier)
        let deadline = Date().addingTimeInterval(60)
        while counters[.ready] == 0 {
            if counters[.failed] != 0 || !p.isRunning || Date() > deadline {
                let log = (try? String(contentsOfFile: directory + "/agent.log", encoding: .utf8)) ?? ""
                if p.isRunning { p.terminate(); p.waitUntilExit() }
                throw .setup("the agent child did not come up:\n\(log.suffix(2000))")
            }
            usleep(20_000)
        }
    }

    /// Wait until the child has decided every event it was sent (its counter stops moving).
    func settle(maxSeconds: Double = 5) {
        let deadline = Date().addingTimeInterval(maxSeconds)
        var last = counters[.events]
        var stableSince = Date()
        while Date() < deadline {
            usleep(20_000)
            let now = counters[.events]
            if now != last { last = now; stableSince = Date() }
            else if Date().timeIntervalSince(stableSince) > 0.15 { break }
        }
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Bytes of the store (database and WAL) and the alert log in the child's directory.
    func bytesWritten() -> UInt64 {
        ["/mamori.db", "/mamori.db-wal", "/alerts.json"].reduce(0) { sum, name in
            var st = stat()
            return sum + (stat(directory + name, &st) == 0 ? UInt64(st.st_size) : 0)
        }
    }

    deinit { stop() }
}

/// Brings a mode up and down around a set of workload runs: nothing (baseline), the floor
/// programs (in this process), the agent child (sensor), or a peer sensor (auditd).
enum ModeHost {
    case baseline
    case floor(FloorProgram)
    case sensor(AgentHost)
    case peer(AuditdPeer)

    static func start(_ mode: Mode, executable: String, rulesDirectory: String, scratch: String) throws(BenchError) -> ModeHost {
        switch mode {
        case .baseline:
            return .baseline
        case .auditd:
            return .peer(try AuditdPeer())
        case .prevention:
            let dir = scratch + "/agent-\(UInt32.random(in: 0...UInt32.max))"
            mkdir(dir, 0o700)
            return .sensor(try AgentHost(executable: executable, rulesDirectory: rulesDirectory, directory: dir,
                                         prevention: true))
        case .floor:
            do {
                try SystemMounts.ensure()
                let f = try FloorProgram()
                try f.attach(cgroupRoot: CgroupResolver.discover().mountPoint)
                return .floor(f)
            } catch {
                throw .setup("floor programs: \(error)")
            }
        case .sensor:
            let dir = scratch + "/agent-\(UInt32.random(in: 0...UInt32.max))"
            mkdir(dir, 0o700)
            return .sensor(try AgentHost(executable: executable, rulesDirectory: rulesDirectory, directory: dir))
        }
    }

    func stop() {
        switch self {
        case .baseline: break
        case .floor(let f): f.detach()
        case .peer(let p): p.stop()
        case .sensor(let a): a.stop(); try? FileManager.default.removeItem(atPath: a.directory)
        }
    }
}
