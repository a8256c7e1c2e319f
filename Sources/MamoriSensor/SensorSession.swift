import Glibc
import MamoriEvents
import MamoriPipeline

/// The running kernel sensor: loaded programs, attached hooks, the ring reader and the queue
/// it feeds.
///
/// Exists so that `mamori watch`, the agent and the integration tests bring the sensor up and
/// down the same way: mounts → load → attach → reader → (consume `queue`) → stop, which stops the
/// poller and detaches everything. Create and stop from one thread; `queue` is consumed by a
/// single worker thread.
public final class SensorSession {
    public let program: SensorProgram
    public let reader: RingReader
    public let queue: EventQueue<SensorEvent>

    /// - Parameters:
    ///   - cgroupRoot: the cgroup v2 mount point (from /proc/mounts), for the cgroup hooks.
    ///   - selfTgid: the process whose activity is never reported (the agent itself).
    public init(options: SensorOptions = SensorOptions(), queueCapacity: Int = 1 << 14,
                cgroupRoot: String?, selfTgid: UInt32 = UInt32(getpid())) throws(SensorError) {
        try SystemMounts.ensure()
        program = try SensorProgram(options: options, selfTgid: selfTgid)
        try program.attach(cgroupRoot: cgroupRoot)
        queue = EventQueue<SensorEvent>(capacity: queueCapacity)
        reader = try RingReader(program: program, queue: queue)
    }

    /// Start the poller thread.
    public func start() { reader.start() }

    /// Stop polling (after a last drain) and detach every hook. Idempotent.
    public func stop() {
        reader.stop()
        program.detach()
        queue.close()
    }

    deinit { stop() }

    /// Loss and throughput counters across the kernel, the reader and the queue.
    public var stats: SessionStats {
        SessionStats(kernelDrops: program.maps.dropCounts(), reader: reader.stats, queue: queue.stats)
    }
}

/// Counters of one sensor session: every record is either delivered or counted here.
public struct SessionStats: Sendable {
    /// Records the kernel could not write, by raw kind (index = `mamori_kind`).
    public var kernelDrops: [UInt64]
    public var reader: ReaderStats
    public var queue: QueueStats

    public var totalKernelDrops: UInt64 { kernelDrops.reduce(0, +) }
}
