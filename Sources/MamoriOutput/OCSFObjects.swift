import MamoriEvents
import MamoriProcess

/// The per-class bodies of OCSF event lines: `process`, `actor`, `file`, endpoints,
/// `connection_info`, and `unmapped.mamori` for what OCSF has no attribute for.
extension OCSFEncoder {
    mutating func writeEventBody(_ event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?,
                                 placement: OCSFClassification.Placement, to writer: inout JSONWriter) {
        let header = event.header
        switch event {
        case .exec(let e):
            // The launched image is `process`; the actor is the parent that started it.
            writeProcessObject("process", ProcessFields(exec: e, record: process), parent: parent,
                               parentPid: e.subject.ppid, subject: e.subject, to: &writer)
            writeActor(parentRecord: parent, fallbackPid: e.subject.ppid, subject: e.subject, to: &writer)
        case .fork(let e):
            writeProcessObject("process", ProcessFields(header: header, subject: e.subject, record: process),
                               parent: parent, parentPid: e.parentTgid, subject: e.subject, to: &writer)
            writeActor(parentRecord: parent, fallbackPid: e.parentTgid, subject: e.subject, to: &writer)
        case .exit(let e):
            var fields = ProcessFields(header: header, subject: e.subject, record: process)
            fields.exitCode = ECSVocabulary.shellExitCode(e)
            if let code = fields.exitCode { writer.number("exit_code", code) }
            writeProcessObject("process", fields, parent: parent, parentPid: e.subject.ppid, subject: e.subject, to: &writer)
            writeActor(fields, parent: parent, subject: e.subject, to: &writer)
        case .network(let e):
            writeActor(ProcessFields(header: header, subject: e.subject, record: process), parent: parent,
                       subject: e.subject, to: &writer)
            writeNetworkObjects(e, to: &writer)
            writer.number("status_id", UInt64(placement.activityId == 4 || placement.activityId == 5 ? 2 : 1))
        case .file(let e):
            writeActor(ProcessFields(header: header, subject: e.subject, record: process), parent: parent,
                       subject: e.subject, to: &writer)
            writeFileObjects(e, to: &writer)
            writer.number("status_id", UInt64(e.result == 0 ? 1 : 2))
        case .dns(let e):
            writeActor(ProcessFields(header: header, subject: e.subject, record: process), parent: parent,
                       subject: e.subject, to: &writer)
            writeDNSObjects(e, to: &writer)
        case .action(let e):
            writeActor(ProcessFields(header: header, subject: e.subject, record: process), parent: parent,
                       subject: e.subject, to: &writer)
            writer.string("message", "prevention \(e.action) (\(e.reason))\(e.enforced ? "" : ", not enforced")")
        case .tamper(let e):
            writeActor(ProcessFields(header: header, subject: e.subject, record: process), parent: parent,
                       subject: e.subject, to: &writer)
            writer.string("message", "aimed at the agent: \(e.valueName)")
        case .activity(let e):
            writeActor(ProcessFields(header: header, subject: e.subject, record: process), parent: parent,
                       subject: e.subject, to: &writer)
            writer.string("message", "activity \(e.action)")
        case .gap(let e):
            writer.string("message", "\(e.totalLost) kernel records lost on cpu \(e.cpu)")
        }
    }

    /// `actor` for an event the process did itself.
    mutating func writeActor(_ fields: ProcessFields, parent: ProcessRecord?, subject: Subject,
                             to writer: inout JSONWriter) {
        writer.beginObject("actor")
        writeProcessObject("process", fields, parent: parent, parentPid: subject.ppid, subject: subject, to: &writer)
        writeUser("user", uid: subject.uid, to: &writer)
        writer.endObject()
    }

    /// `actor` for a launch: the parent, from its record or just its pid.
    mutating func writeActor(parentRecord: ProcessRecord?, fallbackPid: UInt32, subject: Subject,
                             to writer: inout JSONWriter) {
        writer.beginObject("actor")
        writer.beginObject("process")
        if let p = parentRecord {
            writeProcessSummary(p, to: &writer)
        } else {
            writer.number("pid", fallbackPid)
        }
        writer.endObject()
        writeUser("user", uid: subject.uid, to: &writer)
        writer.endObject()
    }

    /// A `process` object (named `key`): identity, image, command line, owner, parent.
    mutating func writeProcessObject(_ key: StaticString, _ f: ProcessFields, parent: ProcessRecord?, parentPid: UInt32,
                                     subject: Subject, to writer: inout JSONWriter) {
        writer.beginObject(key)
        writer.number("pid", f.pid)
        writer.number("tid", f.threadId)
        if let id = f.entityId { writer.string("uid", id) }
        writer.string("name", f.name)
        if !f.args.isEmpty { writeCommandLine(f.args, to: &writer) }
        if let exe = f.executable {
            writer.string("path", exe)
            writeExecutableFile(exe, to: &writer)
        }
        if let cwd = f.workingDirectory { writer.string("working_directory", cwd) }
        writer.number("created_time", unixMilliseconds(boottimeNs: f.startBoottimeNs))
        writeUser("user", uid: subject.euid, to: &writer)
        if f.sessionId != 0 {
            writer.beginObject("session")
            writer.decimalString("uid", UInt64(f.sessionId))
            if let tty = f.tty { writer.string("terminal", tty) }
            writer.endObject()
        }
        if let parent {
            writer.beginObject("parent_process")
            writeProcessSummary(parent, to: &writer)
            writer.endObject()
        } else if parentPid != 0 {
            writer.beginObject("parent_process")
            writer.number("pid", parentPid)
            writer.endObject()
        }
        writer.endObject()
    }

    /// The members of a process object known from an enrichment record (no nesting).
    func writeProcessSummary(_ p: ProcessRecord, to writer: inout JSONWriter) {
        writer.number("pid", p.pid)
        writer.string("uid", p.entityId)
        writer.string("name", p.name)
        if !p.args.isEmpty { writeCommandLine(p.args, to: &writer) }
        if !p.executable.isEmpty {
            writer.string("path", p.executable)
            writeExecutableFile(p.executable, to: &writer)
        }
        writer.number("created_time", unixMilliseconds(boottimeNs: p.startBoottimeNs))
    }

    private func writeExecutableFile(_ path: String, to writer: inout JSONWriter) {
        writer.beginObject("file")
        writer.string("path", path)
        writer.string("name", ProcessFields.baseName(path) ?? path)
        writer.number("type_id", UInt64(1))  // Regular File
        writer.endObject()
    }

    private func writeCommandLine(_ args: [String], to writer: inout JSONWriter) {
        writer.beginMember("cmd_line")
        writer.openString()
        for (index, arg) in args.enumerated() {
            if index > 0 { writer.appendStringContent(" ") }
            writer.appendStringContent(arg)
        }
        writer.closeString()
    }

    mutating func writeUser(_ key: StaticString, uid: UInt32, to writer: inout JSONWriter) {
        writer.beginObject(key)
        writer.decimalString("uid", UInt64(uid))
        if let name = userNames.name(for: uid) { writer.string("name", name) }
        writer.endObject()
    }

    // MARK: Network

    func writeNetworkObjects(_ e: NetworkEvent, to writer: inout JSONWriter) {
        switch e.op {
        case .connect, .send:
            writeEndpoint("src_endpoint", e.source, e.sourcePort, to: &writer)
            writeEndpoint("dst_endpoint", e.destination, e.destinationPort, to: &writer)
        case .accept:
            writeEndpoint("src_endpoint", e.destination, e.destinationPort, to: &writer)
            writeEndpoint("dst_endpoint", e.source, e.sourcePort, to: &writer)
        case .listen:
            writeEndpoint("dst_endpoint", e.source, e.sourcePort, to: &writer)
        }
        writer.beginObject("connection_info")
        writer.number("protocol_num", UInt64(e.proto))
        writer.string("protocol_name", e.transport)
        switch e.op {
        case .connect, .send: writer.number("direction_id", UInt64(2))  // Outbound
        case .accept: writer.number("direction_id", UInt64(1))          // Inbound
        case .listen: writer.number("direction_id", UInt64(0))          // Unknown
        }
        writer.number("protocol_ver_id", UInt64(e.family == .inet ? 4 : 6))
        writer.endObject()
    }

    func writeEndpoint(_ key: StaticString, _ address: IPAddress, _ port: UInt16, to writer: inout JSONWriter) {
        writer.beginObject(key)
        writer.string("ip", address.description)
        writer.number("port", port)
        writer.endObject()
    }

    // MARK: File

    /// `file` (the object acted on; for a rename the old name) and, for a rename,
    /// `file_result` (the new name), as OCSF's File System Activity defines them.
    func writeFileObjects(_ e: FileEvent, to writer: inout JSONWriter) {
        writeFileObject("file", path: e.path, event: e, to: &writer)
        if let target = e.targetPath {
            writeFileObject("file_result", path: target, event: e, to: &writer)
        }
    }

    private func writeFileObject(_ key: StaticString, path: String, event e: FileEvent, to writer: inout JSONWriter) {
        writer.beginObject(key)
        writer.string("path", path)
        writer.string("name", ProcessFields.baseName(path) ?? path)
        writer.number("type_id", UInt64(1))  // Regular File
        if e.inode != 0 {
            writer.beginMember("uid")
            writer.openString()
            writer.appendDecimal(UInt64(e.device))
            writer.appendStringContent(":")
            writer.appendDecimal(e.inode)
            writer.closeString()
        }
        if e.op == .chown, let uid = e.ownerUid {
            writer.beginObject("owner")
            writer.decimalString("uid", UInt64(uid))
            writer.endObject()
        }
        writer.endObject()
    }

    // MARK: unmapped.mamori

    func writeUnmapped(_ event: SensorEvent, process: ProcessRecord?, alert: AlertFields?, to writer: inout JSONWriter) {
        writer.beginObject("unmapped")
        writer.beginObject("mamori")
        writer.literal("kind", ECSVocabulary.kindName(event.kind))
        writer.literal("action", ECSVocabulary.action(event))
        if let subject = event.subject { writer.number("cgroup_id", subject.cgroupId) }
        if let unit = process?.unit { writer.string("unit", unit) }
        switch event {
        case .file(let e):
            if e.op == .chmod || (e.op == .create && e.mode != 0) { writer.octalString("mode", e.mode & 0o7777) }
            if e.openFlags != 0 { writer.number("open_flags", e.openFlags) }
            writer.number("result", e.result)
        case .network(let e):
            writer.number("result", e.result)
        case .dns(let e):
            writer.literal("attribution", e.attribution == .sender ? "sender" : e.attribution == .socket ? "socket" : "none")
            writer.number("wire_length", e.wireLength)
            if e.truncated { writer.bool("truncated", true) }
            if let error = e.decodeError { writer.string("decode_error", error.code) }
        case .exec(let e):
            writer.number("exe_inode", e.exeInode)
            writer.beginObject("stdio")
            writer.string("stdin", e.stdio.stdin.description)
            writer.string("stdout", e.stdio.stdout.description)
            writer.string("stderr", e.stdio.stderr.description)
            writer.endObject()
        default:
            break
        }
        if let alert {
            writer.string("incident_id", alert.incidentId)
            if let response = alert.response { writer.string("response", response) }
            if alert.kind == .notice { writer.literal("alert_kind", "notice") }
        }
        writer.endObject()
        writer.endObject()
    }
}
