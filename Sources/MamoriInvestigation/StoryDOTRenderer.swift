import MamoriStore

/// Renders a `Story` as a Graphviz digraph (`mamori story ID --format dot | dot -Tsvg > story.svg`).
///
/// Processes are rounded boxes labelled `name[pid]` and their command line, linked parent →
/// child; alerting processes are red and filled; the root's ancestors are grey and dashed.
/// Changed files are `note` shapes and addresses `hexagon`s, linked from the process that
/// touched them (from the address to the process for an accepted connection), the edge
/// labelled with the actions. Node ids are generated (`p0`, `f0`, `n0`); every stored string
/// appears only inside a quoted, escaped label. Files and addresses beyond a cap are summed up
/// in one node each so that a mass-write does not produce an unreadable graph.
///
/// Stateless; any thread. The output is plain text: Mamori never runs Graphviz itself.
public enum StoryDOTRenderer {
    /// The digraph, newline-terminated.
    public static func render(_ story: Story, maxFiles: Int = 200, maxAddresses: Int = 200) -> String {
        var out = "digraph mamori_story {\n"
        out += "  graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, label=\(quote(title(story)))];\n"
        out += "  node [fontname=\"Helvetica\", fontsize=10];\n"
        out += "  edge [fontname=\"Helvetica\", fontsize=9];\n"

        var ids = [String: String]()  // entity id → node id
        var previous: String?
        for (i, p) in story.ancestry.enumerated() {
            let id = "a\(i)"
            ids[p.entityId] = id
            out += "  \(id) [shape=box, style=\"rounded,dashed\", color=gray50, fontcolor=gray35, "
                + "label=\(quote(processLines(p)))];\n"
            if let previous { out += "  \(previous) -> \(id) [style=dashed, color=gray60];\n" }
            previous = id
        }

        let rules = StoryTextRenderer.alertRulesByEntity(story)
        let processes = story.tree.flattened
        for (i, node) in processes.enumerated() {
            ids[node.entityId] = "p\(i)"
        }
        for (i, node) in processes.enumerated() {
            var lines = processLines(node.process)
            if let chain = StoryTextRenderer.execChain(node) { lines.append("execs: " + chain) }
            var attributes = "shape=box, style=\"rounded"
            if node.isAlerting {
                lines += (rules[node.entityId] ?? []).map { "ALERT " + $0 }
                attributes += ",filled,bold\", color=red, fillcolor=\"#ffe0e0\", fontcolor=red3"
            } else if i == 0 {
                attributes += ",bold\""
            } else {
                attributes += "\""
            }
            out += "  p\(i) [\(attributes), label=\(quote(lines))];\n"
        }
        if let previous { out += "  \(previous) -> p0 [style=dashed, color=gray60];\n" }
        for node in processes {
            guard let parent = node.process.parentEntityId, let from = ids[parent], from.hasPrefix("p"),
                  node.depth > 0, let to = ids[node.entityId] else { continue }
            out += "  \(from) -> \(to)\(node.isAlerting ? " [color=red, penwidth=2]" : "");\n"
        }

        for (i, file) in story.impact.files.prefix(maxFiles).enumerated() {
            var lines = [file.path]
            if file.failures > 0 { lines.append("\(file.failures) failed attempt\(file.failures == 1 ? "" : "s")") }
            out += "  f\(i) [shape=note, style=filled, fillcolor=\"#fff4c2\", label=\(quote(lines))];\n"
            for actor in file.actors {
                guard let from = ids[actor.entityId] else { continue }
                out += "  \(from) -> f\(i) [style=dashed, color=\"#a07800\", label=\(quote([actor.actions.joined(separator: ", ")]))];\n"
            }
        }
        if story.impact.files.count > maxFiles {
            out += "  f_more [shape=plaintext, label=\(quote(["… and \(story.impact.files.count - maxFiles) more files changed"]))];\n"
        }

        for (i, address) in story.impact.addresses.prefix(maxAddresses).enumerated() {
            let endpoint = address.endpoint + (address.transport.map { "/" + $0 } ?? "")
            var lines = [endpoint, address.direction.rawValue]
            if address.failures > 0 { lines.append("\(address.failures) failed") }
            out += "  n\(i) [shape=hexagon, style=filled, fillcolor=\"#dbe7ff\", label=\(quote(lines))];\n"
            for actor in address.actors {
                guard let process = ids[actor.entityId] else { continue }
                let label = quote([actor.actions.joined(separator: ", ")])
                if address.direction == .inbound {
                    out += "  n\(i) -> \(process) [color=\"#3050b0\", label=\(label)];\n"
                } else {
                    out += "  \(process) -> n\(i) [color=\"#3050b0\", label=\(label)];\n"
                }
            }
        }
        if story.impact.addresses.count > maxAddresses {
            out += "  n_more [shape=plaintext, label=\(quote(["… and \(story.impact.addresses.count - maxAddresses) more addresses"]))];\n"
        }
        out += "}\n"
        return out
    }

    // MARK: Helpers

    private static func title(_ story: Story) -> [String] {
        var lines = ["mamori story: \(story.target.kindName) \(story.target.id)"]
        if let incident = story.incident { lines.append("\(incident.title) (risk \(incident.riskScore), \(incident.status))") }
        if story.timelineTruncated { lines.append("timeline cut at \(story.timelineLimit) events") }
        return lines
    }

    private static func processLines(_ p: ProcessRow) -> [String] {
        var lines = ["\(StoryProcess.name(of: p))[\(p.pid == 0 ? "?" : String(p.pid))]"]
        if let exe = p.executable { lines.append(exe) }
        if let cmd = p.commandLine, cmd != p.executable { lines.append(clip(cmd, 80)) }
        if let code = p.exitCode { lines.append("exit \(code)") }
        return lines
    }

    private static func clip(_ s: String, _ n: Int) -> String {
        s.count <= n ? s : String(s.prefix(n - 1)) + "…"
    }

    /// A DOT double-quoted string of `lines` joined by `\n`: control characters shown as
    /// visible escapes first, then backslashes and quotes escaped, so nothing in the data can
    /// end the string or become a Graphviz escape such as `\l`.
    static func quote(_ lines: [String]) -> String {
        let body = lines.map { line -> String in
            var escaped = ""
            for ch in DisplayText.sanitize(clip(line, 200)).unicodeScalars {
                switch ch {
                case "\\": escaped += "\\\\"
                case "\"": escaped += "\\\""
                default: escaped.unicodeScalars.append(ch)
                }
            }
            return escaped
        }.joined(separator: "\\n")
        return "\"" + body + "\""
    }
}
