import MamoriEvents

/// The ECS categorisation of each sensor event: `event.category`, `event.type`,
/// `event.action`, `event.outcome`, plus the `mamori.kind` name.
///
/// Exists so that the JSON encoder and the text formatter name events identically and the
/// mapping lives in one table that `docs/events.md` mirrors. Values are `StaticString`s: the
/// encoder copies them without escaping or allocation.
///
/// Stateless; callable from any thread.
enum ECSVocabulary {
    /// `event.category` (one value), or `nil` for gap records, which describe the sensor.
    static func category(_ event: SensorEvent) -> StaticString? {
        switch event {
        case .exec, .fork, .exit: return "process"
        case .network, .dns: return "network"
        case .file: return "file"
        case .action, .tamper: return "intrusion_detection"
        case .activity(let e): return activityCategory(e)
        case .gap: return nil
        }
    }

    /// `event.type`: one or two ECS type values.
    static func types(_ event: SensorEvent) -> (StaticString, StaticString?) {
        switch event {
        case .exec, .fork: return ("start", nil)
        case .exit: return ("end", nil)
        case .network(let e):
            return e.op == .listen ? ("start", nil) : ("connection", "start")
        case .file(let e):
            switch e.op {
            case .create: return ("creation", nil)
            case .unlink: return ("deletion", nil)
            case .openRead: return ("access", nil)
            case .openWrite, .truncate, .rename, .chmod, .chown: return ("change", nil)
            }
        case .gap: return ("info", nil)
        case .action: return ("denied", nil)
        case .tamper: return ("indicator", nil)
        case .activity(let e): return (activityType(e), nil)
        case .dns: return ("protocol", "info")
        }
    }

    /// `event.action`: what happened, in the sensor's own words.
    static func action(_ event: SensorEvent) -> StaticString {
        switch event {
        case .exec: return "exec"
        case .fork: return "fork"
        case .exit: return "exit"
        case .network(let e): return networkAction(e.op)
        case .file(let e): return fileAction(e.op)
        case .action(let e): return preventionAction(e.action)
        case .tamper(let e): return tamperAction(e.kind)
        case .activity(let e): return e.action
        case .dns(let e): return e.direction == .query ? "dns-query" : "dns-answer"
        case .gap: return "gap"
        }
    }

    static func networkAction(_ op: NetworkOp) -> StaticString {
        switch op {
        case .connect: return "connect"
        case .accept: return "accept"
        case .listen: return "listen"
        case .send: return "send"
        }
    }

    /// `event.action` of a prevention record (`PreventionAction.description`, as static text).
    static func preventionAction(_ action: PreventionAction) -> StaticString {
        switch action {
        case .killExec: return "exec-killed"
        case .denyExec: return "exec-denied"
        case .blockConnect: return "connect-blocked"
        case .blockSend: return "send-blocked"
        case .denyFile: return "file-write-denied"
        }
    }

    /// `event.action` of a tamper record (`TamperKind.description`, as static text).
    static func tamperAction(_ kind: TamperKind) -> StaticString {
        switch kind {
        case .signal: return "tamper-signal"
        case .ptrace: return "tamper-ptrace"
        case .bpfDetach: return "tamper-bpf-detach"
        case .bpfMapWrite: return "tamper-bpf-map-write"
        case .bpfObjectGet: return "tamper-bpf-object-get"
        }
    }

    static func fileAction(_ op: FileOp) -> StaticString {
        switch op {
        case .create: return "creation"
        case .openWrite: return "open-write"
        case .truncate: return "truncate"
        case .rename: return "rename"
        case .unlink: return "deletion"
        case .chmod: return "chmod"
        case .chown: return "chown"
        case .openRead: return "open-read"
        }
    }

    /// Linux EINPROGRESS: a non-blocking connect(2) that has not finished yet.
    static let errnoInProgress: Int32 = 115

    /// `event.outcome`: success or failure of the syscall, `nil` when not applicable (gap).
    ///
    /// exec and fork are reported only when they succeeded. exit is a success when the process
    /// exited with status 0 and was not killed by a signal. A non-blocking connect still in
    /// progress is "unknown": the kernel has not decided yet.
    static func outcome(_ event: SensorEvent) -> StaticString? {
        switch event {
        case .exec, .fork: return "success"
        case .exit(let e): return e.exitStatus == 0 ? "success" : "failure"
        case .network(let e):
            if e.result >= 0 { return "success" }
            return e.op == .connect && e.result == -errnoInProgress ? "unknown" : "failure"
        case .file(let e): return e.result >= 0 ? "success" : "failure"
        case .action(let e): return e.failed ? "failure" : (e.enforced ? "success" : "unknown")
        case .tamper: return "unknown"
        case .activity(let e):
            // Emitted at syscall enter (fileattr.bpf.c): the attempt, outcome not known.
            if e.flags.contains(.noResult) { return "unknown" }
            return e.result >= 0 ? "success" : "failure"
        case .dns(let e):
            guard let m = e.message else { return "unknown" }
            if !m.isResponse { return "unknown" }
            return m.responseCode == 0 ? "success" : "failure"
        case .gap: return nil
        }
    }

    /// `mamori.kind`: the record kind.
    static func kindName(_ kind: EventKind) -> StaticString {
        switch kind {
        case .exec: return "exec"
        case .fork: return "fork"
        case .exit: return "exit"
        case .network: return "network"
        case .file: return "file"
        case .gap: return "gap"
        case .action: return "action"
        case .tamper: return "tamper"
        case .activity: return "activity"
        case .dns: return "dns"
        }
    }

    /// `mamori.gap.lane`: ring-buffer lane names (`enum mamori_lane`).
    static func laneName(_ lane: UInt32) -> StaticString? {
        switch lane {
        case 0: return "priority"
        case 1: return "bulk"
        default: return nil
        }
    }

    /// The exit code the way a shell's `$?` shows it: the code, or 128 + signal when killed.
    static func shellExitCode(_ e: ExitEvent) -> Int32 {
        e.signal != 0 ? 128 + e.signal : e.exitCode
    }
}
