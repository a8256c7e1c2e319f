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
    static func key(_ by: GroupBy, header: EventHeader, subject: Subject?, exec: ExecEvent?,
                    process: ProcessRecord?, ancestry: [ProcessRecord]) -> GroupKey {
        switch by {
        case .process: return .process(header.processKey)
        case .host: return .host
        case .user: return .user(subject?.euid ?? 0)
        case .session: return .session(exec?.sessionId ?? process?.sessionId ?? 0)
        case .lineage: return .lineage(lineageRoot(header: header, process: process, ancestry: ancestry))
        }
    }

    static func lineageRoot(header: EventHeader, process: ProcessRecord?, ancestry: [ProcessRecord]) -> ProcessKey {
        guard let process else { return ancestry.first?.key ?? header.processKey }
        var current = process
        var index = 0
        while true {
            let parent: ProcessRecord? = index < ancestry.count ? ancestry[index] : nil
            if isRoot(current, parent: parent) { return current.key }
            guard let parent else { return current.key }
            current = parent
            index += 1
        }
    }

    static func isRoot(_ record: ProcessRecord, parent: ProcessRecord?) -> Bool {
        if record.sessionId != 0 && record.pid == record.sessionId { return true }
        if let unit = record.unit, !unit.isEmpty {
            guard let parent else { return record.ppid == 1 }
            return parent.pid == 1 || parent.unit != unit
        }
        return false
    }
}
