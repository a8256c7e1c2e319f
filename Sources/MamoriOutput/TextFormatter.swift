import MamoriText
import MamoriEvents
import MamoriProcess

/// One compact, human-readable line per event, for `mamori watch` without `--json`.
///
/// Exists because ECS JSON is for machines; an operator watching a terminal wants one aligned
/// line that says who did what:
///
///     03:14:07.123456 exec     pid=1234 ppid=1200 uid=0 /usr/bin/curl curl -s http://x  cwd=/root
///     03:14:07.124001 connect  pid=1234 curl tcp 127.0.0.1:40000 -> 127.0.0.1:8080 ok
///     03:14:07.130000 file rename pid=1301 mv /tmp/a -> /tmp/b
///
/// Times are UTC (HH:MM:SS.microseconds). Every attacker-controlled string goes through
/// `TerminalText.sanitize`, so argv or file names cannot inject terminal escape sequences or
/// fake extra lines. Not on the hot path: builds `String`s freely.
///
/// An immutable value; use it from any thread.
public struct TextFormatter: Sendable {
    /// Converts kernel boot-time stamps to the printed time of day.
    public var clock: ClockOffset

    public init(clock: ClockOffset) {
        self.clock = clock
    }

    /// The line for `event`, without a trailing newline.
    /// - Parameter process: the enrichment record; used only when the event itself lacks the
    ///   executable (a fork shows the parent's image, for instance).
    public func format(_ event: SensorEvent, process: ProcessRecord? = nil) -> String {
        var time: [UInt8] = []
        RFC3339.appendTimeOfDay(unixNanoseconds: clock.unixNanoseconds(boottimeNs: event.header.ktimeNs), to: &time)
        let prefix = String(decoding: time, as: UTF8.self) + " "
        let pid = event.header.tgid
        switch event {
        case .exec(let e):
            var line = prefix + label("exec") + "pid=\(pid) ppid=\(e.subject.ppid) uid=\(e.subject.uid) "
            line += TerminalText.sanitize(e.executable.isEmpty ? e.subject.comm : e.executable)
            if !e.args.isEmpty { line += " " + TerminalText.joinArgs(e.args) }
            if !e.cwd.isEmpty { line += "  cwd=" + TerminalText.sanitize(e.cwd) }
            if let tty = e.tty { line += " tty=" + TerminalText.sanitize(tty) }
            if [e.stdio.stdin, e.stdio.stdout, e.stdio.stderr].contains(.socket) {
                // A shell whose standard streams are a socket is the reverse-shell signature.
                line += " stdio=\(e.stdio.stdin),\(e.stdio.stdout),\(e.stdio.stderr)"
            }
            if !e.flags.isDisjoint(with: [.argsTruncated, .exeTruncated, .cwdTruncated]) { line += " [truncated]" }
            return line
        case .fork(let e):
            var line = prefix + label("fork") + "pid=\(pid) ppid=\(e.parentTgid) uid=\(e.subject.uid) "
            line += TerminalText.sanitize(e.subject.comm)
            if let executable = process?.executable, !executable.isEmpty {
                line += " " + TerminalText.sanitize(executable)
            }
            return line
        case .exit(let e):
            let how = e.signal != 0 ? "signal=\(e.signal)" : "code=\(e.exitCode)"
            return prefix + label("exit") + "pid=\(pid) " + TerminalText.sanitize(e.subject.comm) + " " + how
        case .network(let e):
            return prefix + label("\(ECSVocabulary.networkAction(e.op))") + "pid=\(pid) "
                + TerminalText.sanitize(e.subject.comm) + " " + e.transport + " " + endpoints(e) + " "
                + resultText(e.result, inProgressIsPending: e.op == .connect)
                + (e.destinationDomain.map { " (" + TerminalText.sanitize($0.name) + ")" } ?? "")
        case .dns(let e):
            var line = prefix + label("dns \(e.direction)") + "pid=\(pid) " + TerminalText.sanitize(e.subject.comm)
            line += " " + e.transport + " " + hostPort(e.destination, e.destinationPort)
            if let m = e.message {
                line += " " + TerminalText.sanitize(m.questionName.isEmpty ? "." : m.questionName)
                line += " " + DNSNames.typeName(m.questionType)
                if m.isResponse {
                    line += " " + DNSNames.responseCodeName(m.responseCode)
                    for a in m.answers where a.address != nil || a.target != nil {
                        line += " " + TerminalText.sanitize(a.dataText)
                    }
                }
            } else if let error = e.decodeError {
                line += " undecodable: " + error.code
            }
            if e.attribution == .none { line += " [owner unknown]" }
            return line
        case .file(let e):
            var line = prefix + label("file \(ECSVocabulary.fileAction(e.op))") + "pid=\(pid) "
            line += TerminalText.sanitize(e.subject.comm) + " " + TerminalText.sanitize(e.path)
            if let target = e.targetPath { line += " -> " + TerminalText.sanitize(target) }
            switch e.op {
            case .chmod: line += " mode=" + octal(e.mode & 0o7777)
            case .chown: line += " owner=" + (e.ownerUid.map(String.init) ?? "-") + ":" + (e.ownerGid.map(String.init) ?? "-")
            default: break
            }
            if e.result < 0 { line += " " + resultText(e.result, inProgressIsPending: false) }
            return line
        case .action(let e):
            var line = prefix + label(e.action.description) + "pid=\(pid) " + TerminalText.sanitize(e.subject.comm)
            if let dst = e.destination { line += " -> " + hostPort(dst, e.destinationPort) }
            if !e.path.isEmpty { line += " " + TerminalText.sanitize(e.path) }
            line += " reason=\(e.reason) level=\(e.level)/\(e.neededLevel)"
            line += e.enforced ? " enforced" : (e.failed ? " failed" : " would-have")
            return line
        case .tamper(let e):
            var line = prefix + label("tamper") + "pid=\(pid) " + TerminalText.sanitize(e.subject.comm)
            line += " \(e.kind) \(e.valueName)"
            if e.targetTgid != 0 { line += " -> agent \(e.targetTgid)" }
            if e.objectId != 0 { line += " link=\(e.objectId)" }
            return line
        case .activity(let e):
            var line = prefix + label("activity") + "pid=\(pid) " + TerminalText.sanitize(e.subject.comm)
            line += " \(e.action)"
            if let target = e.targetProcess { line += " -> pid \(target)" }
            if let entry = e.procEntry { line += " " + entry + (e.name.isEmpty ? "" : " of " + TerminalText.sanitize(e.name)) }
            if let signal = e.signalName { line += " " + signal }
            if let request = e.ptraceRequest { line += " " + request }
            if let sysctl = e.sysctlName { line += " " + TerminalText.sanitize(sysctl) }
            else if !e.path.isEmpty { line += " " + TerminalText.sanitize(e.path) }
            if let ids = e.newIds { line += " -> \(ids.effective == UInt32.max ? Int64(-1) : Int64(ids.effective))" }
            if e.result < 0 { line += " " + resultText(e.result, inProgressIsPending: false) }
            return line
        case .gap(let e):
            let lane = ECSVocabulary.laneName(e.lane).map { "\($0)" } ?? String(e.lane)
            var line = prefix + label("gap") + "lane=\(lane) cpu=\(e.cpu) lost=\(e.totalLost)"
            for (index, count) in e.lost.enumerated() where count != 0 {
                let name = index <= Int(UInt16.max) ? EventKind(rawValue: UInt16(index)).map { "\(ECSVocabulary.kindName($0))" } : nil
                line += " \(name ?? "kind_\(index)")=\(count)"
            }
            return line
        }
    }

    /// The action column, padded to 8 characters plus a separating space.
    private func label(_ action: String) -> String {
        action.count >= 8 ? action + " " : action + String(repeating: " ", count: 8 - action.count) + " "
    }

    /// "local -> remote" (remote -> local for accept: the initiator first, like ECS source).
    private func endpoints(_ e: NetworkEvent) -> String {
        let local = hostPort(e.source, e.sourcePort)
        let remote = hostPort(e.destination, e.destinationPort)
        switch e.op {
        case .connect, .send: return local + " -> " + remote
        case .accept: return remote + " -> " + local
        case .listen: return local
        }
    }

    private func hostPort(_ address: IPAddress, _ port: UInt16) -> String {
        address.family == .inet6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }

    private func octal(_ mode: UInt32) -> String {
        "0" + (mode == 0 ? "" : String(mode, radix: 8))
    }

    /// "ok", "in-progress" or "err=ECONNREFUSED" (or "err=-N" for a code without a name here).
    private func resultText(_ result: Int32, inProgressIsPending: Bool) -> String {
        if result >= 0 { return "ok" }
        if inProgressIsPending && result == -ECSVocabulary.errnoInProgress { return "in-progress" }
        return "err=" + (TerminalText.errnoName(-result) ?? String(result))
    }
}
