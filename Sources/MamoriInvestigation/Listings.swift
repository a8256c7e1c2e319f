import MamoriEvents
import MamoriStore

/// Formats the rows of `mamori events`, `mamori alerts` and `mamori incidents`: an aligned,
/// terminal-safe table with a header, or one JSON object per line (`--json`, see `RowJSON`
/// for the field names).
///
/// Exists so that the listings and the story share column wording, escaping and time format.
/// Stateless; any thread.
public enum Listing {
    // MARK: Events

    /// TIME, ACTION, PID, PROCESS, DETAIL — one row per stored event, in the order given (a
    /// folded row shows its count after the action: `open-write ×12`).
    public static func eventTable(_ rows: [EventRow]) -> String {
        DisplayText.table(header: ["TIME", "ACTION", "PID", "PROCESS", "DETAIL"], rows: rows.map { e in
            [TimeExpression.format(unixNs: e.tsUnixNs), DisplayText.sanitize(e.action) + (e.count > 1 ? " ×\(e.count)" : ""), String(e.pid),
             DisplayText.clip(e.executable.map(DisplayText.baseName) ?? "?", 24), EventDescription.detail(e)]
        })
    }

    /// One JSON object per event, each followed by a newline.
    public static func eventJSONLines(_ rows: [EventRow]) -> String {
        lines(rows.map(RowJSON.event))
    }

    /// The JSON object of one event, without a newline.
    public static func eventJSON(_ row: EventRow) -> String { RowJSON.event(row).text }

    // MARK: Alerts

    /// LAST SEEN, SEVERITY, RISK, COUNT, RULE, NAME, ALERT (the UUID `mamori story` takes).
    public static func alertTable(_ rows: [AlertRow]) -> String {
        DisplayText.table(header: ["LAST SEEN", "SEVERITY", "RISK", "COUNT", "RULE", "NAME", "ALERT"], rows: rows.map { a in
            [TimeExpression.format(unixNs: a.lastSeen, fractionDigits: 0), DisplayText.sanitize(a.severity),
             String(a.riskScore), String(a.count), DisplayText.clip(a.ruleId, 40), DisplayText.clip(a.ruleName, 50),
             DisplayText.sanitize(a.alertUUID)]
        })
    }

    /// One JSON object per alert, each followed by a newline.
    public static func alertJSONLines(_ rows: [AlertRow]) -> String {
        lines(rows.map(RowJSON.alert))
    }

    // MARK: Incidents

    /// LAST SEEN, STATUS, RISK, ALERTS, TITLE, INCIDENT (the UUID `mamori story` takes).
    public static func incidentTable(_ rows: [IncidentRow]) -> String {
        DisplayText.table(header: ["LAST SEEN", "STATUS", "RISK", "ALERTS", "TITLE", "INCIDENT"], rows: rows.map { i in
            [TimeExpression.format(unixNs: i.lastSeen, fractionDigits: 0), DisplayText.sanitize(i.status),
             String(i.riskScore), String(i.alertCount), DisplayText.clip(i.title, 60),
             DisplayText.sanitize(i.incidentUUID)]
        })
    }

    /// One JSON object per incident, each followed by a newline.
    public static func incidentJSONLines(_ rows: [IncidentRow]) -> String {
        lines(rows.map(RowJSON.incident))
    }

    private static func lines(_ values: [JSONValue]) -> String {
        var out = ""
        for value in values {
            value.write(to: &out)
            out += "\n"
        }
        return out
    }
}

/// Parsers for the query options shared by the listing commands. Stateless; any thread.
public enum QueryArguments {
    /// A comma-separated `--kind` list: exec, fork, exit, process (the three), connect
    /// (network, net), file, gap.
    public static func kinds(_ text: String) throws(InvestigationError) -> [EventKind] {
        var out = [EventKind]()
        func add(_ k: EventKind) { if !out.contains(k) { out.append(k) } }
        for raw in text.split(separator: ",") {
            switch String(raw).trimmingSpaces.lowercased() {
            case "exec": add(.exec)
            case "fork": add(.fork)
            case "exit": add(.exit)
            case "process": add(.exec); add(.fork); add(.exit)
            case "connect", "network", "net": add(.network)
            case "file": add(.file)
            case "gap": add(.gap)
            case "dns": add(.dns)
            case "tamper": add(.tamper)
            case "action", "prevention": add(.action)
            default: throw .invalidKind(String(raw))
            }
        }
        if out.isEmpty { throw .invalidKind(text) }
        return out
    }

    /// A `--path` value: `/etc/passwd` (exact), `/etc/*` (prefix), `*ssh*` (contains).
    public static func path(_ text: String) throws(InvestigationError) -> PathMatch {
        guard !text.isEmpty else { throw .invalidArgument("--path is empty") }
        let starts = text.hasPrefix("*"), ends = text.hasSuffix("*")
        let core = String(text.dropFirst(starts ? 1 : 0).dropLast(ends && text.count > 1 ? 1 : 0))
        guard !core.contains("*") else {
            throw .invalidArgument("--path '\(text)': only a leading and/or trailing * is supported (/etc/*, *ssh*)")
        }
        guard !core.isEmpty else { throw .invalidArgument("--path '\(text)' matches everything: leave it out") }
        if starts { return .contains(core) }
        return ends ? .prefix(core) : .exact(core)
    }

    /// A `--min-severity` word, checked against the Sigma levels.
    public static func severity(_ text: String) throws(InvestigationError) -> String {
        let word = text.trimmingSpaces.lowercased()
        let levels = AlertFilter.severityOrder
        if levels.contains(word) { return word }
        if word == "info" { return "informational" }
        throw .invalidArgument("unknown severity '\(text)': use \(levels.joined(separator: ", "))")
    }
}
