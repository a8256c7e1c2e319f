import MamoriText
import Glibc

/// Builds RFC 5424 messages for alerts:
/// `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [mamori@32473 rule=".." risk=".." incident=".."] BOM{ECS JSON}`.
///
/// Exists so that formatting (pure, testable without a network) is separate from transport.
/// PRI = facility × 8 + the alert's syslog severity (`AlertSeverity.syslogSeverity`). The
/// timestamp is UTC with microseconds. Header fields are restricted to printable US-ASCII as
/// the RFC requires (others become `_`, empty ones `-`). Value type; owned by one thread.
public struct SyslogFormatter: Sendable {
    /// The private enterprise number used in the SD-ID (`mamori@32473`: 32473 is the
    /// documentation PEN from RFC 5612).
    public static let sdID = "mamori@32473"

    public var facility: SyslogFacility
    public var hostname: String
    public var appName: String
    public var procID: String
    public var msgID: String

    public init(facility: SyslogFacility = .authpriv, hostname: String = SyslogFormatter.localHostname(),
                appName: String = "mamori", procID: String = String(getpid()), msgID: String = "alert") {
        self.facility = facility
        self.hostname = Self.headerField(hostname, max: 255)
        self.appName = Self.headerField(appName, max: 48)
        self.procID = Self.headerField(procID, max: 128)
        self.msgID = Self.headerField(msgID, max: 32)
    }

    /// The message. With `maxBytes`, a message that would be longer is cut (MSG only, on a
    /// UTF-8 boundary) and marked with `truncated="true"` in the structured data.
    public func format(_ alert: ExportAlert, maxBytes: Int? = nil) -> [UInt8] {
        let document = alert.document
        var out = header(alert, truncated: false)
        out.append(contentsOf: Self.bom)
        guard let maxBytes, out.count + document.count > maxBytes else {
            out.append(contentsOf: document)
            return out
        }
        out = header(alert, truncated: true)
        out.append(contentsOf: Self.bom)
        var room = max(0, maxBytes - out.count)
        // Never split a UTF-8 sequence: back up over continuation bytes.
        while room > 0 && room < document.count && document[document.startIndex + room] & 0xC0 == 0x80 { room -= 1 }
        out.append(contentsOf: document.prefix(room))
        return out
    }

    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    private func header(_ alert: ExportAlert, truncated: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + alert.line.count)
        let pri = facility.rawValue * 8 + alert.severity.syslogSeverity
        out.append(contentsOf: "<\(pri)>1 ".utf8)
        Self.appendTimestamp(alert.timeUnixNano, to: &out)
        for field in [hostname, appName, procID, msgID] {
            out.append(0x20)
            out.append(contentsOf: field.utf8)
        }
        out.append(contentsOf: " [\(Self.sdID)".utf8)
        Self.appendParam("rule", alert.ruleId, to: &out)
        Self.appendParam("risk", String(alert.riskScore), to: &out)
        Self.appendParam("incident", alert.incidentId, to: &out)
        Self.appendParam("severity", alert.severity.word, to: &out)
        if !alert.techniques.isEmpty { Self.appendParam("technique", alert.techniques.joined(separator: ","), to: &out) }
        if truncated { Self.appendParam("truncated", "true", to: &out) }
        out.append(contentsOf: "] ".utf8)
        return out
    }

    /// ` name="value"` with `"`, `\` and `]` escaped by a backslash (RFC 5424 §6.3.3).
    static func appendParam(_ name: String, _ value: String, to out: inout [UInt8]) {
        out.append(0x20)
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: "=\"".utf8)
        for byte in value.utf8 {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "]") { out.append(0x5C) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `2026-11-27T07:02:13.123456Z` (MamoriText's `RFC3339`, the exporters' one timestamp form).
    static func appendTimestamp(_ nanos: UInt64, to out: inout [UInt8]) {
        RFC3339.append(unixNanoseconds: Int64(clamping: nanos), to: &out)
    }

    /// PRINTUSASCII only, at most `max` bytes, `-` when empty.
    static func headerField(_ value: String, max: Int) -> String {
        let cleaned = value.utf8.prefix(max).map { $0 >= 33 && $0 <= 126 ? $0 : UInt8(ascii: "_") }
        return cleaned.isEmpty ? "-" : String(decoding: cleaned, as: UTF8.self)
    }

    /// gethostname(2), or "-".
    public static func localHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "-" }
        return cString(buffer)
    }
}

/// RFC 5424 facilities (config key `exports.syslog.facility`, by name).
/// Immutable; any thread may use it.
public enum SyslogFacility: Int, Sendable, CaseIterable {
    case kern = 0, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp
    case local0 = 16, local1, local2, local3, local4, local5, local6, local7

    /// "auth", "authpriv", "daemon", "local0" … "local7", … (also "security" = auth).
    public init?(name: String) {
        let n = name.lowercased()
        if n == "security" { self = .auth; return }
        guard let match = Self.allCases.first(where: { "\($0)" == n }) else { return nil }
        self = match
    }
}
