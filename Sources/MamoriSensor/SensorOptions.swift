/// How the kernel side is sized and tuned: ring sizes, wakeup batching, which families emit.
///
/// A value type handed to `SensorProgram.load`; later updates go through `SensorMaps`.
public struct SensorOptions: Sendable, Equatable {
    /// Bytes of the priority lane (exec/fork/exit/network). Power of two, multiple of the page size.
    public var priorityRingBytes: UInt32 = 4 << 20
    /// Bytes of the bulk lane (file records).
    public var bulkRingBytes: UInt32 = 4 << 20
    /// Wake the reader once this many bytes are pending in a lane...
    public var wakeBytes: (priority: UInt64, bulk: UInt64) = (64 << 10, 256 << 10)
    /// ...or when the lane's last wakeup is older than this (bounds kernel-to-user latency).
    public var wakeDelayNs: (priority: UInt64, bulk: UInt64) = (1_000_000, 2_000_000)
    /// Report a UDP flow (pid, destination) again after this long.
    public var udpFlowTTLNs: UInt64 = 60_000_000_000
    public var fileEvents = true
    public var networkEvents = true
    /// Report failed rename/unlink/chmod/chown/truncate calls too.
    public var reportFailedFileOps = false
    /// Echo libbpf's log to stderr while loading.
    public var verboseLibbpf = false
    /// Use BPF LSM for prevention where the kernel allows it (false forces the SIGKILL-at-exec
    /// fallback, e.g. to test it on an LSM kernel).
    public var allowLSM = true
    /// Where the prevention pins live (`PreventionPins.defaultDirectory()`, `<bpffs>/mamori`);
    /// nil = never look at pins (tests, `mamori watch`).
    public var pinDirectory: String?
    /// `agent.fail_mode: closed`: pin the prevention links and policy maps in `pinDirectory` so
    /// that enforcement outlives the agent, and take over the pins found there at start. When
    /// false (fail-open, the default) pins found in `pinDirectory` are removed after attach.
    public var failClosed = false

    public init() {}

    public static func == (a: SensorOptions, b: SensorOptions) -> Bool {
        a.priorityRingBytes == b.priorityRingBytes && a.bulkRingBytes == b.bulkRingBytes
            && a.wakeBytes == b.wakeBytes && a.wakeDelayNs == b.wakeDelayNs
            && a.udpFlowTTLNs == b.udpFlowTTLNs && a.fileEvents == b.fileEvents
            && a.networkEvents == b.networkEvents && a.reportFailedFileOps == b.reportFailedFileOps
            && a.verboseLibbpf == b.verboseLibbpf && a.allowLSM == b.allowLSM
            && a.pinDirectory == b.pinDirectory && a.failClosed == b.failClosed
    }
}
