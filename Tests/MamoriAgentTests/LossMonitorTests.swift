import Foundation
@testable import MamoriAgent
import Testing

/// Lost events become a `mamori.loss` alert: at once, then at most once per interval.
@Suite struct LossMonitorTests {
    @Test func noLossNoAlert() {
        var m = LossMonitor(interval: 60)
        let none = m.check(.init(), at: 1)
        #expect(none == nil)
    }

    @Test func firstLossAlertsAtOnceWithTheDeltaThenRateLimits() throws {
        var m = LossMonitor(interval: 60)
        let firstCheck = m.check(.init(kernel: 5, queue: 2), at: 10)
        let first = try #require(firstCheck)
        #expect(first.fields.ruleId == "mamori.loss" && first.fields.severityWord == "high")
        #expect(first.detail["kernel_drops"] == 5 && first.detail["queue_drops"] == 2)
        #expect(first.fields.ruleName.contains("kernel_drops 5"))
        // More loss 30 s later: held back; 61 s after the first: one alert with everything since.
        let held = m.check(.init(kernel: 9, queue: 2), at: 40)
        #expect(held == nil)
        let secondCheck = m.check(.init(kernel: 9, queue: 2, diskFull: 1), at: 71)
        let second = try #require(secondCheck)
        #expect(second.detail["kernel_drops"] == 4 && second.detail["queue_drops"] == 0 && second.detail["disk_full_episodes"] == 1)
        // Nothing new: silence.
        let quiet = m.check(.init(kernel: 9, queue: 2, diskFull: 1), at: 200)
        #expect(quiet == nil)
    }

    @Test func theLineIsValidECS() throws {
        var m = LossMonitor()
        let check = m.check(.init(storeUnstored: 3), at: 1)
        let a = try #require(check)
        let line = try #require(LossMonitor.ecsLine(a.fields, detail: a.detail, hostName: "h", unixNs: 1_700_000_000_000_000_000))
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(line.dropLast())) as? [String: Any])
        #expect((doc["event"] as? [String: Any])?["kind"] as? String == "alert")
        #expect((doc["rule"] as? [String: Any])?["id"] as? String == "mamori.loss")
        #expect(((doc["mamori"] as? [String: Any])?["loss"] as? [String: Any])?["store_unstored"] as? Int == 3)
    }
}
