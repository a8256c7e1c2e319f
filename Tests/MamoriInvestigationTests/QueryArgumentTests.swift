import Foundation
import MamoriEvents
import MamoriInvestigation
import MamoriStore
import Testing

@Suite struct TimeExpressionTests {
    static let s: Int64 = 1_000_000_000

    @Test(arguments: [("30m", 1_800), ("24h", 86_400), ("7d", 604_800), ("2w", 1_209_600), ("90s", 90),
                      ("1h30m", 5_400), (" 15m ", 900), ("0s", 0)])
    func durations(text: String, seconds: Int64) throws {
        #expect(try TimeExpression.parseDuration(text) == seconds * Self.s)
    }

    @Test(arguments: ["", "90", "5x", "h", "-5m", "1.5h", "24 h", "99999999999999999999d", "9999999999999w"])
    func badDurations(text: String) {
        #expect(throws: InvestigationError.self) { try TimeExpression.parseDuration(text) }
    }

    @Test func durationErrorsSayWhatIsWrong() {
        #expect(throws: InvestigationError.invalidTime(text: "90", reason: "90 needs a unit: 90s, 90m, 90h or 90d")) {
            try TimeExpression.parseDuration("90")
        }
        let message = InvestigationError.invalidTime(text: "5x", reason: "unknown unit 'x' (use s, m, h, d or w)").description
        #expect(message.contains("30m, 24h, 7d") && message.contains("2026-11-27T03:00:00Z"))
    }

    @Test func relativeTimesCountBackFromNow() throws {
        let now: Int64 = 1_795_748_400 * Self.s
        #expect(try TimeExpression.parse("24h", nowUnixNs: now) == now - 86_400 * Self.s)
        #expect(try TimeExpression.parse("now", nowUnixNs: now) == now)
        #expect(try TimeExpression.parse("2026-11-27T03:00:00Z", nowUnixNs: 0) == now)
    }

    @Test(arguments: [
        ("2026-11-27T03:00:00Z", Int64(1_795_748_400) * 1_000_000_000),
        ("2026-11-27t03:00:00z", Int64(1_795_748_400) * 1_000_000_000),
        ("2026-11-27 03:00", Int64(1_795_748_400) * 1_000_000_000),
        ("2026-11-27T03:00:00.25Z", Int64(1_795_748_400) * 1_000_000_000 + 250_000_000),
        ("2026-11-27T03:00:00.123456789Z", Int64(1_795_748_400) * 1_000_000_000 + 123_456_789),
        ("2026-11-27T12:00:00+09:00", Int64(1_795_748_400) * 1_000_000_000),
        ("2026-11-26T22:00:00-05:00", Int64(1_795_748_400) * 1_000_000_000),
        ("2026-11-26", Int64(1_795_716_000 - 18 * 3_600) * 1_000_000_000),
        ("2024-02-29T12:34:56Z", Int64(1_709_210_096) * 1_000_000_000),
        ("1970-01-01T00:00:00Z", 0),
    ])
    func timestamps(text: String, unixNs: Int64) throws {
        #expect(try TimeExpression.parseTimestamp(text) == unixNs)
    }

    @Test(arguments: ["2026-13-01", "2026-02-29", "2026-11-31", "2026-11-27T25:00:00Z", "2026-11-27T03:61Z",
                      "2026-11-27T03", "2026-11-27X03:00", "2026-11-27T03:00:00+9", "2026-11-27T03:00:00Zjunk",
                      "26-11-27", "2026-11-27T03:00:00."])
    func badTimestamps(text: String) {
        #expect(throws: InvestigationError.self) { try TimeExpression.parse(text, nowUnixNs: 0) }
    }

    @Test func formatting() throws {
        let t: Int64 = 1_795_748_400 * Self.s + 123_456_789
        #expect(TimeExpression.format(unixNs: t) == "2026-11-27T03:00:00.123Z")
        #expect(TimeExpression.format(unixNs: t, fractionDigits: 0) == "2026-11-27T03:00:00Z")
        #expect(TimeExpression.format(unixNs: t, fractionDigits: 6) == "2026-11-27T03:00:00.123456Z")
        #expect(TimeExpression.format(unixNs: 1_709_210_096 * Self.s, fractionDigits: 0) == "2024-02-29T12:34:56Z")
        #expect(TimeExpression.format(unixNs: -1, fractionDigits: 9) == "1969-12-31T23:59:59.999999999Z")
        // Formatting and parsing agree over a range of instants.
        for day in stride(from: Int64(-800), to: 30_000, by: 97) {
            let instant = day * 86_400 * Self.s + 12_345 * Self.s + 678_000_000
            #expect(try TimeExpression.parseTimestamp(TimeExpression.format(unixNs: instant)) == instant)
        }
    }
}

@Suite struct QueryArgumentTests {
    @Test func kinds() throws {
        #expect(try QueryArguments.kinds("exec,connect,file") == [.exec, .network, .file])
        #expect(try QueryArguments.kinds(" process , net") == [.exec, .fork, .exit, .network])
        #expect(throws: InvestigationError.invalidKind("bogus")) { try QueryArguments.kinds("exec,bogus") }
        #expect(throws: InvestigationError.self) { try QueryArguments.kinds(",") }
    }

    @Test func paths() throws {
        #expect(try QueryArguments.path("/etc/passwd") == .exact("/etc/passwd"))
        #expect(try QueryArguments.path("/etc/*") == .prefix("/etc/"))
        #expect(try QueryArguments.path("*ssh*") == .contains("ssh"))
        #expect(throws: InvestigationError.self) { try QueryArguments.path("/etc/*/x") }
        #expect(throws: InvestigationError.self) { try QueryArguments.path("*") }
    }

    @Test func severities() throws {
        #expect(try QueryArguments.severity("High") == "high")
        #expect(try QueryArguments.severity("info") == "informational")
        #expect(throws: InvestigationError.self) { try QueryArguments.severity("urgent") }
    }
}

@Suite struct ListingTests {
    let dir = TempDir()

    @Test func eventTableIsAlignedAndSafe() throws {
        let store = try AttackFixture.build(at: dir.dbPath)
        var rows = try store.events(filter: MamoriStore.EventFilter(kinds: [.network]))
        rows[0].executable = "/usr/bin/cu\u{1b}[2Jrl"
        let lines = Listing.eventTable(rows).split(separator: "\n").map(String.init)
        #expect(lines.count == rows.count + 1)
        #expect(lines[0].hasPrefix("TIME"))
        let column = try #require(lines[0].range(of: "ACTION")).lowerBound.utf16Offset(in: lines[0])
        for line in lines.dropFirst() {
            #expect(line.dropFirst(column).hasPrefix("connect"))
        }
        #expect(!lines.joined().contains("\u{1b}"))
        #expect(lines[1].contains("cu\\x1b[2Jrl"))
        #expect(lines.contains { $0.contains("→ 127.0.0.1:4444/tcp") })
    }

    @Test func jsonLinesParseAndUseColumnNames() throws {
        let store = try AttackFixture.build(at: dir.dbPath)
        let events = try store.events(filter: MamoriStore.EventFilter(entityId: "E-x"))
        let lines = Listing.eventJSONLines(events).split(separator: "\n")
        #expect(lines.count == events.count)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["@timestamp"] as? String == "2026-11-27T03:00:09.000000Z")
        #expect(first["command_line"] as? String == AttackFixture.implantCommandLine)
        #expect(first["target_path"] == nil)  // nulls are left out

        let alerts = try store.alerts(filter: AlertFilter())
        for line in Listing.alertJSONLines(alerts).split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["alert_uuid"] is String && object["severity"] is String)
        }
        let table = Listing.alertTable(alerts)
        #expect(table.hasPrefix("LAST SEEN"))
        #expect(table.contains(AttackFixture.shellAlertUUID))

        let incidents = try store.incidents()
        let line = Listing.incidentJSONLines(incidents)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["incident_uuid"] as? String == AttackFixture.incidentUUID)
        #expect(object["root_entity_id"] as? String == "E-bash")
        #expect(Listing.incidentTable(incidents).contains("Reverse shell from a downloaded binary"))
    }

    @Test func damagedStoredJSONIsQuotedNotEmbedded() throws {
        var row = EventRow(tsNs: 1, tsUnixNs: 0, kind: "exec", action: "exec", pid: 1, ecsJSON: #"{"a":1"#)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(Listing.eventJSON(row).utf8)) as? [String: Any])
        #expect(object["ecs"] as? String == #"{"a":1"#)
        row.ecsJSON = #"{"a":"}"} junk"#
        object = try #require(try JSONSerialization.jsonObject(with: Data(Listing.eventJSON(row).utf8)) as? [String: Any])
        #expect(object["ecs"] is String)
        row.ecsJSON = #"{"a":{"b":"\"}"}}"#
        object = try #require(try JSONSerialization.jsonObject(with: Data(Listing.eventJSON(row).utf8)) as? [String: Any])
        #expect((object["ecs"] as? [String: Any]) != nil)
    }
}
