import MamoriEvents
import MamoriProcess

/// Resolves the `by:` key of thresholds and sequences for one event.
///
/// Lineage is the root of the incident, chosen simply: walking from the acting process up
/// through its ancestors, the first process that is a session leader (pid == session id), or
/// the main process of a systemd service (has a unit, and its parent is pid 1 or belongs to
/// another unit). So every command typed in one SSH login, or everything spawned under one
/// service, shares a key. When the table knows no such process, the oldest known ancestor (or
/// the process itself) is used. Pure; any thread.
enum LineageKeys {
    static func key(_ by: GroupBy, _ input: EventInput) -> GroupKey {
        switch by {
        case .process: return .process(input.header.processKey)
        case .host: return .host
        case .user: return .user(input.euid ?? 0)
        case .session:
            if case .exec(let e) = input.event { return .session(e.sessionId) }
            return .session(input.process?.sessionId ?? 0)
        case .lineage: return .lineage(lineageRoot(input))
        }
    }

    static func lineageRoot(_ input: EventInput) -> ProcessKey {
        guard input.process != nil else { return input.ancestry.first?.key ?? input.header.processKey }
        let depth = lineageDepth(input)
        return depth == 0 ? input.process!.key : input.ancestry[depth - 1].key
    }

    /// How many ancestors (parent first) belong to the acting process's lineage, its root
    /// included: 0 when the process is its own root, `ancestry.count` when no root is known
    /// (the oldest known ancestor is the root). No process record: the parent alone.
    static func lineageDepth(_ input: EventInput) -> Int {
        let chain = input.ancestry
        guard let process = input.process else { return min(1, chain.count) }
        if isRoot(process, parentPid: chain.first?.pid, parentUnit: chain.first?.unit) { return 0 }
        for i in chain.indices {
            let last = i + 1 == chain.count
            if last || isRoot(chain[i], parentPid: chain[i + 1].pid, parentUnit: chain[i + 1].unit) { return i + 1 }
        }
        return 0
    }

    /// Session leader, or main process of a systemd service (has a unit; its parent is pid 1
    /// or belongs to another unit; an unknown parent counts when the recorded ppid is 1).
    static func isRoot(_ record: ProcessRecord, parentPid: UInt32?, parentUnit: String?) -> Bool {
        if record.sessionId != 0 && record.pid == record.sessionId { return true }
        guard let unit = record.unit, !unit.isEmpty else { return false }
        guard let parentPid else { return record.ppid == 1 }
        return parentPid == 1 || parentUnit != unit
    }
}
