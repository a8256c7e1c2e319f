import MamoriEvents

/// The `--kind/--pid/--comm` filter of `mamori watch`, parsed once and applied per event.
struct EventFilter: Sendable {
    var kinds: Set<EventKind>?
    var pids: Set<UInt32>?
    var comms: Set<String>?

    /// Parses a comma-separated kind list; accepts exec, fork, exit, connect/network/net, file, gap, action.
    static func parseKinds(_ text: String) throws(EventFilterError) -> Set<EventKind> {
        var out = Set<EventKind>()
        for raw in text.split(separator: ",") {
            let word = raw.trimmingCharacters(in: " ").lowercased()
            switch word {
            case "exec": out.insert(.exec)
            case "fork": out.insert(.fork)
            case "exit": out.insert(.exit)
            case "connect", "network", "net": out.insert(.network)
            case "file": out.insert(.file)
            case "gap": out.insert(.gap)
            case "action", "prevention": out.insert(.action)
            case "tamper": out.insert(.tamper)
            case "activity": out.insert(.activity)
            case "dns": out.insert(.dns)
            case "process": out.formUnion([.exec, .fork, .exit])
            default: throw .unknownKind(String(raw))
            }
        }
        if out.isEmpty { throw .unknownKind(text) }
        return out
    }

    @inline(__always)
    func matches(_ event: SensorEvent) -> Bool {
        if case .gap = event { return true } // losses are always shown
        if let kinds, !kinds.contains(event.kind) { return false }
        if let pids, !pids.contains(event.header.tgid) { return false }
        if let comms, let s = event.subject, !comms.contains(s.comm) { return false }
        return true
    }
}

/// A `--kind` value that names no event kind.
enum EventFilterError: Error, CustomStringConvertible {
    case unknownKind(String)
    var description: String {
        switch self {
        case .unknownKind(let k):
            return "unknown event kind '\(k)': use exec, fork, exit, process, connect, dns, file, action, tamper, activity or gap"
        }
    }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        var s = self[...]
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
