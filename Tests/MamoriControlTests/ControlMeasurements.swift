import MamoriSystem
import Foundation
import Testing
@testable import MamoriControl

/// Measures (prints, never asserts on time) the cost of a control round trip and of alert
/// fan-out; the assertions are on behaviour only. Numbers go to docs/control.md.
/// Run: swift test --skip-build --filter ControlMeasurements
@Suite(.serialized) struct ControlMeasurements {
    @Test func roundTripLatency() throws {
        try withServer { (_, path) throws in
            let client = ControlClient(socketPath: path, timeout: 10)
            var samples: [Double] = []
            samples.reserveCapacity(2_000)
            for _ in 0..<2_000 {
                let start = MonotonicClock.seconds()
                guard case .level = try client.call(.levelGet) else { Issue.record("wrong reply"); return }
                samples.append(MonotonicClock.seconds() - start)
            }
            samples.sort()
            let connectStart = MonotonicClock.seconds()
            for _ in 0..<200 { _ = try ControlClient(socketPath: path, timeout: 10).call(.status) }
            let perConnection = (MonotonicClock.seconds() - connectStart) / 200
            print(String(format: "control round trip (level.get, persistent connection, n=2000): p50 %.0f µs, p99 %.0f µs; new connection + status: %.0f µs",
                         samples[1_000] * 1e6, samples[1_980] * 1e6, perConnection * 1e6))
            #expect(samples.count == 2_000)
        }
    }

    @Test func alertFanOut() throws {
        try withServer { (server, path) throws in
            let followers = 4, alerts = 5_000
            let counts = (0..<followers).map { _ in Counter() }
            let done = DispatchGroup()
            for i in 0..<followers {
                done.enter()
                Thread {
                    var accounted = 0   // delivered + reported missed
                    try? ControlClient(socketPath: path, timeout: 10).followAlerts { n in
                        counts[i].add()
                        accounted += 1 + (n.missedBefore ?? 0)
                        return accounted < alerts
                    }
                    done.leave()
                }.start()
            }
            try waitUntil { server.alerts.followerCount == followers }
            let start = MonotonicClock.seconds()
            for k in 0..<alerts {
                server.alerts.publish(AlertNotice(alertUUID: "u\(k)", tsUnixNs: Int64(k), ruleId: "r", ruleName: "n",
                                                  severity: "high", riskScore: 50))
            }
            let publishCost = (MonotonicClock.seconds() - start) / Double(alerts)
            _ = done.wait(timeout: .now() + 20)
            let delivered = counts.map(\.value)
            print(String(format: "alert fan-out: publish %.1f µs per alert to %d followers; delivered %@ of %d",
                         publishCost * 1e6, followers, delivered.description, alerts))
            #expect(delivered.allSatisfy { $0 > 0 })
            #expect(done.wait(timeout: .now()) == .success, "every follower accounted for every alert")
        }
    }
}
