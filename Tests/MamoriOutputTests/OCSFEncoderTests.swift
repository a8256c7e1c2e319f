import Foundation
import MamoriEvents
import MamoriProcess
import Testing
@testable import MamoriOutput

/// OCSF output: the class/activity mapping, the objects each class carries, and validation of
/// every kind of line against the published OCSF 1.4 schema (Tests/ocsf/validate.py).
@Suite struct OCSFEncoderTests {
    static func encoder() -> OCSFEncoder {
        let users = Fixture.users
        return OCSFEncoder(hostName: "web-1", clock: Fixture.clock, userNames: UserNames { users[$0] })
    }

    static func alert(_ severity: String = "high", techniques: [String] = ["T1059.004", "T1105"]) -> AlertFields {
        AlertFields(alertId: "al-1", ruleId: "mamori-reverse-shell", ruleName: "Reverse shell",
                    ruleDescription: "A shell whose stdio is a socket", severityWord: severity, riskScore: 88,
                    tacticIds: ["TA0002", "TA0011"], tacticNames: ["Execution", "Command and Control"],
                    techniques: techniques, incidentId: "inc-1", count: 3, response: "kill: done")
    }

    /// One of every event shape the sensor emits.
    static var everyEvent: [SensorEvent] {
        let dst = Fixture.v4(10, 0, 0, 9)
        return [
            .exec(Fixture.exec()),
            .fork(ForkEvent(header: Fixture.header(.fork), subject: Fixture.subject(comm: "bash"),
                            parentTgid: 1200, parentStartBoottimeNs: Fixture.parentStart)),
            .exit(ExitEvent(header: Fixture.header(.exit), subject: Fixture.subject(), exitStatus: 3 << 8)),
            .network(Fixture.network(.connect, remote: dst, remotePort: 443)),
            .network(Fixture.network(.connect, result: -111)),
            .network(Fixture.network(.connect, result: -110)),
            .network(Fixture.network(.accept)),
            .network(Fixture.network(.listen)),
            .network(Fixture.network(.send, proto: 17, remotePort: 53)),
            .file(Fixture.file(.create, mode: 0o644)),
            .file(Fixture.file(.openWrite)),
            .file(Fixture.file(.truncate)),
            .file(Fixture.file(.rename, path: "/tmp/a", target: "/usr/local/bin/a")),
            .file(Fixture.file(.unlink, result: -2)),
            .file(Fixture.file(.chmod, mode: 0o4755)),
            .file(Fixture.file(.chown, owner: (0, 0))),
            .file(Fixture.file(.openRead, path: "/etc/shadow")),
            .action(ActionEvent(header: Fixture.header(.action), subject: Fixture.subject(), action: .blockConnect,
                                reason: .egressDeny, level: 1, neededLevel: 1, enforced: true, failed: false,
                                policyId: 3, result: -1, inode: 0, device: 0, destination: dst,
                                destinationPort: 4444, proto: 6, path: "")),
            .tamper(TamperEvent(header: Fixture.header(.tamper), subject: Fixture.subject(comm: "kill"), kind: .signal,
                                value: 9, targetTgid: 555, targetPid: 556, code: 0, result: 0, objectId: 0)),
            .gap(GapEvent(header: Fixture.header(.gap), lane: 1, cpu: 3, lost: [0, 2, 0, 0, 0, 40, 0])),
            .dns(dnsEvent(.query)),
            .dns(dnsEvent(.answer)),
            .dns(dnsEvent(.answer, rcode: 3, answers: [])),
            .dns(dnsEvent(.query, parsed: false)),
        ]
    }

    /// A DNS query or answer for c2.example.test (answer: CNAME + A 10.0.0.9).
    static func dnsEvent(_ direction: DNSDirection, rcode: UInt8 = 0, answers: [DNSAnswer]? = nil,
                         parsed: Bool = true) -> DNSEvent {
        let a = answers ?? [
            DNSAnswer(name: "c2.example.test", type: 5, recordClass: 1, ttl: 300, address: nil,
                      target: "edge.example.test", dataLength: 19),
            DNSAnswer(name: "edge.example.test", type: 1, recordClass: 1, ttl: 60,
                      address: Fixture.v4(10, 0, 0, 9), target: nil, dataLength: 4),
        ]
        let isAnswer = direction == .answer
        let m = DNSMessage(id: 0x4d4d, isResponse: isAnswer, opcode: 0, responseCode: rcode,
                           headerFlags: isAnswer ? 0x8180 : 0x0100, questionCount: 1,
                           answerCount: UInt16(isAnswer ? a.count : 0), questionName: "c2.example.test",
                           questionType: 1, questionClass: 1, answers: isAnswer ? a : [], answersIncomplete: false)
        return DNSEvent(header: Fixture.header(.dns), subject: Fixture.subject(comm: "curl"), direction: direction,
                        proto: 17, family: .inet, source: Fixture.v4(127, 0, 0, 1), sourcePort: 40_001,
                        destination: Fixture.v4(10, 0, 0, 53), destinationPort: 53, socketCookie: 9,
                        attribution: isAnswer ? .socket : .sender, wireLength: 80, truncated: false,
                        message: parsed ? m : nil, decodeError: parsed ? nil : .truncatedHeader(length: 7))
    }

    @Test func dnsIsDNSActivityWithQueryAndAnswers() throws {
        var encoder = Self.encoder()
        let q = try ParsedLine(encoder.encodeLine(.dns(Self.dnsEvent(.query)))).object
        #expect(q["class_uid"] as? Int == 4003)
        #expect(q["activity_id"] as? Int == 1)
        #expect((q["query"] as? [String: Any])?["hostname"] as? String == "c2.example.test")
        #expect((q["dst_endpoint"] as? [String: Any])?["port"] as? Int == 53)
        let r = try ParsedLine(encoder.encodeLine(.dns(Self.dnsEvent(.answer)))).object
        #expect(r["activity_id"] as? Int == 2)
        #expect(r["rcode_id"] as? Int == 0)
        let answers = try #require(r["answers"] as? [[String: Any]])
        #expect(answers.map { $0["rdata"] as? String } == ["edge.example.test", "10.0.0.9"])
        let nx = try ParsedLine(encoder.encodeLine(.dns(Self.dnsEvent(.answer, rcode: 3, answers: [])))).object
        #expect(nx["rcode_id"] as? Int == 3 && nx["status_id"] as? Int == 2)
    }

    @Test func everyEventAndAlertValidatesAgainstTheOCSFSchema() throws {
        var encoder = Self.encoder()
        var buffer: [UInt8] = []
        for event in Self.everyEvent {
            encoder.encode(event, process: Fixture.record(), parent: Fixture.parentRecord(), into: &buffer)
            encoder.encode(event, process: nil, parent: nil, into: &buffer)
            encoder.encodeAlert(event, process: Fixture.record(), parent: Fixture.parentRecord(),
                                alert: Self.alert(), into: &buffer)
        }
        var notice = Self.alert("low", techniques: [])
        notice.kind = .notice
        encoder.encodeAlert(.exec(Fixture.exec()), process: nil, parent: nil, alert: notice, into: &buffer)
        let result = try OCSFSchemaCheck.validate(lines: buffer)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("\(Self.everyEvent.count * 3 + 1) events checked, 0 errors"), "\(result.output)")
    }

    @Test func execIsAProcessLaunchWhoseActorIsTheParent() throws {
        var encoder = Self.encoder()
        let p = try ParsedLine(encoder.encodeLine(.exec(Fixture.exec()), process: Fixture.record(), parent: Fixture.parentRecord()))
        #expect(p.int("class_uid") == 1007)
        #expect(p.int("activity_id") == 1)
        #expect(p.int("type_uid") == 100701)
        #expect(p.int("time") == 1_699_995_000_000 + 5_000_123)
        #expect(p.string("process.path") == "/usr/bin/curl")
        #expect(p.string("process.cmd_line") == "curl -s http://x")
        #expect(p.string("process.uid") == "ent-1234")
        #expect(p.string("process.user.name") == "root")
        #expect(p.int("actor.process.pid") == 1200)
        #expect(p.string("actor.process.file.name") == "bash")
        #expect(p.string("actor.user.name") == "alice")
        #expect(p.string("metadata.version") == "1.4.0")
        #expect(p.string("device.hostname") == "web-1")
        #expect(p.string("unmapped.mamori.unit") == "sshd.service")
    }

    @Test func networkActivitiesSayWhatHappened() throws {
        var encoder = Self.encoder()
        func activity(_ e: NetworkEvent) throws -> (Int?, Int?) {
            let p = try ParsedLine(encoder.encodeLine(.network(e)))
            #expect(p.int("class_uid") == 4001)
            return (p.int("activity_id"), p.int("status_id"))
        }
        #expect(try activity(Fixture.network(.connect)) == (1, 1))
        #expect(try activity(Fixture.network(.connect, result: -115)) == (1, 1))
        #expect(try activity(Fixture.network(.connect, result: -111)) == (5, 2))
        #expect(try activity(Fixture.network(.connect, result: -113)) == (4, 2))
        #expect(try activity(Fixture.network(.listen)) == (7, 1))
        #expect(try activity(Fixture.network(.send, proto: 17)) == (6, 1))
        let accept = try ParsedLine(encoder.encodeLine(.network(Fixture.network(.accept, localPort: 22, remotePort: 50000))))
        #expect(accept.int("dst_endpoint.port") == 22)
        #expect(accept.int("src_endpoint.port") == 50000)
        #expect(accept.int("connection_info.direction_id") == 1)
    }

    @Test func renameNamesTheOldFileAndTheResult() throws {
        var encoder = Self.encoder()
        let p = try ParsedLine(encoder.encodeLine(.file(Fixture.file(.rename, path: "/tmp/x", target: "/usr/bin/x"))))
        #expect(p.int("class_uid") == 1001)
        #expect(p.int("activity_id") == 5)
        #expect(p.string("file.path") == "/tmp/x")
        #expect(p.string("file_result.path") == "/usr/bin/x")
        #expect(p.string("file.uid") == "\(0x800001):99")
        let chmod = try ParsedLine(encoder.encodeLine(.file(Fixture.file(.chmod, mode: 0o4755))))
        #expect(chmod.int("activity_id") == 7)
        #expect(chmod.string("unmapped.mamori.mode") == "04755")
    }

    @Test func alertIsADetectionFindingWithAttackAndEvidence() throws {
        var encoder = Self.encoder()
        var buffer: [UInt8] = []
        encoder.encodeAlert(.network(Fixture.network(.connect, remotePort: 4444)), process: Fixture.record(),
                            parent: Fixture.parentRecord(), alert: Self.alert(), into: &buffer)
        let p = try ParsedLine(String(decoding: buffer, as: UTF8.self))
        #expect(p.int("class_uid") == 2004)
        #expect(p.int("type_uid") == 200401)
        #expect(p.int("severity_id") == 4)
        #expect(p.int("risk_score") == 88)
        #expect(p.int("count") == 3)
        #expect(p.string("finding_info.uid") == "al-1")
        #expect(p.string("finding_info.analytic.uid") == "mamori-reverse-shell")
        let attacks = p.value("finding_info.attacks") as? [[String: Any]]
        #expect(attacks?.count == 2)
        #expect((attacks?.first?["technique"] as? [String: Any])?["uid"] as? String == "T1059")
        #expect((attacks?.first?["sub_technique"] as? [String: Any])?["uid"] as? String == "T1059.004")
        #expect(((attacks?.first?["tactics"] as? [[String: Any]])?.count) == 2)
        let evidence = (p.value("evidences") as? [[String: Any]])?.first
        #expect(((evidence?["dst_endpoint"] as? [String: Any])?["port"] as? Int) == 4444)
        #expect(p.string("unmapped.mamori.incident_id") == "inc-1")
        #expect(p.string("unmapped.mamori.response") == "kill: done")
    }

    @Test func formatSwitchPicksTheEncoder() throws {
        var ocsf = EventLineEncoder(format: .ocsf, hostName: "web-1", clock: Fixture.clock)
        var ecs = EventLineEncoder(format: .ecs, hostName: "web-1", clock: Fixture.clock)
        var a: [UInt8] = [], b: [UInt8] = []
        ocsf.encode(.exec(Fixture.exec()), process: nil, parent: nil, into: &a)
        ecs.encode(.exec(Fixture.exec()), process: nil, parent: nil, into: &b)
        #expect(try ParsedLine(String(decoding: a, as: UTF8.self)).int("class_uid") == 1007)
        #expect(try ParsedLine(String(decoding: b, as: UTF8.self)).string("ecs.version") != nil)
        #expect(OutputFormat(rawValue: "ocsf") == .ocsf)
        #expect(OutputFormat(rawValue: "OCSF") == nil)
    }
}

/// Runs Tests/ocsf/validate.py on encoded lines. Outside CI a missing Python module is
/// reported as a failure too: the test never passes without validating.
enum OCSFSchemaCheck {
    struct Result { var status: Int32; var output: String }

    static func validate(lines: [UInt8]) throws -> Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ocsf-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("lines.json")
        try Data(lines).write(to: file)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ocsf/validate.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "1.4.0", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self))
    }
}
