import MamoriEvents
import MamoriProcess

/// Encodes sensor events as Elastic Common Schema (ECS) JSON lines.
///
/// Exists because ECS is what SIEMs ingest without a custom pipeline (Elastic, OpenSearch,
/// Splunk CIM mappings, Sigma backends), and because the exporter runs once per event: the
/// encoder appends bytes to a caller-owned buffer that is reused from line to line, with no
/// `JSONEncoder`, no dictionaries and no per-field `String`s. Every field is documented in
/// `docs/events.md`.
///
/// Objects are nested (`{"process":{"pid":1}}`), never dotted keys. Each call appends exactly
/// one line ending in `\n`; clear the buffer (`removeAll(keepingCapacity: true)`) after writing
/// it out, or batch several lines into one `write(2)`.
///
/// A value type owned by one thread (the worker or the exporter that encodes); it is mutated by
/// encoding because it caches user names.
public struct ECSEncoder: Sendable {
    /// ECS version the documents follow (`ecs.version`).
    public static let ecsVersion: StaticString = "8.11.0"

    /// `host.name`.
    public var hostName: String
    /// Converts kernel boot-time stamps to `@timestamp`; replace after a wall-clock step.
    public var clock: ClockOffset
    /// uid → `user.name` cache.
    public var userNames: UserNames

    public init(hostName: String, clock: ClockOffset = .measure(), userNames: UserNames = UserNames()) {
        self.hostName = hostName
        self.clock = clock
        self.userNames = userNames
    }

    /// Appends one JSON line for `event` to `buffer`.
    ///
    /// - Parameters:
    ///   - process: the enrichment record of the acting process (for exec: the record after
    ///     the exec). When `nil`, `process.*` falls back to the record header and subject.
    ///   - parent: the record of the acting process's parent, when known.
    public mutating func encode(_ event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?,
                                into buffer: inout [UInt8]) {
        encode(event, process: process, parent: parent, alert: nil, into: &buffer)
    }

    /// Appends one ECS alert line: the triggering event's document with `event.kind: "alert"`,
    /// `event.severity`/`event.risk_score`, `rule.*`, `threat.*`, `process.Ext`-style ancestry
    /// and the incident (see docs/alerts.md).
    public mutating func encodeAlert(_ event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?,
                                     alert: AlertFields, into buffer: inout [UInt8]) {
        encode(event, process: process, parent: parent, alert: alert, into: &buffer)
    }

    private mutating func encode(_ event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?,
                                 alert: AlertFields?, into buffer: inout [UInt8]) {
        var writer = JSONWriter(bytes: [])
        swap(&writer.bytes, &buffer)  // write in place: no copy of the caller's storage
        defer { swap(&writer.bytes, &buffer) }

        let header = event.header
        writer.beginObject()
        writer.timestamp("@timestamp", unixNanoseconds: clock.unixNanoseconds(boottimeNs: header.ktimeNs))
        writeEventObject(event, alert: alert, to: &writer)
        if let alert { writeAlertObjects(alert, to: &writer) }

        switch event {
        case .exec(let e):
            writeProcess(ProcessFields(exec: e, record: process), parent: parent,
                         parentPid: e.subject.ppid, to: &writer)
            writeUser(e.subject, to: &writer)
        case .fork(let e):
            writeProcess(ProcessFields(header: header, subject: e.subject, record: process),
                         parent: parent, parentPid: e.parentTgid, to: &writer)
            writeUser(e.subject, to: &writer)
        case .exit(let e):
            var fields = ProcessFields(header: header, subject: e.subject, record: process)
            fields.exitCode = ECSVocabulary.shellExitCode(e)
            writeProcess(fields, parent: parent, parentPid: e.subject.ppid, to: &writer)
            writeUser(e.subject, to: &writer)
        case .network(let e):
            writeProcess(ProcessFields(header: header, subject: e.subject, record: process),
                         parent: parent, parentPid: e.subject.ppid, to: &writer)
            writeUser(e.subject, to: &writer)
            writeNetwork(e, to: &writer)
        case .file(let e):
            writeProcess(ProcessFields(header: header, subject: e.subject, record: process),
                         parent: parent, parentPid: e.subject.ppid, to: &writer)
            writeUser(e.subject, to: &writer)
            writeFile(e, to: &writer)
        case .action(let e):
            writeProcess(ProcessFields(header: header, subject: e.subject, record: process),
                         parent: parent, parentPid: e.subject.ppid, to: &writer)
            writeUser(e.subject, to: &writer)
            writeActionTarget(e, to: &writer)
        case .dns(let e):
            if e.header.tgid != 0 {
                writeProcess(ProcessFields(header: header, subject: e.subject, record: process),
                             parent: parent, parentPid: e.subject.ppid, to: &writer)
                writeUser(e.subject, to: &writer)
            }
            writeDNS(e, to: &writer)
        case .tamper(let e):
            writeProcess(ProcessFields(header: header, subject: e.subject, record: process),
                         parent: parent, parentPid: e.subject.ppid, to: &writer)
            writeUser(e.subject, to: &writer)
        case .activity(let e):
            writeProcess(ProcessFields(header: header, subject: e.subject, record: process),
                         parent: parent, parentPid: e.subject.ppid, to: &writer)
            writeUser(e.subject, to: &writer)
            writeActivityFile(e, to: &writer)
        case .gap:
            break  // describes the sensor, not a process
        }

        writer.beginObject("host")
        writer.string("name", hostName)
        writer.endObject()
        writer.beginObject("ecs")
        writer.literal("version", Self.ecsVersion)
        writer.endObject()
        writeMamoriObject(event, process: process, alert: alert, to: &writer)
        writer.endObject()
        writer.endLine()
    }

    /// Convenience for tests and rare callers: one event as a `String` (including the newline).
    public mutating func encodeLine(_ event: SensorEvent, process: ProcessRecord? = nil,
                                    parent: ProcessRecord? = nil) -> String {
        var buffer: [UInt8] = []
        encode(event, process: process, parent: parent, into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    // MARK: event.*

    private func writeEventObject(_ event: SensorEvent, alert: AlertFields?, to writer: inout JSONWriter) {
        writer.beginObject("event")
        if let alert {
            switch alert.kind {
            case .alert: writer.literal("kind", "alert")
            case .notice: writer.literal("kind", "signal")
            }
            writer.number("severity", UInt64(alert.riskScore))
            writer.number("risk_score", UInt64(alert.riskScore))
            writer.string("id", alert.alertId)
        } else {
            writer.literal("kind", "event")
        }
        if let category = ECSVocabulary.category(event) {
            writer.beginArray("category")
            writer.element(category)
            writer.endArray()
        }
        let types = ECSVocabulary.types(event)
        writer.beginArray("type")
        writer.element(types.0)
        if let second = types.1 { writer.element(second) }
        writer.endArray()
        writer.literal("action", ECSVocabulary.action(event))
        if let outcome = ECSVocabulary.outcome(event) { writer.literal("outcome", outcome) }
        writer.endObject()
    }

    // MARK: user.*, group.*

    private mutating func writeUser(_ subject: Subject, to writer: inout JSONWriter) {
        writer.beginObject("user")
        writer.decimalString("id", UInt64(subject.uid))
        if let name = userNames.name(for: subject.uid) { writer.string("name", name) }
        writer.beginObject("effective")
        writer.decimalString("id", UInt64(subject.euid))
        if subject.euid != subject.uid, let name = userNames.name(for: subject.euid) {
            writer.string("name", name)
        }
        writer.endObject()
        writer.endObject()
        writer.beginObject("group")
        writer.decimalString("id", UInt64(subject.gid))
        writer.endObject()
    }

    // MARK: mamori.*

    private func writeMamoriObject(_ event: SensorEvent, process: ProcessRecord?, alert: AlertFields?,
                                   to writer: inout JSONWriter) {
        writer.beginObject("mamori")
        if let alert { writeAlertMamoriFields(alert, to: &writer) }
        writer.literal("kind", ECSVocabulary.kindName(event.kind))
        if let subject = event.subject { writer.number("cgroup_id", subject.cgroupId) }
        if let unit = process?.unit { writer.string("unit", unit) }
        switch event {
        case .exec(let e):
            if !e.flags.isDisjoint(with: [.argsTruncated, .exeTruncated, .cwdTruncated]) {
                writer.bool("truncated", true)
            }
            if e.flags.contains(.argsFault) { writer.bool("args_unreadable", true) }
            if !e.loaderEnvironment.isEmpty {
                writer.beginArray("loader_env")
                for entry in e.loaderEnvironment { writer.element(entry) }
                writer.endArray()
            }
            if let loginUid = e.loginUid { writer.number("login_uid", loginUid) }
            writer.number("exe_inode", e.exeInode)
            writer.beginObject("stdio")
            writer.string("stdin", e.stdio.stdin.description)
            writer.string("stdout", e.stdio.stdout.description)
            writer.string("stderr", e.stdio.stderr.description)
            if e.flags.contains(.exeMemfd) { writer.literal("exe_backing", "memfd") }
            else if e.flags.contains(.exeDeleted) { writer.literal("exe_backing", "deleted") }
            writer.endObject()
        case .fork, .network, .file, .exit, .action, .tamper, .activity, .dns:
            if let loginUid = process?.loginUid { writer.number("login_uid", loginUid) }
        case .gap:
            break
        }
        switch event {
        case .exit(let e):
            if e.signal != 0 { writer.number("signal", e.signal) }
        case .network(let e):
            writer.number("result", e.result)
            if let domain = e.destinationDomain {
                writer.beginObject("destination_domain")
                writer.literal("view", domain.view == .process ? "process" : "host")
                writer.number("age_ms", domain.ageNs / 1_000_000)
                writer.endObject()
            }
        case .dns(let e):
            writeDNSMamori(e, to: &writer)
        case .file(let e):
            if !e.flags.isDisjoint(with: [.pathTruncated, .path2Truncated]) { writer.bool("truncated", true) }
            if !e.flags.isDisjoint(with: [.pathRelative, .path2Relative]) { writer.bool("path_relative", true) }
            if e.flags.contains(.watched) { writer.bool("watched", true) }
            if e.openFlags != 0 { writer.number("open_flags", e.openFlags) }
            writer.number("result", e.result)
        case .gap(let e):
            writeGap(e, to: &writer)
        case .action(let e):
            writeActionMamori(e, to: &writer)
        case .tamper(let e):
            writeTamperMamori(e, to: &writer)
        case .activity(let e):
            writeActivityMamori(e, to: &writer)
        case .exec, .fork:
            break
        }
        writer.endObject()
    }
}
