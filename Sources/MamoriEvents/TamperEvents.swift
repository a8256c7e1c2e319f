import CMamoriABI

/// Something aimed at the agent itself (`struct mamori_tamper`): a signal, a ptrace attach,
/// or a BPF detach/update by another process.
///
/// Exists so that attempts to blind or stop the sensor reach detection (rule category
/// `tamper`), the store and the alert log like any other event. The header and subject are
/// the sender's: the process that sent the signal or made the call. A plain value: any thread.
public struct TamperEvent: Sendable, Equatable {
    public var header: EventHeader
    /// The sender.
    public var subject: Subject
    public var kind: TamperKind
    /// `.signal`: the signal number; `.ptrace`: the request; `.bpfDetach`: the bpf(2) command.
    public var value: Int32
    /// The agent's tgid (0 for `.bpfDetach`: the link named may belong to anyone).
    public var targetTgid: UInt32
    /// `.signal`: the receiving thread; `.ptrace`: the pid argument.
    public var targetPid: UInt32
    /// `.signal`: si_code (0 = kill(2) from user space, 0x80 = the kernel, < 0 = sigqueue/tkill).
    public var code: Int32
    /// `.signal`: the kernel's TRACE_SIGNAL_* result (0 delivered, 1 ignored, 2 already pending).
    public var result: Int32
    /// `.bpfDetach` with a link fd: the id of that link (compare with the agent's own), else 0;
    /// `.bpfMapWrite`/`.bpfObjectGet`: the id of the agent's object (its type in `code`:
    /// 1 map, 2 program, 3 link).
    public var objectId: UInt64

    public init(header: EventHeader, subject: Subject, kind: TamperKind, value: Int32,
                targetTgid: UInt32, targetPid: UInt32, code: Int32, result: Int32, objectId: UInt64) {
        self.header = header; self.subject = subject; self.kind = kind; self.value = value
        self.targetTgid = targetTgid; self.targetPid = targetPid; self.code = code
        self.result = result; self.objectId = objectId
    }

    /// The signal's conventional name ("SIGKILL") for `.signal`, else `nil`.
    public var signalName: String? { kind == .signal ? TamperEvent.signalName(value) : nil }

    /// Who generated a signal, from si_code: "user" (kill(2): SI_USER), "kernel" (SI_KERNEL:
    /// OOM killer, faults; the "sender" is then just the task that was running), "queue"
    /// (sigqueue/tkill/timers: negative codes), "other". `nil` for non-signals.
    public var signalSource: String? {
        guard kind == .signal else { return nil }
        if code == 0 { return "user" }
        if code == 0x80 { return "kernel" }
        return code < 0 ? "queue" : "other"
    }

    /// A short operator-facing description of `value` ("SIGTERM", "PTRACE_SEIZE", "BPF_LINK_DETACH").
    public var valueName: String {
        switch kind {
        case .signal: return TamperEvent.signalName(value)
        case .ptrace:
            switch value {
            case 16: return "PTRACE_ATTACH"
            case 0x4206: return "PTRACE_SEIZE"
            default: return "PTRACE_\(value)"
            }
        case .bpfDetach, .bpfMapWrite, .bpfObjectGet:
            switch value {
            case 2: return "BPF_MAP_UPDATE_ELEM"
            case 3: return "BPF_MAP_DELETE_ELEM"
            case 7: return "BPF_OBJ_GET"
            case 9: return "BPF_PROG_DETACH"
            case 13: return "BPF_PROG_GET_FD_BY_ID"
            case 14: return "BPF_MAP_GET_FD_BY_ID"
            case 21: return "BPF_MAP_LOOKUP_AND_DELETE_ELEM"
            case 25: return "BPF_MAP_LOOKUP_AND_DELETE_BATCH"
            case 26: return "BPF_MAP_UPDATE_BATCH"
            case 27: return "BPF_MAP_DELETE_BATCH"
            case 29: return "BPF_LINK_UPDATE"
            case 30: return "BPF_LINK_GET_FD_BY_ID"
            case 34: return "BPF_LINK_DETACH"
            default: return "BPF_CMD_\(value)"
            }
        }
    }

    static func signalName(_ sig: Int32) -> String {
        let names = ["SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
                     "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
                     "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU",
                     "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",
                     "SIGPWR", "SIGSYS"]
        if sig >= 1 && Int(sig) <= names.count { return names[Int(sig) - 1] }
        return sig >= 34 ? "SIGRTMIN+\(sig - 34)" : "SIG\(sig)"
    }
}

/// What was aimed at the agent, mirroring `enum mamori_tamper_op`.
public enum TamperKind: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    case signal = 1
    case ptrace = 2
    case bpfDetach = 3
    /// bpf(2) wrote to or deleted from one of the agent's maps (`objectId`: the map's id).
    case bpfMapWrite = 4
    /// bpf(2) opened one of the agent's maps, programs or links by id or by pin path.
    case bpfObjectGet = 5

    /// The rule field `TamperKind` and the ECS `event.action` value.
    public var description: String {
        switch self {
        case .signal: return "signal"
        case .ptrace: return "ptrace"
        case .bpfDetach: return "bpf-detach"
        case .bpfMapWrite: return "bpf-map-write"
        case .bpfObjectGet: return "bpf-object-get"
        }
    }
}

/// Decoding of `struct mamori_tamper`, beside `RecordDecoder` (same rules: fixed size already
/// checked by the caller; the op is validated before it is used).
extension RecordDecoder {
    static func decodeTamper(_ rec: UnsafeRawBufferPointer, _ header: EventHeader) throws(DecodeError) -> TamperEvent {
        typealias L = TamperLayout
        let rawOp = rec.u16(L.op)
        guard let kind = TamperKind(rawValue: rawOp) else {
            throw .invalidValue(kind: .tamper, field: .op, value: UInt64(rawOp))
        }
        return TamperEvent(
            header: header, subject: decodeSubject(rec, at: L.subj), kind: kind,
            value: rec.i32(L.value), targetTgid: rec.u32(L.targetTgid), targetPid: rec.u32(L.targetPid),
            code: rec.i32(L.code), result: rec.i32(L.result), objectId: rec.u64(L.objectId))
    }
}

enum TamperLayout {
    static let size = MemoryLayout<mamori_tamper>.size
    static let subj = MemoryLayout<mamori_tamper>.offset(of: \.subj)!
    static let op = MemoryLayout<mamori_tamper>.offset(of: \.op)!
    static let value = MemoryLayout<mamori_tamper>.offset(of: \.value)!
    static let targetTgid = MemoryLayout<mamori_tamper>.offset(of: \.target_tgid)!
    static let targetPid = MemoryLayout<mamori_tamper>.offset(of: \.target_pid)!
    static let code = MemoryLayout<mamori_tamper>.offset(of: \.code)!
    static let result = MemoryLayout<mamori_tamper>.offset(of: \.result)!
    static let objectId = MemoryLayout<mamori_tamper>.offset(of: \.object_id)!
}
