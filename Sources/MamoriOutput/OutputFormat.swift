import MamoriEvents
import MamoriProcess

/// The schema of exported lines (`output.format`): ECS (Elastic Common Schema, the default)
/// or OCSF 1.4. The store always keeps ECS (its queries read it); this chooses what the alert
/// log, the all-events log and the exporters (syslog, OTLP) carry.
public enum OutputFormat: String, Sendable, CaseIterable {
    case ecs
    case ocsf
}

/// One encoder for whichever `OutputFormat` is configured, with the ECS/OCSF encoders' API.
///
/// Exists so the pipeline holds one value and never branches on the format per call site.
/// A value type owned by one thread.
public struct EventLineEncoder: Sendable {
    public let format: OutputFormat
    private var ecs: ECSEncoder
    private var ocsf: OCSFEncoder

    public init(format: OutputFormat, hostName: String, clock: ClockOffset) {
        self.format = format
        ecs = ECSEncoder(hostName: hostName, clock: clock)
        ocsf = OCSFEncoder(hostName: hostName, clock: clock)
    }

    /// Appends one event line.
    public mutating func encode(_ event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?,
                                into buffer: inout [UInt8]) {
        switch format {
        case .ecs: ecs.encode(event, process: process, parent: parent, into: &buffer)
        case .ocsf: ocsf.encode(event, process: process, parent: parent, into: &buffer)
        }
    }

    /// Appends one alert line.
    public mutating func encodeAlert(_ event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?,
                                     alert: AlertFields, into buffer: inout [UInt8]) {
        switch format {
        case .ecs: ecs.encodeAlert(event, process: process, parent: parent, alert: alert, into: &buffer)
        case .ocsf: ocsf.encodeAlert(event, process: process, parent: parent, alert: alert, into: &buffer)
        }
    }

    /// Appends an OCSF Detection Finding for an alert the agent raised about itself (loss,
    /// guardrail, audit: no triggering event). ECS callers build those lines themselves.
    public mutating func encodeAgentFinding(_ alert: AlertFields, unixNs: Int64, into buffer: inout [UInt8]) {
        ocsf.encodeAgentFinding(alert, unixNs: unixNs, into: &buffer)
    }
}
