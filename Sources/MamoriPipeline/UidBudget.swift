/// Per-uid event budgets: a token bucket per user, in a fixed table that never allocates after
/// `init`.
///
/// Exists because the pipeline is shared by every user of the host: without a budget, one
/// unprivileged user generating cheap events (creates, execs of /bin/true) as fast as the CPU
/// allows fills the queue and everyone's events — a root read of /etc/shadow included — are
/// dropped with the flood. The reader asks `spend` for each event; a user over budget gets a
/// lower admission tier (`AdmissionTier`), and what the budget saw of them is reported
/// (`takeReport`) so the flood names itself in an alert.
///
/// Two buckets per uid: `general` for every event, `critical` for the few event classes the
/// reader treats as sensitive (so a user cannot claim the reserved headroom by reading a
/// watched file in a loop). Time is the caller's (the records' kernel timestamps), so a sweep
/// costs no clock reads.
///
/// Single thread (the ring reader's poller). Cost: a hash of the uid and at most `probe`
/// compares per event.
public struct UidBudget {
    /// Rates and bursts of the two buckets.
    public struct Limits: Sendable, Equatable {
        /// Sustained events per second per uid before it is over budget.
        public var eventsPerSecond: UInt64
        /// Events a quiet uid may send at once.
        public var burst: UInt64
        /// Sustained sensitive events per second per uid that keep the critical tier.
        public var criticalPerSecond: UInt64
        public var criticalBurst: UInt64

        public init(eventsPerSecond: UInt64 = 4_000, burst: UInt64 = 16_000,
                    criticalPerSecond: UInt64 = 200, criticalBurst: UInt64 = 1_000) {
            self.eventsPerSecond = max(1, eventsPerSecond); self.burst = max(1, burst)
            self.criticalPerSecond = max(1, criticalPerSecond); self.criticalBurst = max(1, criticalBurst)
        }
    }

    /// What the budget saw of one uid since the previous report.
    public struct Report: Sendable, Equatable {
        public var uid: UInt32
        /// Events beyond the uid's budget (queued at the lowest tier, or refused).
        public var overBudget: UInt64
        /// Of those, events the queue refused (lost for detection).
        public var refused: UInt64
        /// Sensitive events beyond the critical budget (treated as ordinary events).
        public var criticalDemoted: UInt64
        /// Kernel timestamp of the first over-budget event in the report's window.
        public var firstOverNs: UInt64
        public var lastOverNs: UInt64
        /// File records the kernel's own per-uid budget counted instead of emitting them
        /// (filled by the ring reader from the kernel map; never decoded, never queued).
        public var kernelSuppressed: UInt64

        public init(uid: UInt32, overBudget: UInt64, refused: UInt64, criticalDemoted: UInt64,
                    firstOverNs: UInt64, lastOverNs: UInt64, kernelSuppressed: UInt64 = 0) {
            self.uid = uid; self.overBudget = overBudget; self.refused = refused
            self.criticalDemoted = criticalDemoted; self.firstOverNs = firstOverNs; self.lastOverNs = lastOverNs
            self.kernelSuppressed = kernelSuppressed
        }
    }

    /// The budget's answer for one event.
    public enum Verdict: Sendable, Equatable {
        /// Sensitive and within the critical budget: may use the reserved headroom.
        case critical
        /// Within the uid's general budget.
        case within
        /// Over budget: lowest tier.
        case over
    }

    /// The uid every event shares when the table is full of active users.
    public static let overflowUid: UInt32 = .max

    struct Slot {
        var uid: UInt32 = 0
        var used = false
        /// Credit in nanoseconds of sending time (one event costs `nsPerEvent`).
        var credit: UInt64 = 0
        var criticalCredit: UInt64 = 0
        var lastNs: UInt64 = 0
        var overBudget: UInt64 = 0
        var refused: UInt64 = 0
        var criticalDemoted: UInt64 = 0
        var firstOverNs: UInt64 = 0
        var lastOverNs: UInt64 = 0
    }

    public let limits: Limits
    private var slots: [Slot]
    private let mask: Int
    private let probe = 8
    private let nsPerEvent: UInt64
    private let capNs: UInt64
    private let nsPerCritical: UInt64
    private let criticalCapNs: UInt64
    /// Index of the slot `spend` used last (for `refused()`).
    private var lastSlot = 0
    /// A slot idle this long may be reused by another uid.
    private static let idleNs: UInt64 = 10_000_000_000

    /// - Parameter tableSize: tracked uids (rounded up to a power of two; one slot is the
    ///   shared overflow bucket).
    public init(limits: Limits = Limits(), tableSize: Int = 256) {
        self.limits = limits
        var n = 16
        while n < tableSize { n <<= 1 }
        slots = Array(repeating: Slot(), count: n + 1) // the last one is the overflow slot
        mask = n - 1
        nsPerEvent = max(1, 1_000_000_000 / limits.eventsPerSecond)
        capNs = nsPerEvent &* limits.burst
        nsPerCritical = max(1, 1_000_000_000 / limits.criticalPerSecond)
        criticalCapNs = nsPerCritical &* limits.criticalBurst
        slots[n].uid = Self.overflowUid
        slots[n].used = true
        slots[n].credit = capNs
        slots[n].criticalCredit = criticalCapNs
    }

    /// Charges one event of `uid` at kernel time `nowNs`. `sensitive`: the event belongs to a
    /// class that may use the reserved headroom while the uid's critical budget lasts.
    public mutating func spend(uid: UInt32, nowNs: UInt64, sensitive: Bool) -> Verdict {
        let i = slotIndex(uid: uid, nowNs: nowNs)
        lastSlot = i
        var s = slots[i]
        if nowNs > s.lastNs {
            let elapsed = nowNs &- s.lastNs
            s.credit = min(capNs, s.credit &+ elapsed)
            s.criticalCredit = min(criticalCapNs, s.criticalCredit &+ elapsed)
            s.lastNs = nowNs
        }
        var verdict = Verdict.over
        if sensitive && s.criticalCredit >= nsPerCritical {
            s.criticalCredit &-= nsPerCritical
            verdict = .critical
        } else {
            if sensitive { s.criticalDemoted &+= 1 }
            if s.credit >= nsPerEvent {
                s.credit &-= nsPerEvent
                verdict = .within
            }
        }
        if verdict == .over {
            if s.overBudget == 0 { s.firstOverNs = nowNs }
            s.overBudget &+= 1
            s.lastOverNs = nowNs
        }
        slots[i] = s
        return verdict
    }

    /// The queue refused the event `spend` judged last.
    public mutating func refused() {
        slots[lastSlot].refused &+= 1
    }

    /// Appends the uids that went over a budget since the previous call and resets their
    /// counts. Allocates only when `out` grows.
    public mutating func takeReport(into out: inout [Report]) {
        for i in slots.indices where slots[i].used && (slots[i].overBudget > 0 || slots[i].criticalDemoted > 0) {
            let s = slots[i]
            out.append(Report(uid: s.uid, overBudget: s.overBudget, refused: s.refused, criticalDemoted: s.criticalDemoted,
                              firstOverNs: s.firstOverNs, lastOverNs: s.lastOverNs))
            slots[i].overBudget = 0
            slots[i].refused = 0
            slots[i].criticalDemoted = 0
        }
    }

    /// The slot of `uid`: found, claimed (free or idle), or the shared overflow slot.
    private mutating func slotIndex(uid: UInt32, nowNs: UInt64) -> Int {
        // Fibonacci hashing spreads consecutive uids (1000, 1001, ...) over the table.
        let h = Int(truncatingIfNeeded: (UInt64(uid) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        var free = -1
        for k in 0..<probe {
            let i = (h &+ k) & mask
            let s = slots[i]
            if s.used {
                if s.uid == uid { return i }
                if free < 0 && nowNs > s.lastNs &+ Self.idleNs && s.overBudget == 0 { free = i }
            } else if free < 0 {
                free = i
            }
        }
        guard free >= 0 else { return slots.count - 1 }
        slots[free] = Slot(uid: uid, used: true, credit: capNs, criticalCredit: criticalCapNs, lastNs: nowNs)
        return free
    }
}

/// The depth below which the reader may still queue an event, by how much the event matters.
///
/// Exists so a flood cannot take the last slots of the queue: an over-budget user's events are
/// refused once the queue is half full, ordinary events at three quarters, and the last quarter
/// is reserved for sensitive events (watched files, tamper, prevention actions, privilege
/// changes). One FIFO with tiers keeps kernel order (a sequence rule needs chmod before exec),
/// which a second queue drained first would not.
public enum AdmissionTier: Sendable {
    case critical, normal, overBudget

    /// Depth limit for this tier in a queue of `capacity` slots.
    @inlinable
    public func depthLimit(capacity: Int) -> Int {
        switch self {
        case .critical: return capacity
        case .normal: return capacity - capacity / 4
        case .overBudget: return capacity / 2
        }
    }
}
