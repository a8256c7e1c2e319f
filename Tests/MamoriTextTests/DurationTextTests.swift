import MamoriText
import Testing

/// The one duration grammar: what it accepts, what it refuses and why, and that no input
/// (attacker-sized numbers included) can trap.
@Suite struct DurationTextTests {
    static let s: Int64 = 1_000_000_000

    @Test(arguments: [("500ms", 500_000_000), ("30s", 30 * s), ("5m", 300 * s), ("2h", 7_200 * s),
                      ("1d", 86_400 * s), ("1w", 604_800 * s), ("1h30m", 5_400 * s), (" 90s ", 90 * s),
                      ("1m500ms", 60 * s + 500_000_000), ("0s", 0)])
    func accepted(_ text: String, _ ns: Int64) {
        #expect(DurationText.nanoseconds(text) == .success(ns))
    }

    @Test func bareNumbersAreSecondsOnlyWhereAllowed() {
        #expect(DurationText.nanoseconds("60", bareSeconds: true) == .success(60 * Self.s))
        #expect(DurationText.nanoseconds("60") == .failure(.unitMissing(digits: "60")))
        #expect(DurationText.nanoseconds("1h30", bareSeconds: true) == .failure(.unitMissing(digits: "30")))
    }

    @Test func refusedWithTheReason() {
        #expect(DurationText.nanoseconds("") == .failure(.empty))
        #expect(DurationText.nanoseconds("   ") == .failure(.empty))
        #expect(DurationText.nanoseconds("5y") == .failure(.unknownUnit("y")))
        #expect(DurationText.nanoseconds("5H") == .failure(.unknownUnit("H")))
        #expect(DurationText.nanoseconds("h") == .failure(.numberMissing(before: "h")))
        #expect(DurationText.nanoseconds("1.5h") == .failure(.unknownUnit(".")))
        #expect(DurationText.nanoseconds("-5m") == .failure(.unknownUnit("-")))
        #expect(DurationText.nanoseconds("99999999999999999999s") == .failure(.tooLong))
        #expect(DurationText.nanoseconds("9999999999999w") == .failure(.tooLong))
        #expect(DurationText.nanoseconds("9223372036s9223372036s") == .failure(.tooLong))
        #expect(DurationText.nanoseconds("99999999999999999", bareSeconds: true) == .failure(.tooLong))
    }

    @Test func secondsRoundUp() {
        #expect(DurationText.seconds("500ms") == .success(1))
        #expect(DurationText.seconds("2m") == .success(120))
    }

    @Test func formatIsTheShortestExactText() {
        #expect(DurationText.format(milliseconds: 0) == "0s")
        #expect(DurationText.format(milliseconds: 500) == "500ms")
        #expect(DurationText.format(milliseconds: 90_000) == "90s")
        #expect(DurationText.format(milliseconds: 300_000) == "5m")
        #expect(DurationText.format(milliseconds: 30 * 86_400_000) == "30d")
    }

    @Test func everyInputTerminatesWithoutTrapping() {
        let alphabet = Array("0123456789smhdw .-x")
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let text = String((0..<Int.random(in: 0...24, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            _ = DurationText.nanoseconds(text)
            _ = DurationText.nanoseconds(text, bareSeconds: true)
        }
    }
}
