import MamoriStore

/// Renders a `Story` for a terminal: header, process tree with box-drawing characters,
/// alerts, timeline and impact summary.
///
/// Every stored string goes through `DisplayText` (the story is made of attacker-chosen
/// command lines and paths). Stateless; any thread.
public enum StoryTextRenderer {
    /// The whole story, newline-terminated.
    public static func render(_ story: Story) -> String {
        var out = header(story)
        out += "\nPROCESS TREE\n"
        out += tree(story)
        out += alerts(story)
        out += timeline(story)
        out += impact(story)
        if !story.notes.isEmpty {
            out += "\nNOTES\n"
            for note in story.notes { out += "  - " + DisplayText.sanitize(note) + "\n" }
        }
        return out
    }

    // MARK: Sections

    static func header(_ story: Story) -> String {
        var out = ""
        switch story.target {
        case .incident(let uuid): out += "Story of incident \(DisplayText.sanitize(uuid))\n"
        case .alert(let uuid): out += "Story of alert \(DisplayText.sanitize(uuid))\n"
        case .entity(let id): out += "Story of process \(DisplayText.sanitize(id))\n"
        }
        if let i = story.incident {
            out += "Incident \(DisplayText.sanitize(i.incidentUUID)): \"\(DisplayText.clip(i.title, 120))\" "
                + "(risk \(i.riskScore), \(DisplayText.sanitize(i.status)), \(i.alertCount) alert\(i.alertCount == 1 ? "" : "s"), "
                + "\(TimeExpression.format(unixNs: i.firstSeen, fractionDigits: 0)) – "
                + "\(TimeExpression.format(unixNs: i.lastSeen, fractionDigits: 0)))\n"
        }
        out += "Root: \(label(story.root)) entity \(DisplayText.sanitize(story.root.entityId)) "
            + "(\(reasonText(story.rootReason)))\n"
        if !story.ancestry.isEmpty {
            out += "Ancestry: " + story.ancestry.map(label).joined(separator: " › ") + " › " + label(story.root) + "\n"
        }
        return out
    }

    static func tree(_ story: Story) -> String {
        let rules = alertRulesByEntity(story)
        var out = ""
        func line(_ node: StoryProcess, prefix: String, branch: String) {
            var text = prefix + branch + label(node.process)
            if let cmd = node.process.commandLine ?? node.process.executable { text += " " + DisplayText.clip(cmd, 120) }
            if let code = node.process.exitCode { text += "  (exit \(code))" }
            if let chain = execChain(node) { text += "  (execs: " + chain + ")" }
            if node.isAlerting {
                text += "  ◀ ALERT " + (rules[node.entityId] ?? []).map(DisplayText.sanitize).joined(separator: ", ")
            }
            out += text + "\n"
        }
        func walk(_ node: StoryProcess, prefix: String) {
            for (i, child) in node.children.enumerated() {
                let last = i == node.children.count - 1
                line(child, prefix: prefix, branch: last ? "└── " : "├── ")
                walk(child, prefix: prefix + (last ? "    " : "│   "))
            }
        }
        line(story.tree, prefix: "", branch: "")
        walk(story.tree, prefix: "")
        return out
    }

    static func alerts(_ story: Story) -> String {
        guard !story.alerts.isEmpty else { return "\nALERTS (0)\n" }
        let index = StoryIndex(story)
        var rows = [[String]]()
        for a in story.alerts {
            let who = a.entityId.map { e in index.label(e, at: a.firstSeen) ?? DisplayText.clip(e, 40) } ?? "-"
            rows.append([TimeExpression.format(unixNs: a.firstSeen, fractionDigits: 0), DisplayText.sanitize(a.severity),
                         "risk \(a.riskScore)", DisplayText.sanitize(a.ruleId), DisplayText.clip(a.ruleName, 60),
                         "on " + who, "×\(a.count)", DisplayText.sanitize(a.alertUUID)])
        }
        return "\nALERTS (\(story.alerts.count))\n" + indent(DisplayText.table(header: [], rows: rows))
    }

    static func timeline(_ story: Story) -> String {
        var title = "\nTIMELINE (\(story.timeline.count) event\(story.timeline.count == 1 ? "" : "s")"
        if story.timelineTruncated { title += ", cut at \(story.timelineLimit): more exist" }
        title += ")\n"
        let alerting = story.alertingEntityIds
        let index = StoryIndex(story)
        let rows: [[String]] = story.timeline.map { e in
            var actor = EventDescription.actor(e)
            if e.executable == nil, let entity = e.entityId, let known = index.label(entity, at: e.tsUnixNs) {
                actor = known
            }
            return [alerting.contains(e.entityId ?? "") ? "!" : " ", TimeExpression.format(unixNs: e.tsUnixNs),
                    DisplayText.sanitize(e.action), actor, EventDescription.detail(e)]
        }
        var out = title + indent(DisplayText.table(header: [], rows: rows))
        if !rows.isEmpty && !alerting.isEmpty { out += "  (! = a process with an alert)\n" }
        return out
    }

    static func impact(_ story: Story) -> String {
        let index = StoryIndex(story)
        func actors(_ list: [ImpactActor]) -> String {
            let names = list.prefix(5).map { a in index.label(a.entityId, at: a.firstSeenUnixNs) ?? "pid \(a.pid)" }
            return "by " + names.joined(separator: ", ") + (list.count > 5 ? " and \(list.count - 5) more" : "")
        }
        let count = story.impact.processes.count
        var out = "\nIMPACT\n  processes: \(count) (the root and \(max(0, count - 1)) descendant\(count == 2 ? "" : "s"))\n"
        out += "  files changed (\(story.impact.files.count))\(story.impact.files.isEmpty ? "" : ":")\n"
        var fileRows = [[String]]()
        for f in story.impact.files {
            var actions = f.actions.joined(separator: ", ")
            if f.failures > 0 { actions += (actions.isEmpty ? "" : ", ") + "\(f.failures) failed" }
            fileRows.append([DisplayText.clip(f.path, 100), actions, actors(f.actors)])
        }
        out += indent(DisplayText.table(header: [], rows: fileRows), by: 4)
        out += "  addresses (\(story.impact.addresses.count))\(story.impact.addresses.isEmpty ? "" : ":")\n"
        var addressRows = [[String]]()
        for a in story.impact.addresses {
            var what = a.actions.joined(separator: ", ")
            if a.failures > 0 { what += (what.isEmpty ? "" : ", ") + "\(a.failures) failed" }
            addressRows.append([DisplayText.sanitize(a.endpoint) + (a.transport.map { "/" + DisplayText.sanitize($0) } ?? ""),
                                a.direction.rawValue, what, actors(a.actors)])
        }
        out += indent(DisplayText.table(header: [], rows: addressRows), by: 4)
        return out
    }

    // MARK: Helpers

    /// `curl[1202]`, `?[?]` for a process the store does not know.
    static func label(_ p: ProcessRow) -> String {
        DisplayText.clip(StoryProcess.name(of: p), 32) + "[\(p.pid == 0 ? "?" : String(p.pid))]"
    }

    static func reasonText(_ reason: RootReason) -> String {
        switch reason {
        case .incidentRoot: return "the incident's root process"
        case .sessionLeader: return "session leader"
        case .serviceMain: return "main process of its systemd service"
        case .childOfInit: return "child of pid 1"
        case .oldestKnownAncestor: return "oldest ancestor in the store"
        case .depthLimit: return "ancestor walk stopped at the depth limit"
        }
    }

    /// `setsid → bash → x → sleep` when a process exec'd more than once, else `nil`.
    static func execChain(_ node: StoryProcess) -> String? {
        guard node.execCount > 1 else { return nil }
        var chain = node.execs.map { DisplayText.clip($0.name, 32) }.joined(separator: " → ")
        if node.execCount > node.execs.count { chain += " → … (\(node.execCount) execs)" }
        return chain
    }

    /// `high Reverse shell to a raw TCP port` per alerting entity (the rule id when unnamed).
    static func alertRulesByEntity(_ story: Story) -> [String: [String]] {
        var rules = [String: [String]]()
        for a in story.alerts {
            guard let e = a.entityId else { continue }
            let text = a.severity + " " + DisplayText.clip(a.ruleName.isEmpty ? a.ruleId : a.ruleName, 60)
            if !(rules[e] ?? []).contains(text) { rules[e, default: []].append(text) }
        }
        return rules
    }

    private static func indent(_ text: String, by n: Int = 2) -> String {
        let pad = String(repeating: " ", count: n)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
    }
}
