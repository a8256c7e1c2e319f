import Foundation
import Testing

/// Argument parsing of the shipped `mamori` binary against the shared grammars of MamoriText:
/// durations (`500ms` and `1w` both work wherever a duration is asked for), timestamps and
/// CIDRs. Each bad value must exit with the documented usage status (2 for control commands,
/// 64 for the others), print nothing on stdout, and name the option, the value and the reason
/// on stderr. No agent is needed: accepted control arguments reach the socket and exit 3.
@Suite struct CLIArgumentTests {
    static let socket = "/nonexistent/mamori-cli-args.sock"

    @Test(arguments: ["500ms", "30s", "1w", "1h30m"])
    func everyDurationFormIsAcceptedByLevelSetFor(_ text: String) throws {
        let r = try CLI.run(["level", "set", "1", "--for", text, "--socket", Self.socket, "--timeout", "1"])
        // Parsed, so the command got as far as the (absent) agent.
        #expect(r.status == 3, "--for \(text) → \(r.status): \(r.output)")
        #expect(r.stderr.contains("not running"), "\(r.stderr)")
    }

    @Test(arguments: [
        ("30", "30 needs a unit: 30s, 30m, 30h or 30d"),
        ("5y", "unknown unit 'y'"),
        ("h", "'h' needs a number before it"),
        ("0s", "must be longer than zero"),
        ("367d", "longer than the maximum of 366 days"),
    ])
    func badDurationsAreUsageErrorsWithTheReason(_ text: String, _ reason: String) throws {
        let r = try CLI.run(["level", "set", "1", "--for", text, "--socket", Self.socket])
        #expect(r.status == 2, "--for \(text) → \(r.status): \(r.output)")
        #expect(r.stdout.isEmpty, "stdout on a usage error: \(r.stdout)")
        #expect(r.stderr.contains("--for"), "\(r.stderr)")
        #expect(r.stderr.contains(reason), "--for \(text): \(r.stderr)")
    }

    @Test(arguments: [
        ("5y", "unknown unit 'y'"),
        ("2026-13-01", "month 13 is out of range"),
        ("2025-02-29", "day 29 is out of range"),
        ("2026-11-27T25:00", "the time of day is out of range"),
        ("2026-11-27T03:00Q", "expected 'Z' or a zone offset after the time"),
    ])
    func badTimesAreUsageErrorsWithTheReason(_ text: String, _ reason: String) throws {
        for command in ["events", "alerts", "incidents"] {
            let r = try CLI.run([command, "--since", text, "--db", "/nonexistent/mamori.db"])
            #expect(r.status == 64, "\(command) --since \(text) → \(r.status): \(r.output)")
            #expect(r.stdout.isEmpty, "\(command): stdout on a usage error: \(r.stdout)")
            #expect(r.stderr.contains("--since"), "\(command): \(r.stderr)")
            #expect(r.stderr.contains("invalid time '\(text)'"), "\(command): \(r.stderr)")
            #expect(r.stderr.contains(reason), "\(command) --since \(text): \(r.stderr)")
        }
    }

    @Test func goodTimesReachTheStore() throws {
        for text in ["1w", "500ms", "2026-11-27T03:00:00Z", "2026-11-27T03:00:00.250+09:00", "2026-11-27"] {
            let r = try CLI.run(["events", "--since", text, "--db", "/nonexistent/mamori.db"])
            // Accepted: the command went on to open the store (absent), exit 1 with its hint.
            #expect(r.status == 1, "events --since \(text) → \(r.status): \(r.output)")
            #expect(r.stderr.contains("no event store at /nonexistent/mamori.db"), "\(text): \(r.stderr)")
        }
    }

    @Test func badNetworksInConfigurationNameTheKeyAndTheReason() throws {
        let r = try CLI.run(["config", "check", "--config", "/dev/null", "-o", "detection.local_networks=[10.0.0.0/33]"])
        #expect(r.status == 1, "\(r.output)")
        #expect(r.output.contains("detection.local_networks"), "\(r.output)")
        #expect(r.output.contains("'10.0.0.0/33': prefix length must be 0-32"), "\(r.output)")
        let good = try CLI.run(["config", "check", "--config", "/dev/null", "-o", "detection.local_networks=[10.0.0.0/8, 'fd00::/8']"])
        #expect(good.status == 0, "\(good.output)")
    }

    @Test func configDurationsTakeTheSameGrammarAsTheCLI() throws {
        for text in ["1w", "500ms", "1h30m"] {
            let r = try CLI.run(["config", "show", "--json", "--config", "/dev/null", "-o", "store.retention.event_age=\(text)"])
            #expect(r.status == 0, "store.retention.event_age=\(text): \(r.output)")
            #expect(CLI.json(r) != nil, "valid JSON for \(text)")
        }
        let bad = try CLI.run(["config", "check", "--config", "/dev/null", "-o", "store.retention.event_age=5y"])
        #expect(bad.status == 1, "\(bad.output)")
        #expect(bad.output.contains("store.retention.event_age"), "\(bad.output)")
        #expect(bad.output.contains("unknown unit 'y'"), "\(bad.output)")
    }

    @Test func doctorJSONIsValidJSON() throws {
        let r = try CLI.run(["doctor", "--json"])
        // 0 when every required capability is there, 1 when one is missing; the JSON is valid either way.
        #expect(r.status == 0 || r.status == 1, "\(r.output)")
        let object = try #require(CLI.json(r) as? [String: Any], "doctor --json: \(r.stdout.prefix(400))")
        #expect(object["kernel"] is String)
        #expect((object["capabilities"] as? [Any])?.isEmpty == false)
    }
}
