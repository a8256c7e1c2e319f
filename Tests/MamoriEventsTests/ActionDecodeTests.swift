import CMamoriABI
import MamoriEvents
import MamoriTestSupport
import Testing

/// `struct mamori_action` records built from the real C struct, decoded like the ring's.
@Suite("Decoding action records")
struct ActionDecodeTests {
    let header = RecordBuilder.HeaderFields(ktimeNs: 9_000, tgid: 4242, pid: 4242, startBoottimeNs: 1_000)
    let subject = RecordBuilder.SubjectFields(ppid: 100, uid: 0, gid: 0, euid: 0, cgroupId: 77, comm: "dropper")

    @Test func execKillEveryField() throws {
        let bytes = RecordBuilder.action(header: header, subject: subject, action: .killExec, reason: .execDirectory,
                                         level: 2, neededLevel: 1, flags: UInt16(MAMORI_ACTF_ENFORCED),
                                         policyId: 31, result: 0, inode: 123_456, device: 0x0080_0001,
                                         path: "/tmp/x/../x/payload")
        guard case .action(let a) = try decodeOne(bytes) else { Issue.record("not an action"); return }
        #expect(a.header.tgid == 4242)
        #expect(a.header.size == UInt32(128 + 19))
        #expect(a.subject.comm == "dropper" && a.subject.cgroupId == 77)
        #expect(a.action == .killExec && a.reason == .execDirectory)
        #expect(a.level == 2 && a.neededLevel == 1)
        #expect(a.enforced && !a.failed)
        #expect(a.policyId == 31 && a.inode == 123_456 && a.device == 0x0080_0001)
        #expect(a.destination == nil)
        #expect(a.path == "/tmp/x/payload") // normalised like file paths
    }

    @Test func wouldHaveConnectIPv4() throws {
        let bytes = RecordBuilder.action(action: .blockConnect, reason: .egressDeny, level: 0, neededLevel: 1,
                                         flags: 0, result: 0, destination: [127, 0, 0, 9], destinationPort: 4444, proto: 6)
        guard case .action(let a) = try decodeOne(bytes) else { Issue.record("not an action"); return }
        #expect(!a.enforced)
        #expect(a.destination?.description == "127.0.0.9")
        #expect(a.destinationPort == 4444 && a.proto == 6)
        #expect(a.path.isEmpty)
    }

    @Test func blockedSendIPv6() throws {
        var dst = [UInt8](repeating: 0, count: 16); dst[15] = 1
        let bytes = RecordBuilder.action(action: .blockSend, reason: .isolated, result: -1, destination: dst,
                                         destinationPort: 53, proto: 17)
        guard case .action(let a) = try decodeOne(bytes) else { Issue.record("not an action"); return }
        #expect(a.destination?.description == "::1")
        #expect(a.result == -1 && a.reason == .isolated)
    }

    @Test func truncatedFixedPartIsRejected() {
        let bytes = RecordBuilder.action(path: "/bin/sh")
        // header.size says fewer bytes than the fixed struct
        var short = bytes
        RecordBuilder.patch(&short, at: 4, UInt32(100))
        #expect(decodeError(short) == .truncated(kind: .action, expected: 128, actual: 100))
        // the ring delivered less than header.size
        #expect(decodeError(bytes, ringSize: 120) == .sizeMismatch(header: 135, ring: 120))
    }

    @Test func pathBeyondTheRecordIsRejected() {
        var bytes = RecordBuilder.action(path: "/bin/sh")
        RecordBuilder.patch(&bytes, at: RecordBuilder.offset(of: \mamori_action.path_len), UInt16(500))
        #expect(decodeError(bytes) == .fieldOutOfBounds(kind: .action, field: .path, offset: 128, length: 500, recordSize: 135))
    }

    @Test func unknownActionReasonAndFamilyAreRejected() {
        var bytes = RecordBuilder.action()
        RecordBuilder.patch(&bytes, at: RecordBuilder.offset(of: \mamori_action.action), UInt16(99))
        #expect(decodeError(bytes) == .invalidValue(kind: .action, field: .op, value: 99))
        var reason = RecordBuilder.action()
        RecordBuilder.patch(&reason, at: RecordBuilder.offset(of: \mamori_action.reason), UInt16(0))
        #expect(decodeError(reason) == .invalidValue(kind: .action, field: .reason, value: 0))
        var family = RecordBuilder.action(destination: [10, 0, 0, 1])
        RecordBuilder.patch(&family, at: RecordBuilder.offset(of: \mamori_action.family), UInt16(1))
        #expect(decodeError(family) == .invalidValue(kind: .action, field: .family, value: 1))
    }
}
