import MamoriStore

/// One profile as `mamori baseline status` lists it. Codable for `--json`. Any thread.
public struct ProfileStatus: Codable, Sendable, Equatable {
    public var unit: String
    public var state: String
    public var sinceUnixNs: Int64
    public var ageSeconds: Int64
    /// Seconds since the last new behaviour was learned.
    public var quietSeconds: Int64
    public var eventsSeen: Int64
    public var items: Int64
    public var deviations: Int64
    public var fullCategories: [String]
    public var overflow: Int64
    public var updatedUnixNs: Int64

    public init(_ r: BaselineProfileRow, nowUnixNs: Int64) {
        unit = r.profile; state = r.state; sinceUnixNs = r.sinceUnixNs
        ageSeconds = max(0, (nowUnixNs - r.sinceUnixNs) / 1_000_000_000)
        quietSeconds = max(0, (nowUnixNs - r.lastNewUnixNs) / 1_000_000_000)
        eventsSeen = r.eventsSeen; items = r.items; deviations = r.deviations
        fullCategories = r.fullCategories.split(separator: ",").map(String.init)
        overflow = r.overflow; updatedUnixNs = r.updatedUnixNs
    }
}

/// One learned entry as `mamori baseline show` lists it. Any thread.
public struct ProfileEntry: Codable, Sendable, Equatable {
    public var category: String
    public var value: String
    public var detail: String?
    public var firstSeenUnixNs: Int64
}

/// `mamori baseline show --json`: the header and every learned entry. Any thread.
public struct ProfileDetail: Codable, Sendable, Equatable {
    public var status: ProfileStatus
    public var entries: [ProfileEntry]
}

/// Text and values of the `mamori baseline` listings, built from stored rows so the CLI
/// answers with or without a running agent. Stateless; any thread.
public enum BaselineReport {
    public static func statusTable(_ rows: [ProfileStatus]) -> String {
        var lines = [pad(["UNIT", "STATE", "AGE", "QUIET", "EVENTS", "ITEMS", "DEVIATIONS", "FULL"])]
        for r in rows {
            lines.append(pad([r.unit, r.state, span(r.ageSeconds), span(r.quietSeconds), String(r.eventsSeen),
                              String(r.items), String(r.deviations),
                              r.fullCategories.isEmpty ? "-" : r.fullCategories.joined(separator: ",") + " (+\(r.overflow) refused)"]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func detail(_ header: BaselineProfileRow, items: [BaselineItemRow], nowUnixNs: Int64) -> ProfileDetail {
        ProfileDetail(status: ProfileStatus(header, nowUnixNs: nowUnixNs),
                      entries: items.map { ProfileEntry(category: $0.category, value: display($0), detail: $0.detail,
                                                        firstSeenUnixNs: $0.firstSeen) })
    }

    public static func detailText(_ d: ProfileDetail) -> String {
        let s = d.status
        var out = "\(s.unit): \(s.state), learning since \(span(s.ageSeconds)) ago, quiet for \(span(s.quietSeconds)), "
            + "\(s.eventsSeen) events, \(s.items) entries, \(s.deviations) deviations\n"
        if !s.fullCategories.isEmpty {
            out += "FULL: \(s.fullCategories.joined(separator: ", ")) — \(s.overflow) new entries refused (they alert once stable)\n"
        }
        for c in ProfileCategory.allCases {
            let entries = d.entries.filter { $0.category == c.rawValue }
            guard !entries.isEmpty else { continue }
            out += "\(heading(c)) (\(entries.count)):\n"
            for e in entries {
                out += "  \(e.value)" + (c == .executable ? (e.detail.map { "  [dev:inode \($0)]" } ?? "  [identity unknown]") : "") + "\n"
            }
        }
        return out
    }

    /// What an item means to a person (the stored key is canonical, not always readable).
    static func display(_ i: BaselineItemRow) -> String {
        switch ProfileCategory(rawValue: i.category) {
        case .edge?: return ExecEdge(key: i.key).map { "\($0.parent.isEmpty ? "?" : $0.parent) → \($0.child)" } ?? i.key
        case .argv?: return i.detail ?? i.key
        default: return i.key
        }
    }

    static func heading(_ c: ProfileCategory) -> String {
        switch c {
        case .executable: return "executables"
        case .edge: return "exec edges (parent → child)"
        case .argv: return "argv shapes"
        case .destination: return "outbound destinations (transport network port)"
        case .listen: return "listening ports"
        case .file: return "file patterns written"
        case .user: return "users (uid)"
        }
    }

    static func pad(_ cols: [String]) -> String {
        let widths = [28, 9, 8, 8, 9, 7, 11, 0]
        return zip(cols, widths).map { c, w in c.count >= w ? c + " " : c + String(repeating: " ", count: w - c.count) }
            .joined().trimmingTrailingSpaces()
    }

    static func span(_ seconds: Int64) -> String {
        if seconds <= 0 { return "0s" }
        var left = seconds
        var parts: [String] = []
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60), ("s", 1)] where left >= size {
            parts.append("\(left / size)\(unit)")
            left %= size
            if parts.count == 2 { break }
        }
        return parts.joined()
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
