import Glibc
import MamoriAgent
import MamoriEvents
import MamoriSensor

/// The "sensor" mode's agent, run in a child process (`mamori-bench --agent-child DIR`) so
/// that its CPU time and peak RSS can be read from /proc/<pid> apart from the benchmark's own.
///
/// It is the real agent: `Agent.start()` (rules from the rules directory, alert log and SQLite
/// store in DIR, sensor attached, /proc seeded), then the same worker loop as `Agent.run` —
/// queue → `DetectionPipeline.process` — with one addition: after each decision it records
/// now(CLOCK_BOOTTIME) − the record's kernel timestamp in the shared histogram (no allocation).
/// On stop it hands over to `Agent.run` with an immediate stop, which drains the queue, stops
/// the sensor (detaching every hook) and flushes the store. Runs on the calling thread.
public enum AgentChild {
    public static func run(directory: String, rulesDirectory: String, prevention: Bool = false,
                           shouldStop: () -> Bool, log: @escaping (String) -> Void) -> Int32 {
        let counters: SharedCounters
        do { counters = try SharedCounters(path: directory + "/counters", create: false) } catch {
            log("\(error)"); return 1
        }
        var config = AgentConfiguration(rulesDirectory: rulesDirectory, alertsPath: directory + "/alerts.json",
                                        databasePath: directory + "/mamori.db")
        config.preventionEnabled = prevention
        config.storeEvents = true
        // `MAMORI_BENCH_BASELINE=off`: the same agent without per-unit profiling, to price the
        // baseline engine (docs/benchmarks.md) by comparing agent CPU per event across two runs.
        if getenv("MAMORI_BENCH_BASELINE").map({ String(cString: $0) }) == "off" { config.baseline.enabled = false }
        if prevention {
            // The "prevention" mode: the same agent with a policy loaded and enforced at level 1
            // (host-wide, state kept in DIR): deny entries the workloads never hit, so the cost
            // measured is that of being checked, not of being killed.
            do {
                config.levelStatePath = directory + "/state.json"
                config.prevention = try BenchPolicy.policy(directory: directory)
            } catch {
                log("prevention policy: \(error)")
                counters[.failed] = 1
                return 1
            }
        }
        let agent = Agent(configuration: config, log: log)
        do { try agent.start() } catch {
            log("agent start failed: \(error)")
            counters[.failed] = 1
            return 1
        }
        if prevention {
            do {
                _ = try agent.prevention?.change {
                    $0.setHostLevel(.knownBad, by: .agent, reason: "bench prevention mode", now: 0)
                }
            } catch {
                log("prevention level: \(error)")
                counters[.failed] = 1
                return 1
            }
        }
        guard let session = agent.session, let pipeline = agent.pipeline else { return 1 }
        counters[.ready] = 1
        var batch: [SensorEvent] = []
        batch.reserveCapacity(1024)
        var lastStats: UInt64 = 0
        while !shouldStop() {
            _ = session.queue.waitForElements(timeout: .milliseconds(50))
            batch.removeAll(keepingCapacity: true)
            if session.queue.popBatch(into: &batch, max: 1024) > 0 {
                for e in batch {
                    pipeline.process(e)
                    let now = boottimeNs()
                    let k = e.header.ktimeNs
                    counters.recordLatency(now > k ? now - k : 0)
                }
            }
            counters[.events] = pipeline.eventsProcessed
            counters[.alerts] = pipeline.alertsRaised
            counters[.storeDrops] = pipeline.storeDrops
            let now = boottimeNs()
            if now - lastStats > 100_000_000 {   // map reads are syscalls: 10 per second is plenty
                lastStats = now
                let s = session.stats
                counters[.queueDrops] = s.reader.queueDrops
                counters[.kernelDrops] = s.totalKernelDrops
                counters[.decodeErrors] = s.reader.decodeErrors
            }
        }
        let s = session.stats
        counters[.queueDrops] = s.reader.queueDrops
        counters[.kernelDrops] = s.totalKernelDrops
        agent.run(externalStop: { true })   // drain, detach, flush the store
        return 0
    }

    @inline(__always)
    static func boottimeNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_BOOTTIME, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}
