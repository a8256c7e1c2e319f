import Foundation
import Testing
@testable import MamoriControl

/// Every request and reply survives encode → decode, and bad lines give precise bad_request errors.
@Suite struct ControlWireTests {
    static let ladder = [LevelStep(number: 0, name: "monitor", enables: ["alerts only"]),
                         LevelStep(number: 4, name: "lockdown", enables: ["medium rules act", "no exec from /tmp"])]
    static let levelState = LevelState(
        level: 2, levelName: "critical",
        overrides: [ScopeOverride(scope: .unit("nginx.service"), level: 4, levelName: "lockdown",
                                  expiresAt: 1_800_000_000, reason: "incident 7"),
                    ScopeOverride(scope: .cgroup("/system.slice/db.service"), level: 1, levelName: "known-bad")],
        temporary: TemporaryRaise(expiresAt: 1_800_000_100, revertTo: 1, revertToName: "known-bad"),
        ladder: ladder)
    static let notice = AlertNotice(alertUUID: "a-1", tsUnixNs: 1_700_000_000_000_000_000, ruleId: "linux_rev_shell",
                                    ruleName: "Reverse shell", severity: "high", riskScore: 80, entityId: "e1",
                                    incidentUUID: "i-1", response: "killed 1234", ecsJSON: #"{"a":"/b"}"#,
                                    missedBefore: 3)
    static let item = QuarantineItem(id: "q1", originalPath: "/tmp/x", quarantinedAtUnix: 1_700_000_000,
                                     sha256: String(repeating: "ab", count: 32), sizeBytes: 42, origin: "rule r")

    static let requests: [ControlRequest] = [
        .status, .levelGet,
        .levelSet(LevelSetRequest(level: .number(3))),
        .levelSet(LevelSetRequest(level: .name("lockdown"), scope: .unit("nginx.service"), reason: "drill", forSeconds: 1800)),
        .levelSet(LevelSetRequest(level: .number(1), scope: .cgroup("/system.slice/x.service"))),
        .levelSimulate(SimulateRequest(level: .name("high"), sinceUnixNs: 123, scope: .unit("a.service"))),
        .isolate(IsolateRequest(on: true, reason: "ransomware")), .isolate(IsolateRequest(on: false)),
        .quarantineList, .quarantineAdd(QuarantineAddRequest(path: "/tmp/evil", reason: "r")),
        .quarantineRestore(QuarantineRestoreRequest(id: "q1", force: true)),
        .response(.kill, ResponseRequest(target: .incident("i-1"), reason: "r")),
        .response(.freeze, ResponseRequest(target: .pid(1234))),
        .response(.thaw, ResponseRequest(target: .pid(1234))),
        .reload, .alertsFollow, .baselineReset(BaselineResetRequest(unit: "nginx.service")),
    ]

    static let replies: [ControlReply] = [
        .status(StatusReport(version: "0.1.0", uptimeSeconds: 3600, pid: 77, capabilities: ["tp_btf", "ringbuf"],
                             preventionMechanism: "bpf_send_signal at exec", level: levelState, isolated: true,
                             rulesLoaded: 120, eventsPerSecond: 1234.5, kernelDrops: 2, queueDrops: 3, queueDepth: 4,
                             storePath: "/var/lib/mamori/mamori.db", storeSizeBytes: 1 << 20, alertCount: 9,
                             lastAlert: notice, degraded: ["no BPF LSM: exec denial by SIGKILL"])),
        .level(levelState),
        .levelChanged(LevelChange(scope: .host, previous: 1, previousName: "known-bad", level: 3, levelName: "high",
                                  expiresAt: 99)),
        .simulation(SimulationReport(level: 3, levelName: "high", sinceUnixNs: 1, untilUnixNs: 2, eventsReplayed: 10,
                                     byRule: [SimulationEntry(key: "r", count: 2, action: "kill",
                                                              exampleLineage: ["sshd", "bash", "curl"])],
                                     byExecutable: [SimulationEntry(key: "/usr/bin/curl", count: 2, action: "kill")],
                                     byDestination: [SimulationEntry(key: "10.0.0.1:443", count: 1, action: "block-egress")])),
        .isolation(IsolationState(isolated: true, allowedNetworks: ["127.0.0.0/8", "10.1.0.0/16"])),
        .quarantineList([item, item]), .quarantineList([]), .quarantined(item),
        .restored(QuarantineRestored(item: item, restoredTo: "/tmp/x")),
        .response(ResponseOutcome(verb: .freeze, target: .incident("i"), affectedPids: [5, 6],
                                  cgroup: "/sys/fs/cgroup/x", message: "frozen")),
        .response(ResponseOutcome(verb: .kill, target: .pid(5), affectedPids: [5])),
        .reloaded(ReloadResult(rulesLoaded: 5, configChanged: true, warnings: ["w"])),
        .following(FollowStarted()), .alert(notice),
    ]

    @Test func everyRequestRoundTrips() throws {
        for request in Self.requests {
            let line = ControlWire.encode(request)
            #expect(!line.contains(UInt8(ascii: "\n")))
            #expect(ControlWire.decodeRequest(line) == .success(request), "\(String(decoding: line, as: UTF8.self))")
        }
        #expect(Set(Self.requests.map(\.operation)) == Set(ControlOperation.allCases))
    }

    @Test func everyReplyRoundTrips() throws {
        for reply in Self.replies {
            let line = ControlWire.encode(reply)
            #expect(!line.contains(UInt8(ascii: "\n")))
            #expect(try ControlWire.decodeResponse(line) == .success(reply), "\(String(decoding: line, as: UTF8.self))")
        }
        for code in ControlErrorCode.allCases {
            let error = ControlError(code, "because \"quoted\"\nnewline")
            let line = ControlWire.encode(error)
            #expect(!line.contains(UInt8(ascii: "\n")))
            #expect(try ControlWire.decodeResponse(line) == .failure(error))
        }
    }

    @Test func wireFormIsTheDocumentedOne() throws {
        let line = String(decoding: ControlWire.encode(.levelSet(LevelSetRequest(level: .name("lockdown"),
            scope: .unit("nginx.service"), reason: "drill", forSeconds: 1800))), as: UTF8.self)
        #expect(line == #"{"args":{"forSeconds":1800,"level":"lockdown","reason":"drill","scope":{"unit":"nginx.service"}},"op":"level.set","v":1}"#)
        let err = String(decoding: ControlWire.encode(ControlError(.badRequest, "x")), as: UTF8.self)
        #expect(err == #"{"error":{"code":"bad_request","message":"x"},"ok":false,"v":1}"#)
        let reply = String(decoding: ControlWire.encode(.following(FollowStarted())), as: UTF8.self)
        #expect(reply == #"{"ok":true,"op":"alerts.follow","result":{"following":true},"v":1}"#)
    }

    @Test(arguments: [
        ("", "not valid JSON"),
        ("{", "not valid JSON"),
        ("[1,2]", "expected an object"),
        (#"{"op":"status"}"#, "missing field v"),
        (#"{"v":2,"op":"status"}"#, "unsupported protocol version 2"),
        (#"{"v":1,"op":"nope"}"#, "unknown op 'nope'"),
        (#"{"v":1}"#, "missing field op"),
        (#"{"v":1,"op":"level.set"}"#, "missing field args"),
        (#"{"v":1,"op":"level.set","args":{}}"#, "missing field args.level"),
        (#"{"v":1,"op":"level.set","args":{"level":true}}"#, "args.level"),
        (#"{"v":1,"op":"isolate","args":{"on":"yes"}}"#, "args.on: expected true or false"),
        (#"{"v":1,"op":"response.kill","args":{"target":{}}}"#, "needs \"incident\" or \"pid\""),
        (#"{"v":1,"op":"level.simulate","args":{"level":3}}"#, "missing field args.sinceUnixNs"),
    ])
    func malformedRequestsAreBadRequests(line: String, expected: String) {
        guard case .failure(let error) = ControlWire.decodeRequest(Array(line.utf8)) else {
            Issue.record("accepted \(line)"); return
        }
        #expect(error.code == .badRequest)
        #expect(error.message.contains(expected), "\(line) → \(error.message)")
    }

    @Test func unknownFieldsAreIgnoredForForwardCompatibility() {
        let line = #"{"v":1,"op":"status","id":7,"args":{"x":1}}"#
        #expect(ControlWire.decodeRequest(Array(line.utf8)) == .success(.status))
    }

    @Test func invalidResponsesAreReported() {
        #expect(throws: ControlError.self) { try ControlWire.decodeResponse(Array("garbage".utf8)) }
        #expect(throws: ControlError.self) { try ControlWire.decodeResponse(Array(#"{"v":1,"ok":true,"op":"weird","result":{}}"#.utf8)) }
        #expect(throws: ControlError.self) { try ControlWire.decodeResponse(Array(#"{"v":9,"ok":true}"#.utf8)) }
    }

    @Test func readOnlyOperationsAreExactlyTheDocumentedOnes() {
        let readOnly = Set(ControlOperation.allCases.filter(\.isReadOnly))
        #expect(readOnly == [.status, .levelGet, .levelSimulate, .quarantineList, .alertsFollow])
    }
}
