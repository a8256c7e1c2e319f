import MamoriDetection
@testable import MamoriPrevention
import Testing
import MamoriText

@Suite struct PreventionLevelTests {
    @Test func parsesNumbersNamesAndAliases() {
        #expect(PreventionLevel(parsing: "4") == .lockdown)
        #expect(PreventionLevel(parsing: "lockdown") == .lockdown)
        #expect(PreventionLevel(parsing: "Known-Bad") == .knownBad)
        #expect(PreventionLevel(parsing: "max") == .lockdown)
        #expect(PreventionLevel(parsing: "monitor") == .monitor)
        #expect(PreventionLevel(parsing: "5") == nil)
        #expect(PreventionLevel(parsing: "-1") == nil)
        #expect(PreventionLevel(parsing: "loud") == nil)
        #expect(PreventionLevel.high.name == "high")
        #expect(PreventionLevel.clamped(9) == .lockdown)
    }

    func rule(_ level: RuleLevel, _ response: ResponseAction = .kill, act: Int? = nil,
              confidence: RuleConfidence = .medium) -> RuleMetadata {
        RuleMetadata(id: "r", title: "r", level: level, categories: [], response: response,
                     actAtLevel: act, confidence: confidence, source: "t.yml")
    }

    @Test func defaultLadderActingLevels() {
        let ladder = LevelLadder()
        #expect(ladder.actingLevel(of: rule(.critical)) == .critical)
        #expect(ladder.actingLevel(of: rule(.high)) == .high)
        #expect(ladder.actingLevel(of: rule(.medium)) == .lockdown)
        #expect(ladder.actingLevel(of: rule(.low)) == nil)
        #expect(ladder.actingLevel(of: rule(.critical, .none)) == nil)
        #expect(ladder.actingLevel(of: rule(.critical, .none, act: 1)) == nil)
        #expect(ladder.actingLevel(of: rule(.low, act: 1)) == .knownBad)
        // Low confidence needs one more rung; medium rules at low confidence never act.
        #expect(ladder.actingLevel(of: rule(.critical, confidence: .low)) == .high)
        #expect(ladder.actingLevel(of: rule(.medium, confidence: .low)) == nil)
        // actAtLevel is taken as written, whatever the confidence.
        #expect(ladder.actingLevel(of: rule(.medium, act: 2, confidence: .low)) == .critical)
    }

    @Test func describesEachLevel() {
        let ladder = LevelLadder()
        #expect(ladder.describe(.monitor).first == "alerts only: nothing is killed or blocked")
        #expect(ladder.describe(.critical).contains("rules of level critical act (their response: kill, kill-tree, freeze)"))
        let lockdown = ladder.describe(.lockdown)
        #expect(lockdown.contains("no exec from /tmp, /var/tmp, /dev/shm"))
        #expect(lockdown.contains("server daemons may not spawn shells"))
        #expect(lockdown.contains("rules of level critical, high, medium act (their response: kill, kill-tree, freeze)"))
    }

    @Test func durations() {
        #expect(DurationText.seconds("30m") == .success(1800))
        #expect(DurationText.seconds("1h30m") == .success(5400))
        #expect(DurationText.seconds("90", bareSeconds: true) == .success(90))
        #expect(DurationText.seconds("2d") == .success(172800))
        #expect(DurationText.seconds("0s") == .success(0))  // the policy parser refuses zero
        #expect(DurationText.seconds("10x") == .failure(.unknownUnit("x")))
        #expect(DurationText.seconds("m") == .failure(.numberMissing(before: "m")))
    }
}
