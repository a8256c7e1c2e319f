import MamoriBaseline
import MamoriEvents
import MamoriProcess

/// Synthetic events of one stand-in service (cgroup 42, unit demo.service) for the unit tests.
enum Fx {
    static let cgroup: UInt64 = 42
    static let unit = "demo.service"
    static let second: Int64 = 1_000_000_000

    static func record(pid: UInt32 = 100, exe: String = "/usr/sbin/demo", unit: String? = unit, cgroupId: UInt64 = cgroup) -> ProcessRecord {
        ProcessRecord(key: ProcessKey(pid: pid, startTicks: UInt64(pid)), entityId: "e\(pid)",
                      parentKey: ProcessKey(pid: 1, startTicks: 1), executable: exe, args: [exe], cwd: "/",
                      uid: 33, euid: 33, gid: 33, loginUid: nil, sessionId: 1, tty: nil, cgroupId: cgroupId, unit: unit,
                      startBoottimeNs: UInt64(pid) * 10_000_000, comm: "demo", exitStatus: nil, origin: .exec)
    }

    static func header(_ p: ProcessRecord) -> EventHeader {
        EventHeader(kind: 1, version: 1, size: 0, ktimeNs: 1, tgid: p.pid, tid: p.pid, startBoottimeNs: p.startBoottimeNs)
    }

    static func subject(_ p: ProcessRecord) -> Subject {
        Subject(ppid: 1, uid: p.uid, gid: 0, euid: 0, cgroupId: p.cgroupId, comm: "demo")
    }

    static func exec(_ p: ProcessRecord, _ exe: String, _ args: [String], inode: UInt64 = 7) -> SensorEvent {
        .exec(ExecEvent(header: header(p), subject: subject(p), parentStartBoottimeNs: 0, executable: exe, args: args,
                        cwd: "/", exeInode: inode, exeDevice: 8 << 20 | 1, flags: [], egid: 0, loginUid: nil,
                        sessionId: 1, tty: nil))
    }

    static func connect(_ p: ProcessRecord, _ ip: String, _ port: UInt16) -> SensorEvent {
        let a = NetworkPrefix.parseAddress(ip)!
        return .network(NetworkEvent(header: header(p), subject: subject(p), op: .connect, family: a.family, proto: 6,
                                     socketType: 1, result: 0, source: a, sourcePort: 40000, destination: a,
                                     destinationPort: port))
    }

    static func write(_ p: ProcessRecord, _ path: String) -> SensorEvent {
        .file(FileEvent(header: header(p), subject: subject(p), op: .openWrite, result: 3, flags: [], openFlags: 1,
                        mode: 0, ownerUid: nil, ownerGid: nil, inode: 9, device: 1, path: path, targetPath: nil))
    }

    /// The service's routine: its helper, its log, its peer.
    static func routine(_ p: ProcessRecord, _ parent: ProcessRecord, day: Int = 7) -> [(SensorEvent, ProcessRecord)] {
        let helper = record(pid: 200, exe: "/usr/bin/demo-helper")
        return [(exec(helper, "/usr/bin/demo-helper", ["demo-helper", "--id", "\(day)"]), helper),
                (write(p, "/var/log/demo/demo-2026-12-0\(day).log"), p),
                (connect(p, "10.1.2.\(day)", 5432), p)]
    }

    static func configuration(quiet: Int64 = 5) -> BaselineConfiguration {
        var c = BaselineConfiguration()
        c.quietPeriodNs = quiet * second
        c.persistIntervalNs = 0
        return c
    }
}
