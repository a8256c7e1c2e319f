#if canImport(Glibc)
import Glibc
import MamoriText
#endif

/// The time arguments of the query commands (`--since 24h`, `--until 2026-11-27T03:00:00Z`)
/// and the UTC timestamps every renderer prints.
///
/// Exists so that parsing and formatting live in one tested place without Foundation: the
/// calendar arithmetic is Howard Hinnant's days-from-civil / civil-from-days (proleptic
/// Gregorian, UTC). Stateless; callable from any thread.
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

    /// Wall-clock nanoseconds of an RFC 3339 timestamp (`2026-11-27T03:00:00Z`,
    /// `2026-11-27T03:00:00.250+09:00`, `2026-11-27 03:00`) or a date (`2026-11-27`, midnight).
    /// Seconds and fraction are optional; a time without a zone is UTC.
    public static func parseTimestamp(_ text: String) throws(InvestigationError) -> Int64 {
        var p = Scanner(Array(text.trimmingSpaces.utf8))
        func bad(_ reason: String) -> InvestigationError { .invalidTime(text: text, reason: reason) }
        guard let year = p.number(4), p.take("-"), let month = p.number(2), p.take("-"), let day = p.number(2)
        else { throw bad("expected a date as YYYY-MM-DD") }
        guard (1...12).contains(month) else { throw bad("month \(month) is out of range") }
        guard (1...daysIn(month: month, year: year)).contains(day) else { throw bad("day \(day) is out of range") }
        var seconds = daysFromCivil(year: year, month: month, day: day) * 86_400
        var fraction: Int64 = 0
        if !p.atEnd {
            guard p.take("T") || p.take("t") || p.take(" ") else { throw bad("expected 'T' after the date") }
            guard let hour = p.number(2), p.take(":"), let minute = p.number(2) else {
                throw bad("expected a time as HH:MM[:SS]")
            }
            var sec: Int64 = 0
            if p.take(":") {
                guard let s = p.number(2) else { throw bad("expected seconds as SS") }
                sec = s
                if p.take(".") || p.take(",") {
                    var digits = 0
                    while let d = p.digit() {
                        if digits < 9 { fraction = fraction * 10 + d }
                        digits += 1
                    }
                    guard digits > 0 else { throw bad("expected digits after the decimal point") }
                    for _ in min(digits, 9)..<9 { fraction *= 10 }
                }
            }
            guard hour < 24, minute < 60, sec <= 60 else { throw bad("the time of day is out of range") }
            seconds += hour * 3_600 + minute * 60 + sec
            if p.take("Z") || p.take("z") || p.atEnd {
                // UTC
            } else if let sign = p.sign() {
                let zh = p.number(2)
                _ = p.take(":")
                guard let zh, let zm = p.number(2), zh < 24, zm < 60 else {
                    throw bad("expected a zone offset as +HH:MM")
                }
                seconds -= sign * (zh * 3_600 + zm * 60)
            } else {
                throw bad("expected 'Z' or a zone offset after the time")
            }
        }
        guard p.atEnd else { throw bad("unexpected text after the timestamp") }
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: second)
        guard !overflow else { throw bad("the year is out of range") }
        return ns + fraction
    }

    /// `2026-11-27T03:00:01.123Z` (UTC) with `fractionDigits` (0, 3, 6 or 9) digits after the seconds.
    public static func format(unixNs: Int64, fractionDigits: Int = 3) -> String {
        let secs = unixNs >= 0 ? unixNs / second : (unixNs - second + 1) / second
        let nanos = unixNs - secs * second
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let secondOfDay = secs - days * 86_400
        let (y, m, d) = civilFromDays(days)
        var out = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T"
        out += pad(secondOfDay / 3_600, 2) + ":" + pad(secondOfDay % 3_600 / 60, 2) + ":" + pad(secondOfDay % 60, 2)
        let digits = min(max(fractionDigits, 0), 9)
        if digits > 0 {
            var divisor: Int64 = 1
            for _ in digits..<9 { divisor *= 10 }
            out += "." + pad(nanos / divisor, digits)
        }
        return out + "Z"
    }

    /// CLOCK_REALTIME now, in nanoseconds since the Unix epoch.
    public static func nowUnixNs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * second + Int64(ts.tv_nsec)
    }

    // MARK: Calendar

    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// A cursor over ASCII bytes for the timestamp grammar.
    private struct Scanner {
        let bytes: [UInt8]
        var i = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        var atEnd: Bool { i == bytes.count }
        mutating func take(_ c: Unicode.Scalar) -> Bool {
            guard i < bytes.count, bytes[i] == UInt8(ascii: c) else { return false }
            i += 1; return true
        }
        mutating func digit() -> Int64? {
            guard i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 else { return nil }
            defer { i += 1 }
            return Int64(bytes[i] - 0x30)
        }
        /// Exactly `count` digits.
        mutating func number(_ count: Int) -> Int64? {
            let start = i
            var value: Int64 = 0
            for _ in 0..<count {
                guard let d = digit() else { i = start; return nil }
                value = value * 10 + d
            }
            return value
        }
        mutating func sign() -> Int64? {
            if take("+") { return 1 }
            if take("-") { return -1 }
            return nil
        }
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
