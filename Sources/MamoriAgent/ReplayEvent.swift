import MamoriText
import Glibc
import MamoriEvents
import MamoriProcess
import MamoriStore

/// An event rebuilt from history (a store row or an ECS JSON line) with the process context
/// detection needs, for `mamori rules test`.
///
/// Exists so that rules can be tried on what really happened on this host before they are
/// deployed. Reconstruction is lossy where the record is: arguments come back split on spaces,
/// and only the parent (not the whole ancestry) is known. Value type; any thread.
public struct ReplayEvent: Sendable {
    public var event: SensorEvent
    public var process: ProcessRecord
    public var parent: ProcessRecord?

    /// Common fields of both sources.
    public struct Fields: Sendable {
        public var action = ""
        public var ktimeNs: UInt64 = 0
        public var pid: UInt32 = 0
        public var ppid: UInt32 = 0
        public var uid: UInt32 = 0
        public var executable = ""
        public var args: [String] = []
        public var cwd = ""
        public var parentExecutable = ""
        public var parentArgs: [String] = []
        public var path: String?
        public var targetPath: String?
        public var localIP: String?
        public var localPort: UInt16 = 0
        public var remoteIP: String?
        public var remotePort: UInt16 = 0
        public var transport: String?
        public var result: Int32 = 0
        public var unit: String?
        public var stdin: FileType = .closed
        public var stdout: FileType = .closed
        public init() {}
    }

    /// Rebuilds the event; nil for kinds detection does not evaluate (fork, exit, gap).
    public init?(_ f: Fields) {
        let header = EventHeader(kind: 0, version: UInt16(1), size: 0, ktimeNs: f.ktimeNs, tgid: f.pid, tid: f.pid,
                                 startBoottimeNs: 0)
        let comm = String(f.executable.split(separator: "/").last ?? "")
        let subject = Subject(ppid: f.ppid, uid: f.uid, gid: 0, euid: f.uid, cgroupId: 0, comm: String(comm.prefix(15)))
        let key = ProcessKey(pid: f.pid, startTicks: 0)
        let parentKey = ProcessKey(pid: f.ppid, startTicks: 0)
        process = ProcessRecord(key: key, entityId: "replay-\(f.pid)", parentKey: parentKey, executable: f.executable,
                                args: f.args, cwd: f.cwd, uid: f.uid, euid: f.uid, gid: 0, loginUid: nil, sessionId: 0,
                                tty: nil, cgroupId: 0, unit: f.unit, startBoottimeNs: 0, comm: comm,
                                exitStatus: nil, origin: .unknown)
        parent = f.parentExecutable.isEmpty ? nil : ProcessRecord(
            key: parentKey, entityId: "replay-\(f.ppid)", parentKey: nil, executable: f.parentExecutable,
            args: f.parentArgs, cwd: "", uid: f.uid, euid: f.uid, gid: 0, loginUid: nil, sessionId: 0, tty: nil,
            cgroupId: 0, unit: f.unit, startBoottimeNs: 0, comm: "", exitStatus: nil, origin: .unknown)
        switch f.action {
        case "exec":
            event = .exec(ExecEvent(header: header, subject: subject, parentStartBoottimeNs: 0, executable: f.executable,
                                    args: f.args, cwd: f.cwd, exeInode: 0, exeDevice: 0, flags: [], egid: 0,
                                    loginUid: nil, sessionId: 0, tty: nil,
                                    stdio: StdioTypes(stdin: f.stdin, stdout: f.stdout, stderr: .closed)))
        case "connect", "accept", "listen", "send":
            let op: NetworkOp = f.action == "connect" ? .connect : f.action == "accept" ? .accept : f.action == "listen" ? .listen : .send
            let local = Self.address(f.localIP), remote = Self.address(f.remoteIP)
            event = .network(NetworkEvent(header: header, subject: subject, op: op, family: local.family == .inet6 || remote.family == .inet6 ? .inet6 : .inet,
                                          proto: f.transport == "udp" ? 17 : 6, socketType: f.transport == "udp" ? 2 : 1,
                                          result: f.result, source: local, sourcePort: f.localPort,
                                          destination: remote, destinationPort: f.remotePort))
        default:
            let ops: [String: FileOp] = ["creation": .create, "open-write": .openWrite, "truncate": .truncate,
                                         "rename": .rename, "deletion": .unlink, "chmod": .chmod, "chown": .chown,
                                         "open-read": .openRead]
            guard let op = ops[f.action], let path = f.path else { return nil }
            event = .file(FileEvent(header: header, subject: subject, op: op, result: f.result, flags: [], openFlags: 0,
                                    mode: 0, ownerUid: nil, ownerGid: nil, inode: 0, device: 0, path: path,
                                    targetPath: f.targetPath))
        }
    }

    /// Parses dotted-quad or IPv6 text (0.0.0.0 when absent or malformed).
    static func address(_ text: String?) -> IPAddress {
        guard let text else { return IPAddress(family: .inet, bytes: [0, 0, 0, 0]) }
        guard let bytes = CIDR.parseAddress(text) else { return IPAddress(family: .inet, bytes: [0, 0, 0, 0]) }
        return IPAddress(family: bytes.count == 4 ? .inet : .inet6, bytes: bytes)
    }
}

extension ReplayEvent {
    /// From a stored event row and the stored processes.
    public init?(row: EventRow, process: ProcessRow?, parent: ProcessRow?) {
        var f = Fields()
        f.action = row.action
        f.ktimeNs = row.tsNs
        f.pid = row.pid
        f.ppid = row.ppid ?? 0
        f.uid = row.uid ?? 0
        f.executable = row.executable ?? process?.executable ?? ""
        f.args = (row.commandLine ?? process?.commandLine ?? "").split(separator: " ").map(String.init)
        f.cwd = process?.cwd ?? ""
        f.parentExecutable = parent?.executable ?? ""
        f.parentArgs = (parent?.commandLine ?? "").split(separator: " ").map(String.init)
        f.path = row.path
        f.targetPath = row.targetPath
        f.localIP = row.srcIP
        f.localPort = row.srcPort ?? 0
        f.remoteIP = row.dstIP
        f.remotePort = row.dstPort ?? 0
        f.transport = row.transport
        f.result = row.result ?? 0
        f.unit = row.unit
        self.init(f)
    }
}
