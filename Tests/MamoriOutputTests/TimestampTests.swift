import Foundation
import MamoriText
import Testing
@testable import MamoriOutput

/// `@timestamp` and `process.start`: boot time → wall clock → RFC 3339 by hand.
@Suite struct TimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000000Z"),
        (1_700_000_000_123_456_789, "2023-11-14T22:13:20.123456Z"),
        (951_782_400_000_000_000, "2000-02-29T00:00:00.000000Z"),      // leap day, year % 400
        (951_868_800_000_001_000, "2000-03-01T00:00:00.000001Z"),
        (1_709_251_199_999_999_999, "2024-02-29T23:59:59.999999Z"),   // truncates, never rounds up
        (4_107_542_400_000_000_000, "2100-03-01T00:00:00.000000Z"),   // 2100 is not a leap year
        (1_735_689_599_500_000_000, "2024-12-31T23:59:59.500000Z"),
        (-5, "1970-01-01T00:00:00.000000Z"),                          // clamped
    ])
    func formatsKnownInstants(unixNanoseconds: Int64, expected: String) {
        #expect(RFC3339.string(unixNanoseconds: unixNanoseconds) == expected)
    }

    @Test func agreesWithFoundationOverManyInstants() {
        var generator = SplitMix64(seed: 42)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        for _ in 0..<2_000 {
            let seconds = Int64(generator.next() % 7_258_118_400)  // 1970 ... 2200
            let text = RFC3339.string(unixNanoseconds: seconds * 1_000_000_000 + 654_321_000)
            let reference = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(text == reference.dropLast() + ".654321Z")
        }
    }

    @Test func clockOffsetConvertsBootTime() {
        let clock = ClockOffset(realtimeMinusBoottimeNs: 1_699_995_000_000_000_000)
        #expect(clock.unixNanoseconds(boottimeNs: 5_000_123_456_789) == 1_700_000_000_123_456_789)
        #expect(clock.unixNanoseconds(boottimeNs: 0) == 1_699_995_000_000_000_000)
    }

    @Test func measuredOffsetMatchesTheClocks() {
        let offset = ClockOffset.measure()
        let boot = ClockOffset.now(CLOCK_BOOTTIME)
        let real = ClockOffset.now(CLOCK_REALTIME)
        let converted = offset.unixNanoseconds(boottimeNs: UInt64(boot))
        // Generous bound: the two readings above are taken a few microseconds apart.
        #expect(abs(converted - real) < 50_000_000)
        #expect(boot > 0 && real > 1_600_000_000_000_000_000)
    }

    @Test func timeOfDayPrefix() {
        var bytes: [UInt8] = []
        RFC3339.appendTimeOfDay(unixNanoseconds: 1_700_000_000_123_456_789, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "22:13:20.123456")
    }

    @Test func octalAndDecimalWriters() {
        var writer = JSONWriter(bytes: [])
        writer.beginObject()
        writer.octalString("a", 0)
        writer.octalString("b", 0o644)
        writer.number("c", Int64.min)
        writer.number("d", UInt64.max)
        writer.decimalString("e", 0)
        writer.bool("f", false)
        writer.endObject()
        #expect(String(decoding: writer.bytes, as: UTF8.self)
                == #"{"a":"0","b":"0644","c":-9223372036854775808,"d":18446744073709551615,"e":"0","f":false}"#)
    }
}
