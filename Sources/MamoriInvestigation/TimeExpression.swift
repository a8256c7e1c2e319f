#if canImport(Glibc)
import Glibc
import MamoriText
#endif

/// The time arguments of the query commands (`--since 24h`, `--until 2026-11-27T03:00:00Z`)
/// and the UTC timestamps every renderer prints.
///
/// Exists to give the query commands one entry point that accepts either a duration back from
/// now (MamoriText's `DurationText`) or a timestamp (MamoriText's `RFC3339`) and reports either
/// failure as an `InvestigationError`. Stateless; callable from any thread.
public enum TimeExpression {
    private static let second: Int64 = 1_000_000_000

    /// Wall-clock nanoseconds for `text`: a duration back from `nowUnixNs` (`30m`, `24h`,
    /// `7d`, `1h30m`) or an absolute timestamp (see `parseTimestamp(_:)`).
    public static func parse(_ text: String, nowUnixNs: Int64) throws(InvestigationError) -> Int64 {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { throw .invalidTime(text: text, reason: "it is empty") }
        if trimmed.lowercased() == "now" { return nowUnixNs }
        if trimmed.contains("-") || trimmed.contains(":") { return try parseTimestamp(trimmed) }
        let span = try parseDuration(trimmed)
        return nowUnixNs.subtractingReportingOverflow(span).overflow ? Int64.min : nowUnixNs - span
    }

    /// Nanoseconds of a duration: one or more `<digits><unit>` parts, units `s`, `m`, `h`,
    /// `d`, `w` (`90s`, `30m`, `24h`, `7d`, `2w`, `1h30m`).
    public static func parseDuration(_ text: String) throws(InvestigationError) -> Int64 {
        switch DurationText.nanoseconds(text) {
        case .success(let ns): return ns
        case .failure(let f): throw .invalidTime(text: text, reason: f.description)
        }
    }

    /// Wall-clock nanoseconds of an RFC 3339 timestamp or a date (MamoriText's `RFC3339.parse`).
    public static func parseTimestamp(_ text: String) throws(InvestigationError) -> Int64 {
        switch RFC3339.parse(text) {
        case .success(let ns): return ns
        case .failure(let f): throw .invalidTime(text: text, reason: f.reason)
        }
    }

    /// `2026-11-27T03:00:01.123Z` (UTC) with `fractionDigits` (0...9) digits after the seconds.
    public static func format(unixNs: Int64, fractionDigits: Int = 3) -> String {
        RFC3339.string(unixNanoseconds: unixNs, fractionDigits: fractionDigits)
    }

    /// CLOCK_REALTIME now, in nanoseconds since the Unix epoch.
    public static func nowUnixNs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * second + Int64(ts.tv_nsec)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = self[...]
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
