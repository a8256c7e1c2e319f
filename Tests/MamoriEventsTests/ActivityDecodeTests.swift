import CMamoriABI
import MamoriEvents
import MamoriTestSupport
import Testing

/// `mamori_activity` records as the kernel writes them (bpf/activity.bpf.c, bpf/lib/procfs.h):
/// every op's fields and the derived values rules and ECS use.
@Suite("Decoding activity records")
struct ActivityDecodeTests {
    let header = RecordBuilder.HeaderFields(ktimeNs: 5_000, tgid: 77, pid: 78, startBoottimeNs: 6_000)

    func decode(_ bytes: [UInt8]) throws -> ActivityEvent {
        guard case .activity(let a) = try decodeOne(bytes) else { throw DecodeFailure() }
        return a
    }
    struct DecodeFailure: Error {}

    @Test func procAccessOfAnotherProcessEnviron() throws {
        let a = try decode(RecordBuilder.activity(header: header, op: UInt16(MAMORI_ACT_PROC_ACCESS.rawValue),
                                                  flags: UInt32(MAMORI_ACT_F_READ), value: MAMORI_PROC_ENVIRON,
                                                  targetPid: 1500, targetTgid: 1500, targetUid: 115, name: "postgres",
                                                  path: "environ"))
        #expect(a.op == .procAccess && a.header.tgid == 77)
        #expect(a.procEntry == "environ" && a.accessMode == "read")
        #expect(a.targetProcess == 1500 && a.targetUid == 115 && a.name == "postgres")
        #expect(a.action.description == "proc_access")
    }

    @Test func sysctlWriteNamesTheKey() throws {
        let a = try decode(RecordBuilder.activity(header: header, op: UInt16(MAMORI_ACT_SYSCTL_WRITE.rawValue),
                                                  flags: UInt32(MAMORI_ACT_F_WRITE), path: "/proc/sys/kernel/yama/ptrace_scope"))
        #expect(a.sysctlName == "kernel.yama.ptrace_scope" && a.accessMode == "write")
        #expect(a.targetUid == nil)
    }

    @Test func utimesExplicitAndNow() throws {
        let stamped = try decode(RecordBuilder.activity(header: header, op: UInt16(MAMORI_ACT_UTIMES.rawValue),
                                                        args: [978_307_200, 0, 978_307_200, 0], path: "/usr/bin/x"))
        #expect(stamped.explicitTimes == true && stamped.modificationTime == 978_307_200 && stamped.path == "/usr/bin/x")
        let now = try decode(RecordBuilder.activity(header: header, op: UInt16(MAMORI_ACT_UTIMES.rawValue),
                                                    flags: UInt32(MAMORI_ACT_F_TIMES_NULL), path: "/tmp/y"))
        #expect(now.explicitTimes == false && now.modificationTime == nil)
    }

    @Test func killTgkillTargetsTheGroup() throws {
        let a = try decode(RecordBuilder.activity(header: header, op: UInt16(MAMORI_ACT_KILL.rawValue), value: 15,
                                                  targetPid: 1601, args: [1600, UInt64(MAMORI_KILL_TGKILL), 0, 0]))
        #expect(a.signalName == "SIGTERM" && a.targetProcess == 1600)
    }

    @Test func mountSourceTargetAndFstype() throws {
        let a = try decode(RecordBuilder.activity(header: header, op: UInt16(MAMORI_ACT_MOUNT.rawValue), result: -16,
                                                  name: "cgroup", path: "/tmp/w/cg", path2: "cgroup"))
        #expect(a.path == "/tmp/w/cg" && a.path2 == "cgroup" && a.name == "cgroup" && a.result == -16)
    }

    @Test func setidOldAndNewIds() throws {
        let a = try decode(RecordBuilder.activity(header: header, op: UInt16(MAMORI_ACT_SETID.rawValue), value: MAMORI_SETID_SETRESUID,
                                                  args: [0, 0xffff_ffff, 1000 | 1000 << 32, 1000]))
        #expect(a.action.description == "setuid")
        #expect(a.newIds?.real == 0 && a.newIds?.effective == 0 && a.newIds?.saved == UInt32.max)
        #expect(a.oldIds?.real == 1000 && a.newEffectiveId == 0)
    }

    @Test func pathPastTheRecordIsRejected() throws {
        var bytes = RecordBuilder.activity(header: header, op: UInt16(MAMORI_ACT_MEMFD_CREATE.rawValue), path: "x")
        RecordBuilder.patch(&bytes, at: RecordBuilder.offset(of: \mamori_activity.path_len), UInt16(4000))
        #expect(throws: DecodeError.self) { try decodeOne(bytes) }
        var badOp = RecordBuilder.activity(header: header, op: 99)
        RecordBuilder.patch(&badOp, at: RecordBuilder.offset(of: \mamori_activity.op), UInt16(99))
        #expect(throws: DecodeError.self) { try decodeOne(badOp) }
    }
}
