import MamoriText
/// Parses what operators type for the control commands: durations (`30m`, `1h30m`), levels
/// (`3`, `lockdown`), scopes (`nginx.service`, `/system.slice/nginx.service`), response targets.
///
/// Exists here (not in the CLI) so the rules are unit-tested and shared by any front end. Each
/// failure is a message naming the option and the bad value. Stateless; any thread.
public enum ControlArguments {
    /// An argument the operator must fix; `description` is the whole message.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// The longest `--for` accepted.
    public static let maxDurationSeconds: Int64 = 366 * 86_400

    /// Seconds in `30s`, `30m`, `2h`, `1d`, `1w`, or a sum such as `1h30m` (MamoriText's grammar;
    /// a unit is required).
    public static func duration(_ text: String, option: String = "--for") throws(Invalid) -> Int64 {
        let total: Int64
        switch DurationText.seconds(text) {
        case .success(let s): total = s
        case .failure(let f): throw Invalid("\(option): '\(text)': \(f)")
        }
        guard total > 0 else { throw Invalid("\(option): '\(text)' must be longer than zero") }
        guard total <= maxDurationSeconds else {
            throw Invalid("\(option): '\(text)' is longer than the maximum of 366 days")
        }
        return total
    }

    /// A level by number (0...99) or name (lowercase letters, digits, '-' or '_').
    public static func level(_ text: String) throws(Invalid) -> LevelSelector {
        let t = text.trimmingSpaces()
        if let n = Int(t) {
            guard (0...99).contains(n) else { throw Invalid("level \(n) is out of range: levels are 0 to 99") }
            return .number(n)
        }
        let lowered = t.lowercased()
        guard let first = lowered.first, first.isLetter,
              lowered.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" }) else {
            throw Invalid("'\(text)' is not a level: give a number (0-4 by default) or a name such as "
                          + "monitor, known-bad, critical, high, lockdown")
        }
        return .name(lowered)
    }

    /// `--scope`: a systemd unit (`nginx.service`, or `unit:NAME`) or a cgroup path
    /// (`/system.slice/nginx.service`, or `cgroup:PATH`).
    public static func scope(_ text: String) throws(Invalid) -> ControlScope {
        let t = text.trimmingSpaces()
        if t.hasPrefix("unit:") { return try unit(String(t.dropFirst(5)), original: text) }
        if t.hasPrefix("cgroup:") { return try cgroup(String(t.dropFirst(7)), original: text) }
        if t.hasPrefix("/") { return try cgroup(t, original: text) }
        return try unit(t, original: text)
    }

    /// `--pid`: a positive process id other than 1.
    public static func pid(_ value: Int) throws(Invalid) -> Int32 {
        guard value > 1, value <= Int(Int32.max) else {
            throw Invalid("--pid \(value): give the id of a process other than init (pid > 1)")
        }
        return Int32(value)
    }

    private static let unitSuffixes = [".service", ".scope", ".slice", ".socket", ".timer", ".mount", ".target"]

    private static func unit(_ name: String, original: String) throws(Invalid) -> ControlScope {
        guard unitSuffixes.contains(where: { name.hasSuffix($0) && name.count > $0.count }),
              !name.contains("/"), !name.contains(where: { $0 == " " || $0 == "\t" }) else {
            throw Invalid("--scope '\(original)' is neither a systemd unit (nginx.service, user-1000.slice) "
                          + "nor a cgroup path (/system.slice/nginx.service)")
        }
        return .unit(name)
    }

    private static func cgroup(_ path: String, original: String) throws(Invalid) -> ControlScope {
        guard path.hasPrefix("/"), !path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
            throw Invalid("--scope '\(original)': a cgroup path starts with '/' and has no '.' or '..' components")
        }
        return .cgroup(path)
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
