import MamoriEvents
import MamoriProcess

/// Encodes sensor events and alerts as OCSF 1.4 JSON lines (Open Cybersecurity Schema
/// Framework), the schema AWS Security Lake, Splunk and many SIEMs ingest natively.
///
/// Exists beside `ECSEncoder` so an operator can pick the schema their pipeline speaks
/// (`output.format: ocsf`) for the alert log, the all-events log and OTLP. Events become Process
/// Activity (1007), File System Activity (1001), Network Activity (4001) or DNS Activity (4003); alerts become
/// Detection Findings (2004) carrying the triggering event's process, file or endpoint as
/// evidence. Documents use the `host` profile (`actor`, `device` on every class). What OCSF has
/// no attribute for goes under `unmapped.mamori`. Same cost model as the ECS encoder: bytes
/// appended to a caller-owned buffer, no dictionaries, no `JSONEncoder`.
///
/// A value type owned by one thread; mutated by encoding because it caches user names.
public struct OCSFEncoder: Sendable {
    public var hostName: String
    public var clock: ClockOffset
    public var userNames: UserNames

    public init(hostName: String, clock: ClockOffset = .measure(), userNames: UserNames = UserNames()) {
        self.hostName = hostName
        self.clock = clock
        self.userNames = userNames
    }

    /// Appends one OCSF event line for `event` (see `ECSEncoder.encode` for the arguments).
    public mutating func encode(_ event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?,
                                into buffer: inout [UInt8]) {
        var writer = JSONWriter(bytes: [])
        swap(&writer.bytes, &buffer)
        defer { swap(&writer.bytes, &buffer) }
        let placement = OCSFClassification.placement(of: event)
        writer.beginObject()
        writeClassification(placement, severityId: 1, time: event.header.ktimeNs, to: &writer)
        writeMetadata(uid: nil, to: &writer)
        writeDevice(to: &writer)
        writeEventBody(event, process: process, parent: parent, placement: placement, to: &writer)
        writeUnmapped(event, process: process, alert: nil, to: &writer)
        writer.endObject()
        writer.endLine()
    }

    /// Appends one Detection Finding line: the rule, ATT&CK, score, and the triggering event's
    /// actor and objects as evidence.
    public mutating func encodeAlert(_ event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?,
                                     alert: AlertFields, into buffer: inout [UInt8]) {
        var writer = JSONWriter(bytes: [])
        swap(&writer.bytes, &buffer)
        defer { swap(&writer.bytes, &buffer) }
        writer.beginObject()
        writeClassification(OCSFClassification.finding, severityId: OCSFClassification.severityId(alert.severityWord),
                            time: event.header.ktimeNs, to: &writer)
        writeMetadata(uid: alert.alertId, to: &writer)
        writeDevice(to: &writer)
        writeFinding(alert, to: &writer)
        writeEvidence(event, process: process, parent: parent, to: &writer)
        writeUnmapped(event, process: process, alert: alert, to: &writer)
        writer.endObject()
        writer.endLine()
    }

    /// Appends a Detection Finding for an alert about the agent itself (no triggering event,
    /// no evidence): the sensor lost records, a guardrail engaged, the level changed.
    public mutating func encodeAgentFinding(_ alert: AlertFields, unixNs: Int64, into buffer: inout [UInt8]) {
        var writer = JSONWriter(bytes: [])
        swap(&writer.bytes, &buffer)
        defer { swap(&writer.bytes, &buffer) }
        let p = OCSFClassification.finding
        writer.beginObject()
        writer.number("class_uid", UInt64(p.classUid))
        writer.number("category_uid", UInt64(p.categoryUid))
        writer.number("activity_id", UInt64(p.activityId))
        writer.number("type_uid", UInt64(p.typeUid))
        writer.number("severity_id", UInt64(OCSFClassification.severityId(alert.severityWord)))
        writer.number("time", unixNs / 1_000_000)
        writeMetadata(uid: alert.alertId, to: &writer)
        writeDevice(to: &writer)
        writeFinding(alert, to: &writer)
        if let response = alert.response { writer.string("message", response) }
        writer.beginObject("unmapped")
        writer.beginObject("mamori")
        writer.literal("kind", "agent")
        writer.endObject()
        writer.endObject()
        writer.endObject()
        writer.endLine()
    }

    /// Convenience for tests: one event as a `String` (newline included).
    public mutating func encodeLine(_ event: SensorEvent, process: ProcessRecord? = nil,
                                    parent: ProcessRecord? = nil) -> String {
        var buffer: [UInt8] = []
        encode(event, process: process, parent: parent, into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    // MARK: Common attributes

    private func writeClassification(_ p: OCSFClassification.Placement, severityId: Int, time ktimeNs: UInt64,
                                     to writer: inout JSONWriter) {
        writer.number("class_uid", UInt64(p.classUid))
        writer.number("category_uid", UInt64(p.categoryUid))
        writer.number("activity_id", UInt64(p.activityId))
        writer.number("type_uid", UInt64(p.typeUid))
        writer.number("severity_id", UInt64(severityId))
        writer.number("time", unixMilliseconds(boottimeNs: ktimeNs))
    }

    private func writeMetadata(uid: String?, to writer: inout JSONWriter) {
        writer.beginObject("metadata")
        writer.literal("version", OCSFClassification.schemaVersion)
        if let uid { writer.string("uid", uid) }
        writer.beginArray("profiles")
        writer.element("host" as StaticString)
        writer.endArray()
        writer.beginObject("product")
        writer.literal("name", "Mamori")
        writer.literal("vendor_name", "Mamori")
        writer.endObject()
        writer.endObject()
    }

    private func writeDevice(to writer: inout JSONWriter) {
        writer.beginObject("device")
        writer.number("type_id", UInt64(1))  // Server
        writer.string("hostname", hostName)
        writer.beginObject("os")
        writer.literal("name", "Linux")
        writer.number("type_id", UInt64(200))  // Linux
        writer.endObject()
        writer.endObject()
    }

    /// Boot-time nanoseconds → Unix milliseconds (`timestamp_t`).
    func unixMilliseconds(boottimeNs: UInt64) -> Int64 {
        clock.unixNanoseconds(boottimeNs: boottimeNs) / 1_000_000
    }
}
