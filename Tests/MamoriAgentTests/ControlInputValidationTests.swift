@testable import MamoriAgent
import MamoriControl
import Testing

/// Issue 13 #3: root input over the control socket must not crash the agent or persist a bad state.
@Suite struct ControlInputValidationTests {
    @Test func negativeAndOutOfRangePidsAreRejected() throws {
        for pid: Int32 in [-1, -2_147_483_648, 0, 4_194_305] {
            guard case .failure(let e) = AgentControlHandler.checkedPid(pid) else {
                Issue.record("pid \(pid) accepted"); continue
            }
            #expect(e.code == .badRequest && e.message.contains("invalid pid \(pid)"))
        }
        #expect(try AgentControlHandler.checkedPid(1234).get() == 1234)
    }

    @Test func durationsNearInt64MaxAreRejected() throws {
        for s: Int64 in [Int64.max, Int64.max - 1, 9_000_000_000_000_000, 0, -5, AgentControlHandler.maxDurationSeconds + 1] {
            guard case .failure(let e) = AgentControlHandler.checkedDuration(s) else {
                Issue.record("--for \(s) accepted"); continue
            }
            #expect(e.code == .badRequest && e.message.hasPrefix("--for must be between"))
        }
        #expect(try AgentControlHandler.checkedDuration(600).get() == 600)
        #expect(try AgentControlHandler.checkedDuration(nil).get() == nil)
    }

    @Test func persistedHugeExpiriesDoNotTrap() {
        #expect(AgentControlHandler.unixInt(1e30) == .max)
        #expect(AgentControlHandler.unixInt(-1e30) == .min)
        #expect(AgentControlHandler.unixInt(.infinity) == .max)
        #expect(AgentControlHandler.unixInt(.nan) == 0)
        #expect(AgentControlHandler.unixInt(1_700_000_000.5) == 1_700_000_000)
    }
}
