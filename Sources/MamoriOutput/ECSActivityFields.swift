import MamoriEvents

/// ECS vocabulary and fields of an activity record (`SensorEvent.activity`).
///
/// Exists so that ptrace, /proc access, sysctl writes, signals and the other activity ops are
/// searchable with ECS terms (`event.category`, `file.path`, `process.*` for the actor) plus a
/// `mamori.activity` object carrying what ECS has no field for (target, ids, times).
extension ECSVocabulary {
    static func activityCategory(_ e: ActivityEvent) -> StaticString {
        switch e.op {
        case .procAccess, .ptrace, .vmRead, .vmWrite, .kill, .setid, .capset, .unshare, .setns: return "process"
        case .sysctlWrite: return "configuration"
        case .memfdCreate, .utimes, .mount, .moveMount, .xattrSet, .fileFlags: return "file"
        case .moduleLoad: return "driver"
        }
    }

    static func activityType(_ e: ActivityEvent) -> StaticString {
        switch e.op {
        case .procAccess, .vmRead: return e.flags.contains(.write) ? "change" : "access"
        case .memfdCreate: return "creation"
        case .moduleLoad: return "start"
        case .kill: return "end"
        case .sysctlWrite, .ptrace, .vmWrite, .utimes, .mount, .moveMount, .setid, .capset, .xattrSet, .fileFlags,
             .unshare, .setns:
            return "change"
        }
    }
}

extension ECSEncoder {
    /// `file.*` for the ops that name a file, `mamori.activity` for the rest.
    func writeActivityFile(_ e: ActivityEvent, to writer: inout JSONWriter) {
        switch e.op {
        case .utimes, .mount, .moveMount, .moduleLoad, .sysctlWrite, .xattrSet, .fileFlags:
            guard !e.path.isEmpty else { return }
            writer.beginObject("file")
            writer.string("path", e.path)
            if let name = ProcessFields.baseName(e.path) { writer.string("name", name) }
            if let mtime = e.modificationTime { writer.timestamp("mtime", unixNanoseconds: mtime &* 1_000_000_000) }
            writer.endObject()
        default:
            return
        }
    }

    func writeActivityMamori(_ e: ActivityEvent, to writer: inout JSONWriter) {
        writer.beginObject("activity")
        writer.literal("op", e.action)
        if !e.flags.contains(.noResult) { writer.number("result", e.result) }
        if let pid = e.targetProcess { writer.number("target_pid", pid) }
        else if e.targetPid != 0 { writer.number("target_pid", e.targetPid) }
        if let uid = e.targetUid { writer.number("target_uid", uid) }
        if e.op == .procAccess && !e.name.isEmpty { writer.string("target_name", e.name) }
        if e.flags.contains(.targetIsSelf) { writer.bool("target_self", true) }
        if let entry = e.procEntry { writer.string("proc_entry", entry) }
        if let mode = e.accessMode { writer.string("access", mode) }
        if let name = e.sysctlName { writer.string("sysctl", name) }
        if let signal = e.signalName { writer.string("signal", signal) }
        if let request = e.ptraceRequest { writer.string("request", request) }
        switch e.op {
        case .memfdCreate:
            writer.string("memfd_name", e.path)
            writer.number("flags", UInt64(UInt32(bitPattern: e.value)))
        case .utimes:
            writer.bool("explicit_times", e.explicitTimes ?? false)
        case .mount:
            if !e.path2.isEmpty { writer.string("source", e.path2) }
            if !e.name.isEmpty { writer.string("fstype", e.name) }
            writer.number("flags", e.arg0)
        case .moveMount:
            if !e.path2.isEmpty { writer.string("source", e.path2) }
        case .moduleLoad:
            if let name = e.moduleName { writer.string("module", name) }
            if !e.path2.isEmpty { writer.string("parameters", e.path2) }
        case .setid:
            if let old = e.oldIds, let new = e.newIds {
                writer.beginObject("ids")
                writer.number("old_real", old.real)
                writer.number("old_effective", old.effective)
                writer.number("old_saved", old.saved)
                if new.real != UInt32.max { writer.number("new_real", new.real) }
                if new.effective != UInt32.max { writer.number("new_effective", new.effective) }
                if new.saved != UInt32.max { writer.number("new_saved", new.saved) }
                writer.endObject()
            }
        case .capset:
            writer.decimalString("new_effective", e.arg0)
            writer.decimalString("new_permitted", e.arg1)
            writer.decimalString("old_effective", e.arg2)
            writer.decimalString("old_permitted", e.arg3)
        case .xattrSet:
            writer.string("capabilities", e.grantedCapabilities ?? "")
            writer.bool("capability_effective", e.capabilityEffective ?? false)
        case .fileFlags:
            writer.string("flags", e.newFileFlags ?? "")
            writer.string("old_flags", e.oldFileFlags ?? "")
        case .unshare, .setns:
            if let kinds = e.namespaces { writer.string("namespaces", kinds) }
            if let joined = e.joinedNamespace {
                writer.number("namespace_inode", joined.inode)
                if joined.previous != 0 { writer.number("previous_namespace_inode", joined.previous) }
            }
        case .procAccess, .sysctlWrite, .ptrace, .vmRead, .vmWrite, .kill:
            break
        }
        writer.endObject()
    }
}
