import Glibc
import MamoriDetection
import MamoriSensor

/// Why the agent could not start (or reload), with what to do about it.
public enum AgentError: Error, CustomStringConvertible {
    case sensor(SensorError)
    case rules(directory: String, diagnostics: [RuleDiagnostic])
    case noRules(directory: String)
    case alertLog(path: String, errno: Int32)
    case store(path: String, message: String)

    public var description: String {
        switch self {
        case .sensor(let e):
            return e.description
        case .rules(let dir, let diags):
            let shown = diags.prefix(20).map { "  \($0)" }.joined(separator: "\n")
            let more = diags.count > 20 ? "\n  ... and \(diags.count - 20) more" : ""
            return "rules in \(dir) have errors (previous rules, if any, stay active):\n\(shown)\(more)"
        case .noRules(let dir):
            return "no rules loaded from \(dir): pass --rules DIR (the default pack is rules/ in the source tree)"
        case .alertLog(let path, let e):
            return "cannot open the alert log \(path): \(String(cString: strerror(e))) (errno \(e)); pass --alerts PATH"
        case .store(let path, let message):
            return "cannot open the store \(path): \(message); pass --db PATH or --no-store"
        }
    }
}
