/// The one duration grammar of everything an operator types: CLI options (`--for`, `--since`),
/// configuration values (`store.retention.event_age`), rule fields (`timeframe`, `window`).
///
/// Grammar: one or more `<digits><unit>` parts, summed: `500ms`, `30s`, `5m`, `2h`, `7d`, `1w`,
/// `1h30m`. Units are `ms`, `s`, `m`, `h`, `d`, `w` (lower case; spaces around the text are
/// ignored). A bare number means seconds where the caller allows it (`bareSeconds`), because
/// YAML users write `timeframe: 60`; the CLI refuses it so that `--for 30` is not a guess.
/// Every overflow is an error, never a trap. Exists because five parsers with five grammars
/// meant `1w` worked on the CLI but not in config and `500ms` the reverse. Stateless; any thread.
public enum DurationText {
    /// Why a text is not a duration (the caller adds the option or key name).
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case empty
        case unknownUnit(String)
        case numberMissing(before: String)
        case unitMissing(digits: String)
        case tooLong

        public var description: String {
            switch self {
            case .empty: return "empty duration: use a number and a unit, e.g. 30s, 5m, 2h, 1d"
            case .unknownUnit(let u): return "unknown unit '\(u)' (use ms, s, m, h, d or w, e.g. 30m)"
            case .numberMissing(let u): return "'\(u)' needs a number before it, e.g. 30\(u)"
            case .unitMissing(let d): return "\(d) needs a unit: \(d)s, \(d)m, \(d)h or \(d)d"
            case .tooLong: return "the duration is too long"
            }
        }
    }

    static let units: [(name: String, nanoseconds: Int64)] = [
        ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
        ("d", 86_400_000_000_000), ("w", 604_800_000_000_000),
    ]

    /// Nanoseconds of `text` (≥ 0).
    public static func nanoseconds(_ text: String, bareSeconds: Bool = false) -> Result<Int64, Failure> {
        let bytes = Array(trimmed(text).utf8)
        guard !bytes.isEmpty else { return .failure(.empty) }
        var total: Int64 = 0
        var i = 0
        while i < bytes.count {
            var value: Int64 = 0
            let start = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(bytes[i] - 0x30))
                if o1 || o2 { return .failure(.tooLong) }
                value = a
                i += 1
            }
            let digits = String(decoding: bytes[start..<i], as: UTF8.self)
            var unitEnd = i
            while unitEnd < bytes.count, !(bytes[unitEnd] >= 0x30 && bytes[unitEnd] <= 0x39) { unitEnd += 1 }
            let unit = String(decoding: bytes[i..<unitEnd], as: UTF8.self)
            if unit.isEmpty {
                // Digits at the very end with no unit: seconds if allowed and the whole text is one number.
                guard bareSeconds, start == 0 else { return .failure(.unitMissing(digits: digits)) }
                return scaled(value, 1_000_000_000)
            }
            guard let scale = units.first(where: { $0.name == unit })?.nanoseconds else {
                return .failure(.unknownUnit(unit))
            }
            guard !digits.isEmpty else { return .failure(.numberMissing(before: unit)) }
            switch scaled(value, scale) {
            case .failure(let f): return .failure(f)
            case .success(let part):
                let (sum, o) = total.addingReportingOverflow(part)
                if o { return .failure(.tooLong) }
                total = sum
            }
            i = unitEnd
        }
        return .success(total)
    }

    /// Whole seconds of `text`, rounded up (a `500ms` hold is one second, not none).
    public static func seconds(_ text: String, bareSeconds: Bool = false) -> Result<Int64, Failure> {
        nanoseconds(text, bareSeconds: bareSeconds).map { ($0 + 999_999_999) / 1_000_000_000 }
    }

    /// The shortest exact text for a number of milliseconds: `0s`, `500ms`, `90s`, `5m`, `2h`, `7d`.
    public static func format(milliseconds ms: Int64) -> String {
        if ms == 0 { return "0s" }
        if ms % 1_000 != 0 { return "\(ms)ms" }
        let s = ms / 1_000
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60)] where s % size == 0 {
            return "\(s / size)\(unit)"
        }
        return "\(s)s"
    }

    private static func scaled(_ value: Int64, _ scale: Int64) -> Result<Int64, Failure> {
        let (n, o) = value.multipliedReportingOverflow(by: scale)
        return o ? .failure(.tooLong) : .success(n)
    }

    private static func trimmed(_ text: String) -> Substring {
        var s = Substring(text)
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
    }
}
