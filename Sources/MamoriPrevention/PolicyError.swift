/// A problem in a prevention policy, with the place it was found.
///
/// Exists so that a typo in /etc/mamori/config.yaml reads `config.yaml:14:5: egress_deny[1].ports:
/// ...` and the agent keeps its previous good policy. An immutable value; any thread.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// Parses "30m", "90s", "2h", "1d", "1h30m" or a bare number of seconds.
///
/// Shared by the policy file (`breaker_window: 60s`) and `mamori level set --for 30m`.
/// Stateless; any thread.
public enum DurationText {
    /// Seconds, or nil when the text is not a positive duration.
    public static func seconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let plain = Double(t) { return plain > 0 ? plain : nil }
        var total = 0.0
        var number = ""
        var sawUnit = false
        for ch in t {
            if ch.isNumber || ch == "." {
                number.append(ch)
                continue
            }
            guard let n = Double(number) else { return nil }
            switch ch {
            case "s": total += n
            case "m": total += n * 60
            case "h": total += n * 3600
            case "d": total += n * 86400
            default: return nil
            }
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit, total > 0 else { return nil }
        return total
    }
}

import Foundation
