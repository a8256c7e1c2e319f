import MamoriText
import Testing

/// The one RFC 3339 implementation: the forms it writes, the forms it reads, and the precise
/// reason for text it refuses.
@Suite struct RFC3339Tests {
    static let s: Int64 = 1_000_000_000

    @Test func writesTheExportAndCLIForms() {
        let t = 1_795_748_400 * Self.s + 123_456_789  // 2026-11-27T03:00:00.123456789Z
        #expect(RFC3339.string(unixNanoseconds: t) == "2026-11-27T03:00:00.123456Z")
        #expect(RFC3339.string(unixNanoseconds: t, fractionDigits: 0) == "2026-11-27T03:00:00Z")
        #expect(RFC3339.string(unixNanoseconds: t, fractionDigits: 3) == "2026-11-27T03:00:00.123Z")
        #expect(RFC3339.string(unixNanoseconds: t, fractionDigits: 9) == "2026-11-27T03:00:00.123456789Z")
        #expect(RFC3339.string(unixNanoseconds: -1, fractionDigits: 9) == "1969-12-31T23:59:59.999999999Z")
        #expect(RFC3339.string(unixNanoseconds: -1) == "1970-01-01T00:00:00.000000Z")  // export form clamps
    }

    @Test(arguments: [
        ("2026-11-27T03:00:00Z", Int64(1_795_748_400) * s), ("2026-11-27t03:00:00z", 1_795_748_400 * s),
        ("2026-11-27", 1_795_737_600 * s), ("2026-11-27 03:00", 1_795_748_400 * s),
        ("2026-11-27T03:00:00.250+09:00", (1_795_748_400 - 9 * 3_600) * s + 250_000_000),
        ("2026-11-27T03:00:00,5-01:30", (1_795_748_400 + 5_400) * s + 500_000_000),
        ("2024-02-29T00:00:00Z", 1_709_164_800 * s), (" 2026-11-27T03:00:00Z ", 1_795_748_400 * s),
    ])
    func reads(_ text: String, _ ns: Int64) {
        #expect(RFC3339.parse(text) == .success(ns))
    }

    @Test func roundTrips() {
        for t in [Int64(0), 951_782_400 * Self.s, 4_107_542_400 * Self.s + 1_000, -86_400 * Self.s] {
            #expect(RFC3339.parse(RFC3339.string(unixNanoseconds: t, fractionDigits: 9)) == .success(t))
        }
    }

    @Test(arguments: [
        ("", "expected a date as YYYY-MM-DD"), ("27/11/2026", "expected a date as YYYY-MM-DD"),
        ("2026-13-01", "month 13 is out of range"), ("2025-02-29", "day 29 is out of range"),
        ("2026-11-27X03:00", "expected 'T' after the date"), ("2026-11-27T3:00", "expected a time as HH:MM[:SS]"),
        ("2026-11-27T03:00:0", "expected seconds as SS"), ("2026-11-27T03:00:00.Z", "expected digits after the decimal point"),
        ("2026-11-27T24:00", "the time of day is out of range"), ("2026-11-27T03:00+9", "expected a zone offset as +HH:MM"),
        ("2026-11-27T03:00Q", "expected 'Z' or a zone offset after the time"),
        ("2026-11-27T03:00Z trailing", "unexpected text after the timestamp"),
    ])
    func refusedWithTheReason(_ text: String, _ reason: String) {
        #expect(RFC3339.parse(text) == .failure(RFC3339.Failure(reason: reason)))
    }
}
