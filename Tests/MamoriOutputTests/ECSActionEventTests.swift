import Foundation
import MamoriEvents
import MamoriProcess
import Testing
@testable import MamoriOutput

/// Prevention records (`SensorEvent.action`): ECS categorisation and `mamori.action.*`.
@Suite struct ECSActionEventTests {
    private func line(_ event: SensorEvent) throws -> ParsedLine {
        var encoder = Fixture.encoder()
        return try ParsedLine(encoder.encodeLine(event, process: Fixture.record(), parent: Fixture.parentRecord()))
    }

    func action(_ kind: PreventionAction, enforced: Bool, destination: IPAddress? = nil, path: String = "") -> ActionEvent {
        ActionEvent(header: Fixture.header(.action), subject: Fixture.subject(comm: "curl"), action: kind,
                    reason: destination == nil ? .execDenylist : .egressDeny, level: enforced ? 1 : 0, neededLevel: 1,
                    enforced: enforced, failed: false, policyId: 12, result: enforced ? -1 : 0, inode: 99,
                    device: 0x0080_0001, destination: destination, destinationPort: destination == nil ? 0 : 4444,
                    proto: destination == nil ? 0 : 6, path: path)
    }

    @Test func killedExecIsADeniedIntrusionDetectionEvent() throws {
        let parsed = try line(.action(action(.killExec, enforced: true, path: "/tmp/x/payload")))
        #expect(parsed.string("event.kind") == "event")
        #expect(parsed.strings("event.category") == ["intrusion_detection"])
        #expect(parsed.strings("event.type") == ["denied"])
        #expect(parsed.string("event.action") == "exec-killed")
        #expect(parsed.string("event.outcome") == "success")
        #expect(parsed.string("file.path") == "/tmp/x/payload")
        #expect(parsed.string("file.name") == "payload")
        #expect(parsed.string("mamori.kind") == "action")
        #expect(parsed.string("mamori.action.type") == "exec-killed")
        #expect(parsed.string("mamori.action.reason") == "exec-denylist")
        #expect(parsed.bool("mamori.action.enforced") == true)
        #expect(parsed.int("mamori.action.level") == 1)
        #expect(parsed.int("mamori.action.needed_level") == 1)
        #expect(parsed.int("mamori.action.policy_id") == 12)
        #expect(!parsed.has("destination"))
    }

    @Test func wouldHaveBlockedConnect() throws {
        let dst = IPAddress(family: .inet, bytes: [127, 0, 0, 9])
        let parsed = try line(.action(action(.blockConnect, enforced: false, destination: dst)))
        #expect(parsed.string("event.action") == "connect-blocked")
        #expect(parsed.string("event.outcome") == "unknown")
        #expect(parsed.string("destination.ip") == "127.0.0.9")
        #expect(parsed.int("destination.port") == 4444)
        #expect(parsed.string("network.direction") == "egress")
        #expect(parsed.bool("mamori.action.enforced") == false)
        #expect(parsed.int("mamori.action.level") == 0)
    }

    @Test func textLineSaysWhatAndWhether() {
        let formatter = TextFormatter(clock: Fixture.encoder().clock)
        let text = formatter.format(.action(action(.denyExec, enforced: true, path: "/usr/bin/nc")))
        #expect(text.contains("exec-denied"))
        #expect(text.contains("/usr/bin/nc"))
        #expect(text.contains("reason=exec-denylist level=1/1 enforced"))
    }
}
