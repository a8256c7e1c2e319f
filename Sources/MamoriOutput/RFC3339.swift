/// RFC 3339 UTC timestamps with microseconds ("2024-05-06T07:08:09.123456Z"), formatted by hand.
///
/// Exists so every exported line gets its `@timestamp` without `DateFormatter`, `Date` or a
/// `String` allocation: the digits are appended straight to the output buffer. Proleptic
/// Gregorian calendar via Howard Hinnant's days-to-civil algorithm. Instants before the epoch
/// are clamped to 1970-01-01T00:00:00Z (the sensor never produces them).
///
/// Stateless; callable from any thread.
public enum RFC3339 {
    /// Appends the timestamp for `unixNanoseconds` (truncated to microseconds).
    public static func append(unixNanoseconds: Int64, to bytes: inout [UInt8]) {
        let parts = Parts(unixNanoseconds: unixNanoseconds)
        JSONWriter.appendDecimal(UInt64(parts.year), minimumDigits: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        JSONWriter.appendDecimal(UInt64(parts.month), minimumDigits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        JSONWriter.appendDecimal(UInt64(parts.day), minimumDigits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendTimeOfDay(parts, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// The timestamp as a `String` (for tests and the occasional non-hot caller).
    public static func string(unixNanoseconds: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        append(unixNanoseconds: unixNanoseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends "HH:MM:SS.ffffff" (UTC), the prefix of a `TextFormatter` line.
    static func appendTimeOfDay(unixNanoseconds: Int64, to bytes: inout [UInt8]) {
        appendTimeOfDay(Parts(unixNanoseconds: unixNanoseconds), to: &bytes)
    }

    private static func appendTimeOfDay(_ parts: Parts, to bytes: inout [UInt8]) {
        JSONWriter.appendDecimal(UInt64(parts.hour), minimumDigits: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        JSONWriter.appendDecimal(UInt64(parts.minute), minimumDigits: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        JSONWriter.appendDecimal(UInt64(parts.second), minimumDigits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        JSONWriter.appendDecimal(UInt64(parts.microsecond), minimumDigits: 6, to: &bytes)
    }

    /// Calendar fields of one instant, UTC.
    struct Parts: Equatable {
        var year: Int64, month: Int64, day: Int64
        var hour: Int64, minute: Int64, second: Int64, microsecond: Int64

        init(unixNanoseconds: Int64) {
            let nanos = Swift.max(0, unixNanoseconds)
            let seconds = nanos / 1_000_000_000
            microsecond = (nanos % 1_000_000_000) / 1_000
            let days = seconds / 86_400
            let secondOfDay = seconds % 86_400
            hour = secondOfDay / 3_600
            minute = secondOfDay % 3_600 / 60
            second = secondOfDay % 60

            // civil_from_days (http://howardhinnant.github.io/date_algorithms.html), days >= 0.
            let z = days + 719_468
            let era = z / 146_097
            let dayOfEra = z - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let shiftedMonth = (5 * dayOfYear + 2) / 153
            day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
            month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
            year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        }
    }
}
