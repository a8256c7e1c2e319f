import MamoriStore

/// One-line, terminal-safe descriptions of stored rows, shared by the story timeline and the
/// `mamori events` table.
///
/// Exists so that an event reads the same wherever it is printed: an exec shows its command
/// line, a connect `→ 127.0.0.1:4444/tcp`, a file change its path. Stateless; any thread.
public enum EventDescription {
    /// What happened, without who and when (`→ 127.0.0.1:4444/tcp`, `/tmp/x → /tmp/y`).
    public static func detail(_ e: EventRow, limit: Int = 160) -> String {
        var text: String
        switch e.kind {
        case "exec":
            text = e.commandLine ?? e.path ?? e.executable ?? ""
        case "network":
            let transport = e.transport.map { "/" + $0 } ?? ""
            let remote = endpoint(e.dstIP, e.dstPort)
            switch e.action {
            case "accept": text = "← \(remote) on port \(e.srcPort.map(String.init) ?? "?")\(transport)"
            case "listen": text = "listening on \(endpoint(e.srcIP, e.srcPort))\(transport)"
            default: text = "→ \(remote)\(transport)"
            }
        case "file":
            text = e.path ?? "?"
            if let target = e.targetPath { text += " → " + target }
        case "exit":
            text = "exit code \(e.result.map(String.init) ?? "?")"
        case "fork":
            text = "forked from pid \(e.ppid.map(String.init) ?? "?")"
        case "gap":
            text = "\(e.result ?? 0) records lost (\(e.commandLine ?? "?"))"
        default:
            text = e.path ?? e.commandLine ?? ""
        }
        text = DisplayText.clip(text, limit)
        if let result = e.result, result < 0, e.kind == "file" || e.kind == "network",
           !(e.kind == "network" && result == -115) {
            text += " (failed: \(errnoName(-result)))"
        }
        return text
    }

    /// `name[pid]` of the acting process.
    public static func actor(_ e: EventRow) -> String {
        let name = e.executable.map(DisplayText.baseName) ?? "?"
        return DisplayText.clip(name, 24) + "[\(e.pid)]"
    }

    /// `ip:port`, `[v6]:port`.
    public static func endpoint(_ ip: String?, _ port: UInt16?) -> String {
        let address = ip ?? "?"
        let p = port.map(String.init) ?? "?"
        return address.contains(":") ? "[\(address)]:\(p)" : "\(address):\(p)"
    }

    /// `ECONNREFUSED` for 111, `errno 200` for what is not listed.
    public static func errnoName(_ code: Int32) -> String {
        switch code {
        case 1: return "EPERM"
        case 2: return "ENOENT"
        case 13: return "EACCES"
        case 17: return "EEXIST"
        case 20: return "ENOTDIR"
        case 21: return "EISDIR"
        case 28: return "ENOSPC"
        case 30: return "EROFS"
        case 101: return "ENETUNREACH"
        case 110: return "ETIMEDOUT"
        case 111: return "ECONNREFUSED"
        case 113: return "EHOSTUNREACH"
        default: return "errno \(code)"
        }
    }
}
