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
        guard let process = input.process else { return input.ancestry.first?.key ?? input.header.processKey }
        if isRoot(process, parent: input.ancestry.first) { return process.key }
        for i in input.ancestry.indices {
            let parent: ProcessRecord? = i + 1 < input.ancestry.count ? input.ancestry[i + 1] : nil
            if isRoot(input.ancestry[i], parent: parent) || parent == nil { return input.ancestry[i].key }
        }
        return process.key
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
