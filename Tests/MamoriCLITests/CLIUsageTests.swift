import Foundation
import Testing

/// The CLI's contract without an agent: help for every command, usage errors with their exit
/// status (2 for control commands, 64 for the others, as docs/cli.md says), "agent not running"
/// as exit 3, and precise errors for bad files.
@Suite struct CLIUsageTests {
    /// Commands whose usage errors exit 2 (the control contract), per docs/cli.md.
    static let controlCommands: Set<String> = ["level", "isolate", "quarantine", "response", "status", "reload"]

    @Test func everyCommandHasHelpThatExitsZero() throws {
        let tree = try CLI.commandTree()
        #expect(tree.count >= 20, "command tree: \(tree)")
        for path in tree {
            let r = try CLI.run(path + ["--help"])
            #expect(r.status == 0, "mamori \(path.joined(separator: " ")) --help: \(r.output)")
            #expect(r.stdout.contains("USAGE: mamori \(path.joined(separator: " "))"), "\(path): \(r.stdout.prefix(300))")
            #expect(r.stdout.contains("OVERVIEW:") || r.stdout.contains("OPTIONS:"), "\(path)")
        }
    }

    @Test func unknownOptionsAreUsageErrorsWithTheDocumentedStatus() throws {
        for path in try CLI.commandTree() {
            let r = try CLI.run(path + ["--no-such-option-xyz"])
            let expected: Int32 = Self.controlCommands.contains(path[0]) ? 2 : 64
            #expect(r.status == expected, "mamori \(path.joined(separator: " ")) --no-such-option-xyz → \(r.status): \(r.output)")
            // A command with a required argument names that first; either way it is a usage error.
            #expect(r.stderr.hasPrefix("Error:"), "\(path): \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(path) printed to stdout on a usage error: \(r.stdout)")
        }
        let unknown = try CLI.run(["frobnicate"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("frobnicate"))
    }

    @Test func badValuesAreRejectedBeforeAnythingHappens() throws {
        let socket = "/nonexistent/mamori-cli-test.sock"
        // (A well-formed level the ladder may not have, "9" or a name, is the agent's to judge.)
        for args in [["level", "set", "2.5"], ["level", "set", "100"], ["level", "set", "2", "--for", "soon"],
                     ["response", "kill", "--pid", "-3"], ["response", "kill", "--pid", "1"],
                     ["level", "set", "1", "--for", "999999999999d"], ["level", "set", "1", "--scope", "../../etc"]] {
            let r = try CLI.run(args + ["--socket", socket])
            #expect(r.status == 2, "mamori \(args.joined(separator: " ")) → \(r.status): \(r.output)")
            #expect(!r.stderr.isEmpty)
        }
        let badKind = try CLI.run(["events", "--kind", "exec,teleport", "--db", "/nonexistent.db"])
        #expect(badKind.status == 64, "\(badKind.output)")
        #expect(badKind.stderr.contains("teleport"))
    }

    @Test func controlCommandsSayTheAgentIsNotRunning() throws {
        let socket = NSTemporaryDirectory() + "mamori-cli-\(getpid())-none.sock"
        for args in [["status"], ["status", "--json"], ["level"], ["level", "show", "--json"], ["reload"],
                     ["quarantine", "list"], ["level", "set", "1"], ["isolate", "--off"]] {
            let r = try CLI.run(args + ["--socket", socket, "--timeout", "2"],
                                environment: ["MAMORI_DB": "/nonexistent/mamori.db"])
            #expect(r.status == 3, "mamori \(args.joined(separator: " ")) → \(r.status): \(r.output)")
            #expect(r.stderr.contains("not running"), "\(args): \(r.stderr)")
        }
        let json = try CLI.run(["status", "--json", "--socket", socket, "--db", "/nonexistent/m.db"])
        let object = CLI.json(json) as? [String: Any]
        #expect(object?["agentRunning"] as? Bool == false, "\(json.stdout)")
    }

    @Test func storeCommandsWithoutAStoreFailWithAHint() throws {
        for args in [["events"], ["alerts"], ["incidents"], ["story", "inc-1"]] {
            let r = try CLI.run(args + ["--db", "/nonexistent/mamori.db"])
            #expect(r.status == 1, "mamori \(args.joined(separator: " ")) → \(r.status): \(r.output)")
            #expect(r.stderr.contains("no event store at /nonexistent/mamori.db"), "\(args): \(r.stderr)")
        }
    }

    @Test func badConfigurationAndRulesAreReportedWithFileAndLine() throws {
        let dir = NSTemporaryDirectory() + "mamori-cli-files-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "sensor:\n  queue_capacity: 1000\nalerts:\n  keep: lots\n".write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
        let config = try CLI.run(["config", "check", "--config", dir + "/c.yaml"])
        #expect(config.status == 1, "\(config.output)")
        #expect(config.output.contains("c.yaml:2:"), "\(config.output)")
        #expect(config.output.contains("c.yaml:4:"), "\(config.output)")
        let good = try CLI.run(["config", "show", "--json", "--config", "/dev/null", "-o", "output.format=ocsf"])
        #expect(good.status == 0, "\(good.output)")
        #expect(((CLI.json(good) as? [String: Any])?["output"] as? [String: Any])?["format"] as? String == "ocsf",
                "\(good.stdout.prefix(400))")

        try "title: broken\nid: x\nlogsource: {category: process_creation}\ndetection:\n  sel: {Image|nosuchmodifier: /bin/sh}\n  condition: sel\n"
            .write(toFile: dir + "/rules/bad.yml", atomically: true, encoding: .utf8)
        let rules = try CLI.run(["rules", "check", dir + "/rules"])
        #expect(rules.status == 1, "\(rules.output)")
        #expect(rules.output.contains("bad.yml:5:"), "\(rules.output)")
    }

    @Test func versionAndTopLevelHelp() throws {
        let v = try CLI.run(["--version"])
        #expect(v.status == 0)
        #expect(!v.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        let h = try CLI.run([])
        #expect(h.status == 0 || h.status == 64, "\(h.output)")
        #expect(h.output.contains("SUBCOMMANDS") || h.output.contains("Usage"))
    }
}
