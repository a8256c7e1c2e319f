/// The five Sigma levels, and how each export format spells them.
///
/// Exists so that the syslog severity and the OTLP severity number are derived from one table
/// (docs/exports.md, "Severity mapping"). Immutable; any thread may use it.
public enum AlertSeverity: Int, Sendable, CaseIterable, Comparable {
    case informational = 0, low, medium, high, critical

    /// Parses a rule level word ("informational", "low", "medium", "high", "critical");
    /// unknown words map to `.medium` so an alert is never lost for its spelling.
    public init(word: String) {
        switch word.lowercased() {
        case "informational", "info": self = .informational
        case "low": self = .low
        case "high": self = .high
        case "critical": self = .critical
        default: self = .medium
        }
    }

    public var word: String {
        switch self {
        case .informational: return "informational"
        case .low: return "low"
        case .medium: return "medium"
        case .high: return "high"
        case .critical: return "critical"
        }
    }

    /// RFC 5424 severity: critical→2 crit, high→3 err, medium→4 warning, low→5 notice,
    /// informational→6 info. (0 emerg and 1 alert are left for the host itself.)
    public var syslogSeverity: Int {
        switch self {
        case .critical: return 2
        case .high: return 3
        case .medium: return 4
        case .low: return 5
        case .informational: return 6
        }
    }

    /// OpenTelemetry SeverityNumber: INFO(9), INFO2(10), WARN(13), ERROR(17), FATAL(21).
    public var otlpSeverityNumber: Int {
        switch self {
        case .informational: return 9
        case .low: return 10
        case .medium: return 13
        case .high: return 17
        case .critical: return 21
        }
    }

    /// OpenTelemetry SeverityText: the short name of `otlpSeverityNumber`.
    public var otlpSeverityText: String {
        switch self {
        case .informational: return "INFO"
        case .low: return "INFO2"
        case .medium: return "WARN"
        case .high: return "ERROR"
        case .critical: return "FATAL"
        }
    }

    public static func < (a: AlertSeverity, b: AlertSeverity) -> Bool { a.rawValue < b.rawValue }
}
