import MamoriEvents
import MamoriPipeline

/// Decides, per decoded event, how deep the pipeline queue may be for the event to still be
/// queued: the fairness policy between the users of the host.
///
/// Exists because the queue is the narrowest point of the sensor (the worker is slower than
/// the kernel and the reader): an unprivileged user flooding cheap events must not be able to
/// push out another user's events, and above all not the sensitive ones. The policy:
/// - **sensitive** events (reads and writes of watched files such as /etc/shadow, tamper and
///   prevention records, gap records, activity toward other processes, execs that change the
///   effective uid) may use the whole queue while their uid's critical budget lasts;
/// - root's events and a user's events within its budget may fill three quarters;
/// - a non-root user over its budget is queued only while the queue is under half full, and
///   what it sent beyond budget (and what was refused) is reported per uid (`UidBudget.Report`),
///   so the flood is an alert naming the user.
/// Root is never budgeted: root can stop the agent anyway, and a root build must not be shed.
///
/// Poller thread only (owned by `RingReader`). No allocation per event.
struct FairAdmission {
    var budget: UidBudget

    init(limits: UidBudget.Limits) { budget = UidBudget(limits: limits) }

    /// Whether `event` belongs to a class that may use the reserved headroom.
    static func isSensitive(_ event: SensorEvent) -> Bool {
        switch event {
        case .gap, .action, .tamper, .activity: return true
        case .file(let f): return f.flags.contains(.watched)
        case .exec(let e): return e.subject.euid != e.subject.uid
        case .fork, .exit, .network, .dns: return false
        }
    }

    /// The tier of `event`; charges its uid's budget.
    mutating func tier(_ event: SensorEvent) -> AdmissionTier {
        let sensitive = Self.isSensitive(event)
        guard let subject = event.subject else { return .critical } // gap records
        if subject.uid == 0 { return sensitive ? .critical : .normal }
        switch budget.spend(uid: subject.uid, nowNs: event.header.ktimeNs, sensitive: sensitive) {
        case .critical: return .critical
        case .within: return .normal
        case .over: return .overBudget
        }
    }

    /// Queues `event` at its tier; false (and the refusal counted for its uid) when the queue
    /// is too deep for it. The ring reader's only way into the queue.
    mutating func offer(_ event: SensorEvent, to queue: EventQueue<SensorEvent>) -> Bool {
        let limit = tier(event).depthLimit(capacity: queue.capacity)
        if queue.tryPush(event, depthLimit: limit) { return true }
        refused(event)
        return false
    }

    /// The queue refused the event `tier` judged last (for the per-uid report; root's and gap
    /// refusals are only in the reader's drop count).
    mutating func refused(_ event: SensorEvent) {
        guard let subject = event.subject, subject.uid != 0 else { return }
        budget.refused()
    }
}
