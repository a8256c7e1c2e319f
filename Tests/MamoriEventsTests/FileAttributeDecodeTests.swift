import CMamoriABI
import MamoriEvents
import MamoriTestSupport
import Testing

/// `mamori_activity` records of bpf/fileattr.bpf.c as the kernel writes them: capability
/// words from a vfs_cap_data value, inode flag words, and the enter-only "no result" flag.
@Suite("Decoding file attribute records")
struct FileAttributeDecodeTests {
    let header = RecordBuilder.HeaderFields(ktimeNs: 5_000, tgid: 77, pid: 78, startBoottimeNs: 6_000)

    func decode(_ bytes: [UInt8]) throws -> ActivityEvent {
        guard case .activity(let a) = try decodeOne(bytes) else { throw DecodeFailure() }
        return a
    }
    struct DecodeFailure: Error {}

    @Test func capabilityWriteNamesPermittedCapabilities() throws {
        // cap_chown (0), cap_setuid (7), cap_sys_admin (21), and bit 40 (cap_checkpoint_restore) in the high word.
        let permitted: UInt64 = 1 | 1 << 7 | 1 << 21 | 1 << 40
        let a = try decode(RecordBuilder.activity(header: header, op: UInt16(MAMORI_ACT_XATTR_SET.rawValue),
                                                  flags: UInt32(MAMORI_ACT_F_NO_RESULT),
                                                  args: [0x0300_0001, permitted, 0, 0], path: "/tmp/x/py"))
        #expect(a.op == .xattrSet && a.action.description == "capability_set")
        #expect(a.grantedCapabilities == "cap_chown,cap_setuid,cap_sys_admin,cap_checkpoint_restore")
        #expect(a.capabilityEffective == true)
        #expect(a.flags.contains(.noResult))
        #expect(a.path == "/tmp/x/py")
        #expect(a.newFileFlags == nil, "flag words belong to file_flags only")
    }

    @Test func capabilityBitsPastTheTableAreNumbered() {
        #expect(FileAttributeNames.capabilityList(1 << 50) == "cap_50")
        #expect(FileAttributeNames.capabilityList(0) == "")
    }

    @Test func fileFlagsBeforeAndAfter() throws {
        let a = try decode(RecordBuilder.activity(header: header, op: UInt16(MAMORI_ACT_FILE_FLAGS.rawValue),
                                                  flags: UInt32(MAMORI_ACT_F_NO_RESULT),
                                                  value: Int32(MAMORI_FS_IMMUTABLE_FL | MAMORI_FS_APPEND_FL | 0x80000),
                                                  args: [0x4008_6602, UInt64(MAMORI_FS_APPEND_FL), 0, 0], path: "/etc/cron.d/x"))
        #expect(a.op == .fileFlags && a.action.description == "file_flags")
        #expect(a.newFileFlags == "immutable,append", "bits rules do not judge (extents) are left out")
        #expect(a.oldFileFlags == "append")
        #expect(a.grantedCapabilities == nil)
    }

    @Test func unknownOpIsAnError() {
        #expect(throws: DecodeError.self) {
            _ = try decode(RecordBuilder.activity(header: header, op: 19))
        }
    }
}
