import MamoriEvents
import MamoriProcess

/// The `process.*` values of one event, gathered from whichever source knows them best.
///
/// Exists to keep the three sources apart from the JSON layout: an exec event carries its own
/// executable, argv and cwd (the process *is* the event); other events take them from the
/// enrichment record; without a record only the header and subject (pid, comm) are known.
struct ProcessFields {
    var pid: UInt32
    var threadId: UInt32
    var entityId: String?
    var executable: String?
    var name: String
    var args: [String]
    var workingDirectory: String?
    var startBoottimeNs: UInt64
    var tty: String?
    var sessionId: UInt32
    var exitCode: Int32?

    /// exec: everything from the event; only the entity id comes from the record.
    init(exec e: ExecEvent, record: ProcessRecord?) {
        pid = e.header.tgid
        threadId = e.header.tid
        entityId = record?.entityId
        executable = e.executable.isEmpty ? nil : e.executable
        name = Self.baseName(e.executable) ?? e.subject.comm
        args = e.args
        workingDirectory = e.cwd.isEmpty ? nil : e.cwd
        startBoottimeNs = e.header.startBoottimeNs
        tty = e.tty
        sessionId = e.sessionId
    }

    /// Any other event: the record when there is one, else the header and subject.
    init(header: EventHeader, subject: Subject, record: ProcessRecord?) {
        threadId = header.tid
        if let record {
            pid = record.pid
            entityId = record.entityId
            executable = record.executable.isEmpty ? nil : record.executable
            name = record.name
            args = record.args
            workingDirectory = record.cwd.isEmpty ? nil : record.cwd
            startBoottimeNs = record.startBoottimeNs
            tty = record.tty
            sessionId = record.sessionId
        } else {
            pid = header.tgid
            name = subject.comm
            args = []
            startBoottimeNs = header.startBoottimeNs
            sessionId = 0
        }
    }

    /// The last path component, `nil` for an empty path.
    static func baseName(_ path: String) -> String? {
        guard !path.isEmpty else { return nil }
        guard let slash = path.lastIndex(of: "/") else { return path }
        let name = path[path.index(after: slash)...]
        return name.isEmpty ? path : String(name)
    }
}

extension ECSEncoder {
    /// Writes `process` (with `parent`, `thread`, `session_leader`).
    func writeProcess(_ fields: ProcessFields, parent: ProcessRecord?, parentPid: UInt32,
                      to writer: inout JSONWriter) {
        writer.beginObject("process")
        writer.number("pid", fields.pid)
        if let entityId = fields.entityId { writer.string("entity_id", entityId) }
        if let executable = fields.executable { writer.string("executable", executable) }
        writer.string("name", fields.name)
        if !fields.args.isEmpty { writeArgs(fields.args, to: &writer) }
        if let cwd = fields.workingDirectory { writer.string("working_directory", cwd) }
        if let exitCode = fields.exitCode { writer.number("exit_code", exitCode) }
        writer.timestamp("start", unixNanoseconds: clock.unixNanoseconds(boottimeNs: fields.startBoottimeNs))
        writer.beginObject("thread")
        writer.number("id", fields.threadId)
        writer.endObject()
        if let tty = fields.tty {
            writer.beginObject("tty")
            writer.string("name", tty)
            writer.endObject()
        }
        if fields.sessionId != 0 {
            writer.beginObject("session_leader")
            writer.number("pid", fields.sessionId)
            writer.endObject()
        }
        writeParent(parent, fallbackPid: parentPid, to: &writer)
        writer.endObject()
    }

    private func writeParent(_ parent: ProcessRecord?, fallbackPid: UInt32, to writer: inout JSONWriter) {
        guard let parent else {
            if fallbackPid != 0 {
                writer.beginObject("parent")
                writer.number("pid", fallbackPid)
                writer.endObject()
            }
            return
        }
        writer.beginObject("parent")
        writer.number("pid", parent.pid)
        writer.string("entity_id", parent.entityId)
        if !parent.executable.isEmpty { writer.string("executable", parent.executable) }
        writer.string("name", parent.name)
        if !parent.args.isEmpty { writeArgs(parent.args, to: &writer) }
        writer.timestamp("start", unixNanoseconds: clock.unixNanoseconds(boottimeNs: parent.startBoottimeNs))
        writer.endObject()
    }

    /// `args`, `args_count` and `command_line` (args joined by single spaces).
    private func writeArgs(_ args: [String], to writer: inout JSONWriter) {
        writer.stringArray("args", args)
        writer.number("args_count", UInt64(args.count))
        writer.beginMember("command_line")
        writer.openString()
        for (index, arg) in args.enumerated() {
            if index > 0 { writer.appendStringContent(" ") }
            writer.appendStringContent(arg)
        }
        writer.closeString()
    }
}
