import MamoriEvents
import MamoriOutput
import MamoriProcess

/// The lines the pipeline hands outside the store: alert lines in the configured
/// `output.format`, and (when `exports.events_json` is on) one line per event.
///
/// Exists so the pipeline encodes ECS once for the store and a second time only when the
/// operator asked for another schema or for every event; with the defaults (ECS, no events
/// log) it costs nothing. Owned by the pipeline worker.
struct ExportLines {
    private var encoder: EventLineEncoder
    private var buffer: [UInt8] = []
    /// Every event as a line (the all-events log); nil = off, nothing is encoded.
    var eventSink: (([UInt8]) -> Void)?

    init(format: OutputFormat, hostName: String, clock: ClockOffset) {
        encoder = EventLineEncoder(format: format, hostName: hostName, clock: clock)
        buffer.reserveCapacity(format == .ecs ? 0 : 8192)
    }

    var format: OutputFormat { encoder.format }

    /// The alert line to export: `ecsLine` itself in ECS, else the same alert re-encoded.
    mutating func alertLine(ecsLine: [UInt8], event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?,
                            alert: AlertFields) -> [UInt8] {
        guard format != .ecs else { return ecsLine }
        buffer.removeAll(keepingCapacity: true)
        encoder.encodeAlert(event, process: process, parent: parent, alert: alert, into: &buffer)
        return buffer
    }

    /// The export line of an alert the agent raised about itself (loss, guardrail, audit):
    /// in OCSF a Detection Finding with no evidence.
    mutating func noticeLine(ecsLine: [UInt8], fields: AlertFields, unixNs: Int64) -> [UInt8] {
        guard format == .ocsf else { return ecsLine }
        buffer.removeAll(keepingCapacity: true)
        encoder.encodeAgentFinding(fields, unixNs: unixNs, into: &buffer)
        return buffer
    }

    /// Encodes and hands out one event line when the all-events log is on.
    mutating func publish(_ event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?) {
        guard let eventSink else { return }
        buffer.removeAll(keepingCapacity: true)
        encoder.encode(event, process: process, parent: parent, into: &buffer)
        eventSink(buffer)
    }
}
