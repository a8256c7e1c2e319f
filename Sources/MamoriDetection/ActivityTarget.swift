import MamoriEvents
import MamoriProcess

/// The process an activity event is aimed at, as the process table knows it.
///
/// Exists so that `activity` rules can judge the target (`TargetImage`) and the relation
/// (`TargetIsDescendant`: a debugger attaching to the program it started is normal, attaching
/// to someone else's process is injection) without the engine reaching into the table.
/// Built by the pipeline per activity event that names a target; a value, any thread.
public struct ActivityTarget: Sendable {
    public var record: ProcessRecord?
    /// nil when the target is unknown to the table.
    public var isDescendant: Bool?

    public init(record: ProcessRecord?, isDescendant: Bool?) {
        self.record = record
        self.isDescendant = isDescendant
    }

    /// Looks the target of `event` up in `table`; nil for events without a target process.
    /// The descendant walk is bounded (32 generations).
    public static func resolve(_ event: ActivityEvent, actor: ProcessKey, in table: ProcessTable) -> ActivityTarget? {
        guard let pid = event.targetProcess else { return nil }
        guard let record = table.lookup(pid: pid) else { return ActivityTarget(record: nil, isDescendant: nil) }
        var key = record.parentKey
        var descendant = false
        for _ in 0..<32 {
            guard let k = key else { break }
            if k == actor { descendant = true; break }
            key = table.record(for: k)?.parentKey
        }
        return ActivityTarget(record: record, isDescendant: descendant)
    }
}
