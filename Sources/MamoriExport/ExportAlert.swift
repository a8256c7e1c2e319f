import Glibc

/// One alert as the exporters see it: the ECS JSON line the agent already encoded, plus the few
/// fields the transports put in their own headers (syslog structured data, OTLP attributes).
///
/// Exists so that MamoriExport does not depend on the detection or output modules: the agent
/// fills it from `AlertFields`. The line is shared copy-on-write between exporters, never
/// copied. Immutable value; any thread may use it.
public struct ExportAlert: Sendable {
    /// The ECS JSON document (a trailing newline, if present, is ignored by syslog and OTLP).
    public var line: [UInt8]
    public var severity: AlertSeverity
    public var ruleId: String
    /// 0–100.
    public var riskScore: Int
    public var incidentId: String
    /// ATT&CK technique ids ("T1059.004").
    public var techniques: [String]
    /// Wall-clock time of the alert, nanoseconds since the Unix epoch.
    public var timeUnixNano: UInt64

    public init(line: [UInt8], severity: AlertSeverity, ruleId: String, riskScore: Int,
                incidentId: String, techniques: [String] = [], timeUnixNano: UInt64 = WallClock.nowNanos()) {
        self.line = line; self.severity = severity; self.ruleId = ruleId; self.riskScore = riskScore
        self.incidentId = incidentId; self.techniques = techniques; self.timeUnixNano = timeUnixNano
    }

    /// The JSON document without its trailing newline.
    var document: ArraySlice<UInt8> {
        var end = line.endIndex
        while end > line.startIndex, line[end - 1] == 0x0A || line[end - 1] == 0x0D { end -= 1 }
        return line[line.startIndex..<end]
    }
}

/// Clocks the exporters use. Any thread may use them.
public enum WallClock {
    /// CLOCK_REALTIME in nanoseconds since the Unix epoch.
    public static func nowNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// CLOCK_MONOTONIC in seconds, for deadlines and backoff.
    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
