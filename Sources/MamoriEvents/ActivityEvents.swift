import CMamoriABI

/// What a process did to another process or to kernel state (`struct mamori_activity`): a
/// /proc/<pid> access, a sysctl write, ptrace, process_vm_readv/writev, memfd_create, a
/// timestamp change, a mount, a module load, a credential change, a signal or a namespace
/// change (unshare, setns).
///
/// Exists so that credential access through another process's memory, injection, fileless
/// execution, timestomping, kernel-state changes and mass kills are kernel-observed events the
/// rules (category `activity`), the store and the exporters see, instead of guesses from
/// command lines. The header and subject are the acting process's; `target*` name the other
/// process where there is one. A plain value: any thread.
public struct ActivityEvent: Sendable, Equatable {
    public var header: EventHeader
    public var subject: Subject
    public var op: ActivityOp
    public var flags: ActivityFlags
    /// The syscall's return value (0 / -errno / fd / bytes copied); 0 for /proc opens.
    public var result: Int32
    /// Per op: `.procAccess` entry class, `.ptrace` request, `.kill` signal, `.setid` call,
    /// `.memfdCreate` flags, `.utimes` AT_* flags, `.moveMount`/`.moduleLoad` flags.
    public var value: Int32
    /// The pid as given to the syscall (`.kill`: 0 or negative names a process group, -1 all).
    public var targetPid: Int32
    /// `.procAccess`: the target's tgid in the initial pid namespace (0 = unknown / other ops).
    public var targetTgid: UInt32
    /// `.procAccess`: the target's real uid.
    public var targetUid: UInt32?
    /// The four per-op arguments of the record (see `enum mamori_activity_op`).
    public var arg0: UInt64, arg1: UInt64, arg2: UInt64, arg3: UInt64
    /// `.procAccess`: the target's comm; `.mount`: the filesystem type.
    public var name: String
    /// `.procAccess`: the entry ("mem"); `.sysctlWrite`: /proc/sys/...; `.memfdCreate`: the
    /// memfd's name; `.utimes`, `.mount` (target), `.moveMount` (to), `.moduleLoad` (file).
    public var path: String
    /// `.mount`: the source; `.moveMount`: the from path; `.moduleLoad`: the parameters.
    public var path2: String

    public init(header: EventHeader, subject: Subject, op: ActivityOp, flags: ActivityFlags = [],
                result: Int32 = 0, value: Int32 = 0, targetPid: Int32 = 0, targetTgid: UInt32 = 0,
                targetUid: UInt32? = nil, arg0: UInt64 = 0, arg1: UInt64 = 0, arg2: UInt64 = 0,
                arg3: UInt64 = 0, name: String = "", path: String = "", path2: String = "") {
        self.header = header; self.subject = subject; self.op = op; self.flags = flags
        self.result = result; self.value = value; self.targetPid = targetPid
        self.targetTgid = targetTgid; self.targetUid = targetUid
        self.arg0 = arg0; self.arg1 = arg1; self.arg2 = arg2; self.arg3 = arg3
        self.name = name; self.path = path; self.path2 = path2
    }

    /// The process the activity is aimed at, as a tgid the process table can look up: the
    /// kernel-resolved tgid for /proc accesses, the tgid of tgkill, the pid argument of
    /// ptrace / process_vm_* / kill / tkill when positive; `nil` without one.
    public var targetProcess: UInt32? {
        switch op {
        case .procAccess: return targetTgid == 0 ? nil : targetTgid
        case .kill where arg1 == UInt64(MAMORI_KILL_TGKILL): return UInt32(truncatingIfNeeded: arg0)
        case .ptrace, .vmRead, .vmWrite, .kill: return targetPid > 0 ? UInt32(targetPid) : nil
        default: return nil
        }
    }

    /// The rule word of the activity (`ActivityOp` field, ECS `event.action`):
    /// `ptrace` splits into `ptrace_attach` (ATTACH/SEIZE) and `ptrace_poke`, set*id into
    /// `setuid` and `setgid`.
    public var action: StaticString {
        switch op {
        case .procAccess: return "proc_access"
        case .sysctlWrite: return "sysctl_write"
        case .ptrace: return value == 16 || value == 0x4206 ? "ptrace_attach" : "ptrace_poke"
        case .vmRead: return "vm_read"
        case .vmWrite: return "vm_write"
        case .memfdCreate: return "memfd_create"
        case .utimes: return "utimes"
        case .mount: return "mount"
        case .moveMount: return "move_mount"
        case .moduleLoad: return "module_load"
        case .setid: return value % 2 == 0 ? "setgid" : "setuid"
        case .capset: return "capset"
        case .kill: return "kill"
        case .xattrSet: return "capability_set"
        case .fileFlags: return "file_flags"
        case .unshare: return "unshare"
        case .setns: return "setns"
        }
    }

    /// `.unshare` / `.setns`: the namespace kinds created or joined, comma-separated in a fixed
    /// order ("user,mnt"); for setns of a namespace fd, its one kind.
    public var namespaces: String? {
        let mask: UInt32
        switch op {
        case .unshare: mask = UInt32(bitPattern: value)
        case .setns: mask = UInt32(truncatingIfNeeded: arg1) != 0 ? UInt32(truncatingIfNeeded: arg1) : UInt32(bitPattern: value)
        default: return nil
        }
        var out = ""
        for (bit, name) in Self.namespaceKinds where mask & bit != 0 {
            if !out.isEmpty { out += "," }
            out += name
        }
        return out.isEmpty ? nil : out
    }

    /// CLONE_NEW* bits and their `/proc/<pid>/ns` names.
    public static let namespaceKinds: [(UInt32, String)] = [
        (0x1000_0000, "user"), (0x0002_0000, "mnt"), (0x2000_0000, "pid"), (0x4000_0000, "net"),
        (0x0400_0000, "uts"), (0x0800_0000, "ipc"), (0x0200_0000, "cgroup"), (0x0000_0080, "time"),
    ]

    /// `.setns` of a namespace fd: the joined namespace's inode, its CLONE_NEW* kind and the
    /// caller's inode of that kind before the call (`nil` for a pidfd or an unreadable fd).
    public var joinedNamespace: (inode: UInt64, kind: UInt32, previous: UInt64)? {
        guard op == .setns, arg0 != 0 else { return nil }
        return (arg0, UInt32(truncatingIfNeeded: arg1), arg2)
    }

    /// `.procAccess`: the entry class word (`mem`, `environ`, `maps`, `pagemap`, `auxv`,
    /// `stack`, `cmdline`, `fd`).
    public var procEntry: String? {
        guard op == .procAccess else { return nil }
        switch value {
        case 1: return "mem"
        case 2: return "environ"
        case 3: return "maps"
        case 4: return "pagemap"
        case 5: return "auxv"
        case 6: return "stack"
        case 7: return "cmdline"
        case 8: return "fd"
        default: return "other"
        }
    }

    /// `read`, `write` or `read-write` for /proc opens and sysctl writes.
    public var accessMode: String? {
        guard op == .procAccess || op == .sysctlWrite else { return nil }
        switch (flags.contains(.read), flags.contains(.write)) {
        case (true, true): return "read-write"
        case (false, true): return "write"
        default: return "read"
        }
    }

    /// `.sysctlWrite`: the sysctl's dotted name (`kernel.randomize_va_space`).
    public var sysctlName: String? {
        guard op == .sysctlWrite else { return nil }
        let prefix = "/proc/sys/"
        guard path.hasPrefix(prefix) else { return path }
        return String(path.dropFirst(prefix.count)).replacingSlashesWithDots()
    }

    /// `.kill`: the signal's name (`SIGKILL`; `0` for the existence probe).
    public var signalName: String? {
        guard op == .kill else { return nil }
        return value == 0 ? "0" : TamperEvent.signalName(value)
    }

    /// `.ptrace`: the request's name.
    public var ptraceRequest: String? {
        guard op == .ptrace else { return nil }
        switch value {
        case 4: return "PTRACE_POKETEXT"
        case 5: return "PTRACE_POKEDATA"
        case 6: return "PTRACE_POKEUSER"
        case 16: return "PTRACE_ATTACH"
        case 0x4206: return "PTRACE_SEIZE"
        default: return "PTRACE_\(value)"
        }
    }

    static let utimeNow: UInt64 = (1 << 30) - 1
    static let utimeOmit: UInt64 = (1 << 30) - 2

    /// `.utimes`: whether a time was given explicitly (not NULL, UTIME_NOW or UTIME_OMIT):
    /// `touch -d`/`-r`, `tar`, `cp -p` set explicit times; plain `touch` does not.
    public var explicitTimes: Bool? {
        guard op == .utimes else { return nil }
        if flags.contains(.timesNull) { return false }
        func explicit(_ nsec: UInt64) -> Bool { nsec != Self.utimeNow && nsec != Self.utimeOmit }
        return explicit(arg1) || explicit(arg3)
    }

    /// `.utimes`: the modification time set, in seconds since the epoch, when explicit.
    public var modificationTime: Int64? {
        guard op == .utimes, !flags.contains(.timesNull), arg3 != Self.utimeNow, arg3 != Self.utimeOmit else { return nil }
        return Int64(bitPattern: arg2)
    }

    /// `.setid`: the ids before and after (real, effective, saved; `nil` = left unchanged).
    public var oldIds: (real: UInt32, effective: UInt32, saved: UInt32)? {
        guard op == .setid else { return nil }
        return (UInt32(truncatingIfNeeded: arg2), UInt32(truncatingIfNeeded: arg2 >> 32), UInt32(truncatingIfNeeded: arg3))
    }

    /// `.setid`: the requested ids; `UInt32.max` where the call leaves one unchanged.
    public var newIds: (real: UInt32, effective: UInt32, saved: UInt32)? {
        guard op == .setid else { return nil }
        return (UInt32(truncatingIfNeeded: arg0), UInt32(truncatingIfNeeded: arg0 >> 32), UInt32(truncatingIfNeeded: arg1))
    }

    /// `.setid`: the effective id the call asks for (the real one where only it is given).
    public var newEffectiveId: UInt32? {
        guard let ids = newIds else { return nil }
        return ids.effective != UInt32.max ? ids.effective : (ids.real != UInt32.max ? ids.real : nil)
    }

    /// `.moduleLoad`: the module name guessed from the file (`/x/evil.ko.xz` → `evil`).
    public var moduleName: String? {
        guard op == .moduleLoad, !path.isEmpty else { return nil }
        var base = Substring(path.split(separator: "/").last ?? Substring(path))
        for suffix in [".xz", ".zst", ".gz", ".ko"] where base.hasSuffix(suffix) { base = base.dropLast(suffix.count) }
        return String(base)
    }
}

extension String {
    fileprivate func replacingSlashesWithDots() -> String {
        String(decoding: utf8.map { $0 == UInt8(ascii: "/") ? UInt8(ascii: ".") : $0 }, as: UTF8.self)
    }
}

/// What kind of activity, mirroring `enum mamori_activity_op` (append-only).
public enum ActivityOp: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    case procAccess = 1, sysctlWrite = 2, ptrace = 3, vmRead = 4, vmWrite = 5, memfdCreate = 6
    case utimes = 7, mount = 8, moveMount = 9, moduleLoad = 10, setid = 11, capset = 12, kill = 13
    case unshare = 14, setns = 15
    /// bpf/fileattr.bpf.c: security.capability written (setcap), inode flags set (chattr).
    case xattrSet = 20, fileFlags = 21

    public var description: String {
        switch self {
        case .procAccess: return "proc_access"
        case .sysctlWrite: return "sysctl_write"
        case .ptrace: return "ptrace"
        case .vmRead: return "vm_read"
        case .vmWrite: return "vm_write"
        case .memfdCreate: return "memfd_create"
        case .utimes: return "utimes"
        case .mount: return "mount"
        case .moveMount: return "move_mount"
        case .moduleLoad: return "module_load"
        case .setid: return "setid"
        case .capset: return "capset"
        case .kill: return "kill"
        case .xattrSet: return "xattr_set"
        case .fileFlags: return "file_flags"
        case .unshare: return "unshare"
        case .setns: return "setns"
        }
    }
}

/// `mamori_activity.flags`.
public struct ActivityFlags: OptionSet, Sendable, Equatable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let read = ActivityFlags(rawValue: UInt32(MAMORI_ACT_F_READ))
    public static let write = ActivityFlags(rawValue: UInt32(MAMORI_ACT_F_WRITE))
    public static let pathTruncated = ActivityFlags(rawValue: UInt32(MAMORI_ACT_F_PATH_TRUNCATED))
    public static let pathRelative = ActivityFlags(rawValue: UInt32(MAMORI_ACT_F_PATH_RELATIVE))
    public static let timesNull = ActivityFlags(rawValue: UInt32(MAMORI_ACT_F_TIMES_NULL))
    public static let targetIsSelf = ActivityFlags(rawValue: UInt32(MAMORI_ACT_F_SELF))
    /// Emitted at syscall enter (fileattr.bpf.c): `result` is not known.
    public static let noResult = ActivityFlags(rawValue: UInt32(MAMORI_ACT_F_NO_RESULT))
}

/// Decoding of `struct mamori_activity`, beside `RecordDecoder` (same rules: the fixed size is
/// checked by the caller; the op and both variable parts are validated before use).
extension RecordDecoder {
    static func decodeActivity(_ rec: UnsafeRawBufferPointer, _ header: EventHeader) throws(DecodeError) -> ActivityEvent {
        typealias L = ActivityLayout
        let rawOp = rec.u16(L.op)
        guard let op = ActivityOp(rawValue: rawOp) else {
            throw .invalidValue(kind: .activity, field: .op, value: UInt64(rawOp))
        }
        let pathLen = Int(rec.u16(L.pathLen)), path2Len = Int(rec.u16(L.path2Len))
        let pathOff = L.size, path2Off = L.size + pathLen
        try rec.check(.activity, .path, pathOff, pathLen)
        try rec.check(.activity, .path2, path2Off, path2Len)
        let flags = ActivityFlags(rawValue: rec.u32(L.flags))
        // Only kernel-resolved paths are normalised; names and user strings stay as given.
        let resolved: Bool
        switch op {
        case .utimes, .mount, .moveMount, .moduleLoad, .sysctlWrite, .xattrSet, .fileFlags: resolved = true
        default: resolved = false
        }
        let uid = rec.u32(L.targetUid)
        return ActivityEvent(
            header: header, subject: decodeSubject(rec, at: L.subj), op: op, flags: flags,
            result: rec.i32(L.result), value: rec.i32(L.value), targetPid: rec.i32(L.targetPid),
            targetTgid: rec.u32(L.targetTgid), targetUid: uid == UInt32.max ? nil : uid,
            arg0: rec.u64(L.arg), arg1: rec.u64(L.arg + 8), arg2: rec.u64(L.arg + 16), arg3: rec.u64(L.arg + 24),
            name: rec.cString(at: L.name, max: L.nameLength),
            path: resolved ? rec.path(at: pathOff, length: pathLen, relative: flags.contains(.pathRelative))
                           : rec.string(at: pathOff, length: pathLen),
            path2: rec.string(at: path2Off, length: path2Len))
    }
}

enum ActivityLayout {
    static let size = MemoryLayout<mamori_activity>.size
    static let subj = MemoryLayout<mamori_activity>.offset(of: \.subj)!
    static let op = MemoryLayout<mamori_activity>.offset(of: \.op)!
    static let pathLen = MemoryLayout<mamori_activity>.offset(of: \.path_len)!
    static let path2Len = MemoryLayout<mamori_activity>.offset(of: \.path2_len)!
    static let flags = MemoryLayout<mamori_activity>.offset(of: \.flags)!
    static let result = MemoryLayout<mamori_activity>.offset(of: \.result)!
    static let value = MemoryLayout<mamori_activity>.offset(of: \.value)!
    static let targetPid = MemoryLayout<mamori_activity>.offset(of: \.target_pid)!
    static let targetTgid = MemoryLayout<mamori_activity>.offset(of: \.target_tgid)!
    static let targetUid = MemoryLayout<mamori_activity>.offset(of: \.target_uid)!
    static let arg = MemoryLayout<mamori_activity>.offset(of: \.arg)!
    static let name = MemoryLayout<mamori_activity>.offset(of: \.name)!
    static let nameLength = MemoryLayout.size(ofValue: mamori_activity().name)
}
