import MamoriEvents
import MamoriProcess

extension EventRow {
    /// Flattens a sensor event into a row.
    ///
    /// - Parameters:
    ///   - process: the enrichment record of the acting process (after the exec for exec).
    ///   - parentEntityId: the parent's entity id, when the process tree knows it.
    ///   - realtimeOffsetNs: CLOCK_REALTIME − CLOCK_BOOTTIME (`ClockOffset.realtimeMinusBoottimeNs`).
    ///   - ecsJSON: the event's ECS JSON line (without the trailing newline), when encoded.
    public init(_ event: SensorEvent, process: ProcessRecord?, parentEntityId: String?,
                realtimeOffsetNs: Int64, ecsJSON: String? = nil) {
        let header = event.header
        self.init(tsNs: header.ktimeNs,
                  tsUnixNs: Int64(truncatingIfNeeded: header.ktimeNs) &+ realtimeOffsetNs,
                  kind: Self.kindName(event.kind), action: Self.action(event), pid: header.tgid,
                  ppid: event.subject?.ppid, entityId: process?.entityId, parentEntityId: parentEntityId,
                  executable: process?.executable.nilIfEmpty, commandLine: process?.commandLine.nilIfEmpty,
                  uid: event.subject?.uid, unit: process?.unit, ecsJSON: ecsJSON)
        switch event {
        case .exec(let e):
            executable = e.executable
            commandLine = e.args.joined(separator: " ")
            path = e.executable
        case .fork(let e):
            ppid = e.parentTgid
        case .exit(let e):
            result = e.signal != 0 ? 128 + e.signal : e.exitCode
        case .network(let e):
            srcIP = e.source.description
            srcPort = e.sourcePort
            dstIP = e.destination.description
            dstPort = e.destinationPort
            transport = e.transport
            result = e.result
            // The name the destination was looked up under (DomainNameCache), searchable as --path.
            if let domain = e.destinationDomain { targetPath = domain.name }
        case .dns(let e):
            // The question is the row's path (events --path '*.example.com'); the resolved
            // addresses go to target_path, space-separated.
            path = e.questionName.nilIfEmpty
            if let m = e.message, !m.answers.isEmpty {
                targetPath = m.resolvedAddresses.map(\.description).joined(separator: " ").nilIfEmpty
            }
            srcIP = e.source.description
            srcPort = e.sourcePort
            dstIP = e.destination.description
            dstPort = e.destinationPort
            transport = e.transport
            result = e.message.map { Int32($0.responseCode) } ?? -1
        case .file(let e):
            path = e.path
            targetPath = e.targetPath
            result = e.result
            count = Int(max(e.count, 1))   // repeats the kernel folded (FileEvent.count)
        case .action(let e):
            if !e.path.isEmpty { path = e.path }
            if let dst = e.destination {
                dstIP = dst.description
                dstPort = e.destinationPort
            }
            result = e.result
        case .tamper(let e):
            result = e.value
            commandLine = commandLine ?? "\(e.kind) \(e.valueName)"
        case .activity(let e):
            result = e.result
            switch e.op {
            case .utimes, .mount, .moveMount, .moduleLoad, .sysctlWrite, .memfdCreate:
                if !e.path.isEmpty { path = e.path }
                if !e.path2.isEmpty { targetPath = e.path2 }
            case .xattrSet:
                if !e.path.isEmpty { path = e.path }
                targetPath = "capability_set " + (e.grantedCapabilities ?? "")
            case .fileFlags:
                if !e.path.isEmpty { path = e.path }
                targetPath = "file_flags " + (e.newFileFlags ?? "")
            default:
                // The target process and what was done to it, beside the actor's own command line.
                var what = "\(e.action)"
                if let target = e.targetProcess { what += " pid \(target)" }
                if let entry = e.procEntry { what += " " + entry }
                if let signal = e.signalName { what += " " + signal }
                targetPath = what
            }
        case .gap(let e):
            result = Int32(clamping: e.totalLost)
            commandLine = "lane \(e.lane) cpu \(e.cpu)"
        }
    }

    /// The `events.kind` word of a record kind (filters use the same words).
    public static func kindName(_ kind: EventKind) -> String {
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

    /// `event.action` as the ECS exporter writes it.
    static func action(_ event: SensorEvent) -> String {
        switch event {
        case .exec: return "exec"
        case .fork: return "fork"
        case .exit: return "exit"
        case .network(let e): return e.op.description
        case .file(let e): return e.op.description
        case .action(let e): return e.action.description
        case .tamper(let e): return e.kind.description
        case .activity(let e): return "\(e.action)"
        case .dns(let e): return e.direction == .query ? "dns-query" : "dns-answer"
        case .gap: return "gap"
        }
    }
}

extension ProcessRow {
    /// The row for a process-table record.
    ///
    /// - Parameters:
    ///   - parentEntityId: the parent's entity id (the table maps `parentKey` to it).
    ///   - sessionLeaderEntityId: the session leader's entity id, when known.
    ///   - seenUnixNs: wall clock now.
    public init(_ record: ProcessRecord, parentEntityId: String?, sessionLeaderEntityId: String? = nil,
                seenUnixNs: Int64) {
        var exitCode: Int32?
        if let status = record.exitStatus {
            let signal = Int32(status & 0x7f)
            exitCode = signal != 0 ? 128 + signal : Int32((status >> 8) & 0xff)
        }
        self.init(entityId: record.entityId, pid: record.pid, ppid: record.parentKey?.pid,
                  parentEntityId: parentEntityId, executable: record.executable.nilIfEmpty,
                  commandLine: record.commandLine.nilIfEmpty, cwd: record.cwd.nilIfEmpty, uid: record.uid,
                  startNs: record.startBoottimeNs, exitNs: record.endBoottimeNs, exitCode: exitCode,
                  unit: record.unit, sessionLeaderEntityId: sessionLeaderEntityId, seenUnixNs: seenUnixNs)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
