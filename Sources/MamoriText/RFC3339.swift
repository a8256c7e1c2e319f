/// The one RFC 3339 implementation: UTC timestamps written by every exporter, renderer and CLI
/// listing (`2026-11-27T03:00:00.123456Z`) and the timestamps an operator types
/// (`--until 2026-11-27T03:00:00Z`, `2026-11-27T03:00:00.250+09:00`, `2026-11-27 03:00`,
/// `2026-11-27`).
///
/// Exists because three date implementations (a hand formatter for exports, `gmtime_r` in the
/// syslog writer, Foundation's `ISO8601DateFormatter` in the CLI) and a separate parser gave
/// three spellings of one instant. Written by hand so the export path appends digits straight
/// to its buffer without `Date`, a formatter or a `String`. Proleptic Gregorian calendar via
/// Howard Hinnant's days-from-civil / civil-from-days. Stateless; any thread.
public enum RFC3339 {
    private static let second: Int64 = 1_000_000_000

    /// Why a text is not a timestamp (the caller adds the option or key name).
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public init(reason: String) { self.reason = reason }
        public var description: String { reason }
    }

    // MARK: Formatting

    /// Appends the export form of `unixNanoseconds`: six fraction digits (truncated, never
    /// rounded up). Instants before the epoch are clamped to 1970-01-01T00:00:00Z: exported
    /// events never carry them, and a clamped value cannot be mistaken for a valid one.
    public static func append(unixNanoseconds: Int64, to bytes: inout [UInt8]) {
        append(unixNanoseconds: Swift.max(0, unixNanoseconds), fractionDigits: 6, to: &bytes)
    }

    /// Appends `unixNanoseconds` (any sign) with `fractionDigits` (0...9) digits after the seconds.
    public static func append(unixNanoseconds: Int64, fractionDigits: Int, to bytes: inout [UInt8]) {
        let parts = Parts(unixNanoseconds: unixNanoseconds)
        appendDecimal(parts.year, minimumDigits: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDecimal(parts.month, minimumDigits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDecimal(parts.day, minimumDigits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendClock(parts, fractionDigits: fractionDigits, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// The export form as a `String` (clamped at the epoch, six fraction digits).
    public static func string(unixNanoseconds: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        append(unixNanoseconds: unixNanoseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `unixNanoseconds` (any sign) with `fractionDigits` (0...9) fraction digits, e.g. the
    /// CLI's `2026-11-27T03:00:01Z` (0) or a report's `...01.123Z` (3).
    public static func string(unixNanoseconds: Int64, fractionDigits: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(30)
        append(unixNanoseconds: unixNanoseconds, fractionDigits: fractionDigits, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends "HH:MM:SS.ffffff" (UTC), the prefix of a text-format event line (clamped at the epoch).
    public static func appendTimeOfDay(unixNanoseconds: Int64, to bytes: inout [UInt8]) {
        appendClock(Parts(unixNanoseconds: Swift.max(0, unixNanoseconds)), fractionDigits: 6, to: &bytes)
    }

    private static func appendClock(_ parts: Parts, fractionDigits: Int, to bytes: inout [UInt8]) {
        appendDecimal(parts.hour, minimumDigits: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDecimal(parts.minute, minimumDigits: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDecimal(parts.second, minimumDigits: 2, to: &bytes)
        let digits = Swift.min(Swift.max(fractionDigits, 0), 9)
        guard digits > 0 else { return }
        var divisor: Int64 = 1
        for _ in digits..<9 { divisor *= 10 }
        bytes.append(UInt8(ascii: "."))
        appendDecimal(parts.nanosecond / divisor, minimumDigits: digits, to: &bytes)
    }

    /// Appends the decimal digits of `value` (≥ 0), zero-padded to `minimumDigits`.
    static func appendDecimal(_ value: Int64, minimumDigits: Int, to bytes: inout [UInt8]) {
        var digits = 1
        var scan = value
        while scan >= 10 { scan /= 10; digits += 1 }
        let width = Swift.max(digits, minimumDigits)
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        var rest = value
        var index = start + width - 1
        while rest > 0 {
            bytes[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
            index -= 1
        }
    }

    /// Calendar fields of one instant, UTC.
    struct Parts: Equatable {
        var year: Int64, month: Int64, day: Int64
        var hour: Int64, minute: Int64, second: Int64, nanosecond: Int64

        init(unixNanoseconds ns: Int64) {
            let secs = ns >= 0 ? ns / RFC3339.second : (ns - RFC3339.second + 1) / RFC3339.second
            nanosecond = ns - secs * RFC3339.second
            let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
            let secondOfDay = secs - days * 86_400
            hour = secondOfDay / 3_600
            minute = secondOfDay % 3_600 / 60
            second = secondOfDay % 60
            (year, month, day) = RFC3339.civilFromDays(days)
        }
    }

    // MARK: Parsing

    /// Wall-clock nanoseconds of an RFC 3339 timestamp (`2026-11-27T03:00:00Z`,
    /// `2026-11-27T03:00:00.250+09:00`), the space-separated form (`2026-11-27 03:00`) or a
    /// date (`2026-11-27`, midnight UTC). Seconds and fraction are optional; a time without a
    /// zone is UTC. Spaces around the text are ignored.
    public static func parse(_ text: String) -> Result<Int64, Failure> {
        var p = Cursor(Array(text.utf8))
        p.skipSpaces()
        func bad(_ reason: String) -> Result<Int64, Failure> { .failure(Failure(reason: reason)) }
        guard let year = p.number(4), p.take("-"), let month = p.number(2), p.take("-"), let day = p.number(2)
        else { return bad("expected a date as YYYY-MM-DD") }
        guard (1...12).contains(month) else { return bad("month \(month) is out of range") }
        guard (1...daysIn(month: month, year: year)).contains(day) else { return bad("day \(day) is out of range") }
        var seconds = daysFromCivil(year: year, month: month, day: day) * 86_400
        var fraction: Int64 = 0
        if !p.atEndIgnoringSpaces {
            guard p.take("T") || p.take("t") || p.take(" ") else { return bad("expected 'T' after the date") }
            guard let hour = p.number(2), p.take(":"), let minute = p.number(2) else {
                return bad("expected a time as HH:MM[:SS]")
            }
            var sec: Int64 = 0
            if p.take(":") {
                guard let s = p.number(2) else { return bad("expected seconds as SS") }
                sec = s
                if p.take(".") || p.take(",") {
                    var digits = 0
                    while let d = p.digit() {
                        if digits < 9 { fraction = fraction * 10 + d }
                        digits += 1
                    }
                    guard digits > 0 else { return bad("expected digits after the decimal point") }
                    for _ in Swift.min(digits, 9)..<9 { fraction *= 10 }
                }
            }
            guard hour < 24, minute < 60, sec <= 60 else { return bad("the time of day is out of range") }
            seconds += hour * 3_600 + minute * 60 + sec
            if p.take("Z") || p.take("z") || p.atEndIgnoringSpaces {
                // UTC
            } else if let sign = p.sign() {
                let zh = p.number(2)
                _ = p.take(":")
                guard let zh, let zm = p.number(2), zh < 24, zm < 60 else {
                    return bad("expected a zone offset as +HH:MM")
                }
                seconds -= sign * (zh * 3_600 + zm * 60)
            } else {
                return bad("expected 'Z' or a zone offset after the time")
            }
        }
        guard p.atEndIgnoringSpaces else { return bad("unexpected text after the timestamp") }
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: second)
        guard !overflow else { return bad("the year is out of range") }
        return .success(ns + fraction)
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

    /// A cursor over ASCII bytes for the timestamp grammar.
    private struct Cursor {
        let bytes: [UInt8]
        var i = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        var atEndIgnoringSpaces: Bool { bytes[i...].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D } }
        mutating func skipSpaces() { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 } }
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
