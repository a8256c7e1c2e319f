import CMamoriABI
import MamoriEvents
import MamoriTestSupport
import Testing

/// `mamori_file.repeat_count` (in-kernel folding of identical repeats) decodes into `count`.
@Suite("File repeat count")
struct FileRepeatDecodeTests {
    let header = RecordBuilder.HeaderFields(ktimeNs: 5_000, tgid: 77, pid: 78, startBoottimeNs: 6_000)
    let subject = RecordBuilder.SubjectFields(ppid: 1, uid: 0, gid: 0, euid: 0, cgroupId: 1, comm: "loop")

    @Test func aRecordWithoutRepeatsStandsForOneEvent() throws {
        let bytes = RecordBuilder.file(header: header, subject: subject, op: .openWrite, path: "/tmp/x",
                                       result: 0, flags: [], openFlags: 1, mode: 0, inode: 9, device: 3)
        guard case .file(let f) = try decodeOne(bytes) else { Issue.record("not a file event"); return }
        #expect(f.count == 1)
    }

    @Test func repeatCountAddsToTheRecordItself() throws {
        var bytes = RecordBuilder.file(header: header, subject: subject, op: .openWrite, path: "/tmp/x",
                                       result: 0, flags: [], openFlags: 1, mode: 0, inode: 9, device: 3)
        RecordBuilder.patch(&bytes, at: RecordBuilder.offset(of: \mamori_file.repeat_count), UInt32(999))
        guard case .file(let f) = try decodeOne(bytes) else { Issue.record("not a file event"); return }
        #expect(f.count == 1000)
        #expect(f.inode == 9 && f.path == "/tmp/x")
    }
}
