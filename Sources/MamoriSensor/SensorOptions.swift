import MamoriPipeline

/// How the kernel side is sized and tuned: ring sizes, wakeup batching, which families emit.
///
/// A value type handed to `SensorProgram.load`; later updates go through `SensorMaps`.
public struct SensorOptions: Sendable, Equatable {
    /// Bytes of the priority lane (exec/fork/exit/network). Power of two, multiple of the page size.
    /// libbpf maps a ring's data twice, so a lane that has been written through once costs
    /// twice its size in agent RSS: 2 MiB lanes are 8 MiB of RSS (4 MiB lanes were 16 MiB).
    /// 2 MiB holds ~20 ms of a 100 k events/s storm; the reader drains every ≤ 2 ms.
    public var priorityRingBytes: UInt32 = 2 << 20
    /// Bytes of the bulk lane (file records).
    public var bulkRingBytes: UInt32 = 2 << 20
    /// Wake the reader once this many bytes are pending in a lane...
    public var wakeBytes: (priority: UInt64, bulk: UInt64) = (64 << 10, 256 << 10)
    /// ...or when the lane's last wakeup is older than this. A forced wakeup costs the emitting
    /// program ~10 µs here (it was half of `mamori_exec`), and the reader drains every lane on
    /// its own poll timeout anyway (`RingReader`, 2 ms), which is what bounds the latency of a
    /// record that did not wake it; so this is only a backstop for a reader with a long timeout.
    public var wakeDelayNs: (priority: UInt64, bulk: UInt64) = (20_000_000, 20_000_000)
    /// Report a UDP flow (pid, destination) again after this long.
    public var udpFlowTTLNs: UInt64 = 60_000_000_000
    public var fileEvents = true
    public var networkEvents = true
    /// Report failed rename/unlink/chmod/chown/truncate calls too.
    public var reportFailedFileOps = false
    /// Fold identical file events (same process, op, inode) within a second in the kernel,
    /// counted in `FileEvent.count` (abi.h "In-kernel folding"). The agent turns it on; off
    /// here so that raw sensor users see every record.
    public var foldFileRepeats = false
    /// Report opens of another process's /proc/<pid> entries and sysctl writes (activity
    /// records, bpf/lib/procfs.h). Turns on the read-open path even without watches.
    public var procfsActivity = true
    /// Echo libbpf's log to stderr while loading.
    public var verboseLibbpf = false
    /// Use BPF LSM for prevention where the kernel allows it (false forces the SIGKILL-at-exec
    /// fallback, e.g. to test it on an LSM kernel).
    public var allowLSM = true
    /// Use the fexit tier for opens where the kernel allows it (`FileOpenTier`; false forces
    /// the syscall tracepoints, e.g. to compare both tiers on a kernel that has fexit).
    public var allowFentry = true
    /// Where the prevention pins live (`PreventionPins.defaultDirectory()`, `<bpffs>/mamori`);
    /// nil = never look at pins (tests, `mamori watch`).
    public var pinDirectory: String?
    /// `agent.fail_mode: closed`: pin the prevention links and policy maps in `pinDirectory` so
    /// that enforcement outlives the agent, and take over the pins found there at start. When
    /// false (fail-open, the default) pins found in `pinDirectory` are removed after attach.
    public var failClosed = false
    /// Per-uid event budgets for the reader's queue admission (`FairAdmission`): a non-root
    /// user sending more than this is queued only while the queue is under half full, and is
    /// reported by uid.
    public var uidBudget = UidBudget.Limits()
    /// Per-uid budget of file records in the kernel (bpf/lib/budget.h): a non-root uid beyond
    /// it has its file records counted instead of written into the bulk lane, so a flooder
    /// cannot fill the ring everyone's file events share. Far above `uidBudget` (which orders
    /// the queue): this one only bounds what a flooder costs the kernel and the reader.
    /// `eventsPerSecond` 0 turns it off.
    public var kernelFileBudget: (eventsPerSecond: UInt64, burst: UInt64) = (20_000, 60_000)

    public init() {}

    public static func == (a: SensorOptions, b: SensorOptions) -> Bool {
        a.priorityRingBytes == b.priorityRingBytes && a.bulkRingBytes == b.bulkRingBytes
            && a.wakeBytes == b.wakeBytes && a.wakeDelayNs == b.wakeDelayNs
            && a.udpFlowTTLNs == b.udpFlowTTLNs && a.fileEvents == b.fileEvents
            && a.networkEvents == b.networkEvents && a.reportFailedFileOps == b.reportFailedFileOps
            && a.foldFileRepeats == b.foldFileRepeats && a.procfsActivity == b.procfsActivity
            && a.verboseLibbpf == b.verboseLibbpf && a.allowLSM == b.allowLSM && a.allowFentry == b.allowFentry
            && a.pinDirectory == b.pinDirectory && a.failClosed == b.failClosed
            && a.uidBudget == b.uidBudget && a.kernelFileBudget == b.kernelFileBudget
    }
}
