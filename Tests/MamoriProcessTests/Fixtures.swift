import MamoriEvents
@testable import MamoriProcess

/// Builders of synthetic process events, local to these tests (independent of the
/// in-progress MamoriTestSupport record builders).
enum Fixture {
    static let bootId = "3168acb7-064d-4031-a9df-80c59d770f0d"
    static let ids = EntityIdGenerator(bootId: bootId)

    /// Nanoseconds for a start tick (1/100 s).
    static func ns(ticks: UInt64) -> UInt64 { ticks * 10_000_000 }

    static func header(_ kind: EventKind, pid: UInt32, start: UInt64, at time: UInt64) -> EventHeader {
        EventHeader(kind: kind.rawValue, version: 1, size: 0, ktimeNs: time, tgid: pid, tid: pid,
                    startBoottimeNs: ns(ticks: start))
    }

    static func subject(ppid: UInt32, uid: UInt32 = 1000, cgroup: UInt64 = 0, comm: String = "proc") -> Subject {
        Subject(ppid: ppid, uid: uid, gid: uid, euid: uid, cgroupId: cgroup, comm: comm)
    }

    static func fork(pid: UInt32, start: UInt64, parent: UInt32, parentStart: UInt64,
                     at time: UInt64? = nil, cgroup: UInt64 = 0, comm: String = "proc") -> SensorEvent {
        .fork(ForkEvent(header: header(.fork, pid: pid, start: start, at: time ?? ns(ticks: start)),
                        subject: subject(ppid: parent, cgroup: cgroup, comm: comm),
                        parentTgid: parent, parentStartBoottimeNs: ns(ticks: parentStart)))
    }

    static func exec(pid: UInt32, start: UInt64, parent: UInt32, parentStart: UInt64, exe: String,
                     args: [String]? = nil, cwd: String = "/", uid: UInt32 = 1000, sid: UInt32 = 0,
                     tty: String? = nil, at time: UInt64? = nil, cgroup: UInt64 = 0) -> SensorEvent {
        let comm = String(exe.split(separator: "/").last ?? "").prefix(15)
        return .exec(ExecEvent(
            header: header(.exec, pid: pid, start: start, at: time ?? ns(ticks: start) + 1),
            subject: subject(ppid: parent, uid: uid, cgroup: cgroup, comm: String(comm)),
            parentStartBoottimeNs: ns(ticks: parentStart), executable: exe, args: args ?? [exe],
            cwd: cwd, exeInode: 1, exeDevice: 1, flags: [], egid: uid, loginUid: 1000,
            sessionId: sid, tty: tty))
    }

    static func exit(pid: UInt32, start: UInt64, parent: UInt32 = 1, status: UInt32 = 0, at time: UInt64) -> SensorEvent {
        .exit(ExitEvent(header: header(.exit, pid: pid, start: start, at: time),
                        subject: subject(ppid: parent), exitStatus: status))
    }

    static func connect(pid: UInt32, start: UInt64, parent: UInt32 = 1, at time: UInt64, uid: UInt32 = 1000,
                        cgroup: UInt64 = 0) -> SensorEvent {
        let zero = IPAddress(family: .inet, high: 0, low: 0)
        return .network(NetworkEvent(header: header(.network, pid: pid, start: start, at: time),
                                     subject: subject(ppid: parent, uid: uid, cgroup: cgroup), op: .connect, family: .inet,
                                     proto: 6, socketType: 1, result: 0, source: zero, sourcePort: 40000,
                                     destination: zero, destinationPort: 443))
    }

    static func key(_ pid: UInt32, _ start: UInt64) -> ProcessKey { ProcessKey(pid: pid, startTicks: start) }

    /// A table holding only init (1@1, session 1).
    static func tableWithInit(_ config: ProcessTable.Configuration = .init(),
                              isAlive: @escaping (ProcessKey) -> Bool = { _ in true }) -> ProcessTable {
        let table = ProcessTable(configuration: config, entityIds: ids, isAlive: isAlive)
        table.apply(exec(pid: 1, start: 1, parent: 0, parentStart: 0, exe: "/sbin/init", sid: 1))
        return table
    }
}
