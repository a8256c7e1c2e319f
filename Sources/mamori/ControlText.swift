import Foundation
import MamoriControl

/// Human-readable renderings of the agent's replies (the `--json` forms are the DTOs as is).
/// Pure functions; any thread.
enum ControlText {
    static func level(_ s: LevelState) -> String {
        var out = "level: \(s.level) \(s.levelName) (host)\n"
        if let t = s.temporary {
            out += "  temporary: reverts to \(t.revertTo) \(t.revertToName) at \(ControlCLI.time(unixSeconds: t.expiresAt))\n"
        }
        if !s.overrides.isEmpty {
            out += "scope overrides:\n"
            for o in s.overrides {
                var line = "  \(o.scope): \(o.level) \(o.levelName)"
                if let until = o.expiresAt { line += ", until \(ControlCLI.time(unixSeconds: until))" }
                if let reason = o.reason { line += " — \(reason)" }
                out += line + "\n"
            }
        }
        if !s.ladder.isEmpty {
            out += "ladder:\n"
            for step in s.ladder {
                let mark = step.number == s.level ? "▶" : " "
                out += " \(mark) \(step.number) \(step.name.padding(toLength: 10, withPad: " ", startingAt: 0)) "
                    + step.enables.joined(separator: "; ") + "\n"
            }
        }
        return out
    }

    static func simulation(_ r: SimulationReport) -> String {
        let from = ControlCLI.time(unixSeconds: r.sinceUnixNs / 1_000_000_000)
        var out = "level \(r.level) \(r.levelName) over \(r.eventsReplayed) events since \(from):\n"
        if r.byRule.isEmpty && r.byExecutable.isEmpty && r.byDestination.isEmpty {
            return out + "  nothing would have been killed or blocked\n"
        }
        for (title, entries) in [("by rule", r.byRule), ("by executable", r.byExecutable),
                                 ("by destination", r.byDestination)] where !entries.isEmpty {
            out += "\(title):\n"
            for e in entries {
                out += "  \(String(e.count).leftPad(6))  \(e.action.padding(toLength: 12, withPad: " ", startingAt: 0)) \(e.key)\n"
                if !e.exampleLineage.isEmpty { out += "          e.g. " + e.exampleLineage.joined(separator: " > ") + "\n" }
            }
        }
        return out
    }

    static func status(_ s: StatusReport) -> String {
        var out = """
            agent:       running, pid \(s.pid), version \(s.version), up \(ControlCLI.span(s.uptimeSeconds))
            level:       \(s.level.level) \(s.level.levelName)\(s.level.overrides.isEmpty ? "" : " (+\(s.level.overrides.count) scope overrides)")\(s.isolated ? ", HOST ISOLATED" : "")
            prevention:  \(s.preventionMechanism)
            kernel:      \(s.capabilities.joined(separator: ", "))
            rules:       \(s.rulesLoaded) loaded
            events:      \(String(format: "%.1f", s.eventsPerSecond))/s, queue depth \(s.queueDepth), drops \(s.kernelDrops) kernel + \(s.queueDrops) queue
            store:       \(s.storePath ?? "-") (\(bytes(s.storeSizeBytes)))\(s.alertCount.map { ", \($0) alerts" } ?? "")

            """
        out += "last alert:  " + (s.lastAlert.map(alertLine) ?? "none") + "\n"
        for warning in s.degraded { out += "DEGRADED:    \(TerminalText.sanitize(warning))\n" }
        return out
    }

    static func alertLine(_ a: AlertNotice) -> String {
        let t = ControlCLI.time(unixSeconds: a.tsUnixNs / 1_000_000_000)
        var line = "\(t) \(a.severity.uppercased()) \(a.ruleId) (risk \(a.riskScore)) \(a.ruleName)"
        if let incident = a.incidentUUID { line += " incident \(incident)" }
        if let response = a.response { line += " → \(response)" }
        return TerminalText.sanitize(line)
    }

    static func bytes(_ n: Int64) -> String {
        if n >= 1 << 30 { return String(format: "%.1f GiB", Double(n) / Double(1 << 30)) }
        if n >= 1 << 20 { return String(format: "%.1f MiB", Double(n) / Double(1 << 20)) }
        if n >= 1 << 10 { return String(format: "%.1f KiB", Double(n) / Double(1 << 10)) }
        return "\(n) B"
    }
}

extension String {
    fileprivate func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
