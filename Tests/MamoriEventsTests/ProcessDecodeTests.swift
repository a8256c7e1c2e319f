import CMamoriABI
import MamoriEvents
import MamoriTestSupport
import Testing

@Suite("Decoding process records")
struct ProcessDecodeTests {
    let header = RecordBuilder.HeaderFields(ktimeNs: 123_456_789_000, tgid: 3141, pid: 3142,
                                            startBoottimeNs: 98_765_000_000)
    let subject = RecordBuilder.SubjectFields(ppid: 2718, uid: 1001, gid: 1002, euid: 0,
                                              cgroupId: 0xDEAD_BEEF_0042, comm: "curl")

    func expectedHeader(_ kind: EventKind, size: Int) -> EventHeader {
        EventHeader(kind: kind.rawValue, version: UInt16(MAMORI_ABI_VERSION), size: UInt32(size),
                    ktimeNs: 123_456_789_000, tgid: 3141, tid: 3142, startBoottimeNs: 98_765_000_000)
    }
    var expectedSubject: Subject {
        Subject(ppid: 2718, uid: 1001, gid: 1002, euid: 0, cgroupId: 0xDEAD_BEEF_0042, comm: "curl")
    }

    @Test func execEveryField() throws {
        let bytes = RecordBuilder.exec(
            header: header, subject: subject, parentStartBoottimeNs: 55_000_000_000,
            exe: "/usr/bin/curl", args: ["curl", "-s", "", "http://example.com/ü"], cwd: "/home/alice",
            exeInode: 0x1122_3344_5566, exeDevice: (8 << 20) | 1, flags: [.cwdTruncated], egid: 27,
            loginUid: 1000, sessionId: 3000, tty: (driver: "pts", index: 3))
        #expect(bytes.count == 168 + 13 + 31 + 11)
        let event = try decodeOne(bytes)
        let expected = ExecEvent(
            header: expectedHeader(.exec, size: bytes.count), subject: expectedSubject,
            parentStartBoottimeNs: 55_000_000_000, executable: "/usr/bin/curl",
            args: ["curl", "-s", "", "http://example.com/ü"], cwd: "/home/alice",
            exeInode: 0x1122_3344_5566, exeDevice: (8 << 20) | 1, flags: [.cwdTruncated, .hasTTY],
            egid: 27, loginUid: 1000, sessionId: 3000, tty: "pts/3")
        #expect(event == .exec(expected))
        guard case .exec(let e) = event else { Issue.record("not an exec"); return }
        #expect(e.header.processKey == ProcessKey(pid: 3141, startBoottimeNs: 98_765_000_000))
        #expect(e.parentKey == ProcessKey(pid: 2718, startBoottimeNs: 55_000_000_000))
        #expect(event.kind == .exec)
        #expect(event.subject?.comm == "curl")
    }

    @Test("loader variables after cwd decode as NAME=value entries; none set decodes as empty")
    func execLoaderEnvironment() throws {
        let bytes = RecordBuilder.exec(cwd: "/tmp/x", loaderEnvironment: ["LD_PRELOAD=/tmp/x/h.so", "LD_AUDIT=./a.so"])
        guard case .exec(let e) = try decodeOne(bytes) else { Issue.record("not an exec"); return }
        #expect(e.loaderEnvironment == ["LD_PRELOAD=/tmp/x/h.so", "LD_AUDIT=./a.so"])
        #expect(e.cwd == "/tmp/x", "cwd ends where the environment begins")
        guard case .exec(let plain) = try decodeOne(RecordBuilder.exec()) else { Issue.record("not an exec"); return }
        #expect(plain.loaderEnvironment.isEmpty)
    }

    @Test("an env_len past the record's end is a precise decode error")
    func execLoaderEnvironmentOutOfBounds() throws {
        var bytes = RecordBuilder.exec(loaderEnvironment: ["LD_PRELOAD=/tmp/h.so"])
        let off = MemoryLayout<mamori_exec>.offset(of: \.env_len)!
        bytes[off] = 0xff
        bytes[off + 1] = 0x00
        #expect(throws: DecodeError.self) { try decodeOne(bytes) }
    }

    @Test func execDefaultsLoginUidUnsetAndNoTTY() throws {
        let event = try decodeOne(RecordBuilder.exec(loginUid: 0xffff_ffff, tty: nil))
        guard case .exec(let e) = event else { Issue.record("not an exec"); return }
        #expect(e.loginUid == nil)
        #expect(e.tty == nil)
        #expect(!e.flags.contains(.hasTTY))
    }

    @Test func ttyIsOnlyReadWhenFlagged() throws {
        // Driver bytes present but the flag cleared: no tty.
        var bytes = RecordBuilder.exec(tty: (driver: "pts", index: 7))
        RecordBuilder.patch(&bytes, at: RecordBuilder.offset(of: \mamori_exec.flags), UInt32(0))
        guard case .exec(let e) = try decodeOne(bytes) else { Issue.record("not an exec"); return }
        #expect(e.tty == nil)
    }

    @Test(arguments: [("tty", UInt32(1), "tty1"), ("ttyS", 0, "ttyS0"), ("pts", 12, "pts/12"),
                      ("abcdefgh", 4, "abcdefgh4")])
    func ttyNames(driver: String, index: UInt32, name: String) throws {
        guard case .exec(let e) = try decodeOne(RecordBuilder.exec(tty: (driver, index))) else {
            Issue.record("not an exec"); return
        }
        #expect(e.tty == name)
    }

    @Test func commWithoutTerminatingNul() throws {
        let full = "abcdefghijklmnop"  // 16 bytes: fills comm[16], no NUL
        let bytes = RecordBuilder.exit(subject: .init(comm: full + "overflow"))
        guard case .exit(let e) = try decodeOne(bytes) else { Issue.record("not an exit"); return }
        #expect(e.subject.comm == full)
    }

    @Test func argsWithoutFinalNul() throws {
        let raw = Array("ls\0-la\0/tmp".utf8)
        let bytes = RecordBuilder.exec(args: [], argc: 3, rawArgs: raw)
        guard case .exec(let e) = try decodeOne(bytes) else { Issue.record("not an exec"); return }
        #expect(e.args == ["ls", "-la", "/tmp"])
    }

    @Test func truncatedLastArgIsKeptAndFlagged() throws {
        // argv had 4 entries; the kernel copied only part of the third one.
        let raw = Array("python3\0-c\0import o".utf8)
        let bytes = RecordBuilder.exec(args: [], flags: [.argsTruncated], argc: 4, rawArgs: raw)
        guard case .exec(let e) = try decodeOne(bytes) else { Issue.record("not an exec"); return }
        #expect(e.args == ["python3", "-c", "import o"])
        #expect(e.flags.contains(.argsTruncated))
    }

    @Test func argsAreCappedAtArgc() throws {
        let bytes = RecordBuilder.exec(args: ["a", "b", "c"], argc: 2)
        guard case .exec(let e) = try decodeOne(bytes) else { Issue.record("not an exec"); return }
        #expect(e.args == ["a", "b"])
    }

    @Test func emptyArgsAndFault() throws {
        let bytes = RecordBuilder.exec(args: [], flags: [.argsFault])
        guard case .exec(let e) = try decodeOne(bytes) else { Issue.record("not an exec"); return }
        #expect(e.args.isEmpty)
        #expect(e.flags == [.argsFault])
        let onlyEmpty = RecordBuilder.exec(args: ["", ""])
        guard case .exec(let e2) = try decodeOne(onlyEmpty) else { Issue.record("not an exec"); return }
        #expect(e2.args == ["", ""])
    }

    @Test func trailingNulCountedInLengthIsDropped() throws {
        let bytes = RecordBuilder.exec(exe: "/bin/sh\0", cwd: "/root\0")
        guard case .exec(let e) = try decodeOne(bytes) else { Issue.record("not an exec"); return }
        #expect(e.executable == "/bin/sh")
        #expect(e.cwd == "/root")
    }

    @Test func invalidUTF8IsRepairedNotTrapped() throws {
        let bytes = RecordBuilder.exec(args: [], argc: 1, rawArgs: [0x66, 0xff, 0xfe, 0x6f, 0])
        guard case .exec(let e) = try decodeOne(bytes) else { Issue.record("not an exec"); return }
        #expect(e.args == ["f\u{FFFD}\u{FFFD}o"])
    }

    @Test func fork() throws {
        let bytes = RecordBuilder.fork(header: header, subject: subject, parentTgid: 2718,
                                       parentStartBoottimeNs: 11_000_000_000)
        let expected = ForkEvent(header: expectedHeader(.fork, size: 88), subject: expectedSubject,
                                 parentTgid: 2718, parentStartBoottimeNs: 11_000_000_000)
        #expect(try decodeOne(bytes) == .fork(expected))
        #expect(expected.parentKey == ProcessKey(pid: 2718, startTicks: 1100))
    }

    @Test func exit() throws {
        let bytes = RecordBuilder.exit(header: header, subject: subject, exitStatus: (3 << 8) | 0)
        let expected = ExitEvent(header: expectedHeader(.exit, size: 80), subject: expectedSubject,
                                 exitStatus: 3 << 8)
        #expect(try decodeOne(bytes) == .exit(expected))
        #expect(expected.exitCode == 3)
        #expect(expected.signal == 0)
        guard case .exit(let killed) = try decodeOne(RecordBuilder.exit(exitStatus: 9)) else {
            Issue.record("not an exit"); return
        }
        #expect(killed.signal == 9)
    }

    @Test func gap() throws {
        // One counter per kind below MAMORI_KIND_COUNT (11: kinds 0-10).
        let bytes = RecordBuilder.gap(header: header, lane: 1, cpu: 5, lost: [0, 10, 0, 0, 0, 2_000_000, 1, 3, 0, 0, 0])
        let expected = GapEvent(header: expectedHeader(.gap, size: MemoryLayout<mamori_gap>.size), lane: 1, cpu: 5,
                                lost: [0, 10, 0, 0, 0, 2_000_000, 1, 3, 0, 0, 0])
        let event = try decodeOne(bytes)
        #expect(event == .gap(expected))
        #expect(event.subject == nil)
        #expect(expected.totalLost == 2_000_014)
        #expect(expected.lost.count == Int(MAMORI_KIND_COUNT.rawValue))
    }

    @Test func decodesAtEveryAlignment() throws {
        let bytes = RecordBuilder.exec(args: ["a", "bb"], tty: ("pts", 1))
        let reference = try decodeOne(bytes)
        for shift in 1..<8 {
            let shifted = [UInt8](repeating: 0xAA, count: shift) + bytes
            let event = shifted.withUnsafeBytes { raw -> SensorEvent? in
                var decoder = RecordDecoder()
                return try? decoder.decode(UnsafeRawBufferPointer(rebasing: raw[shift...]))
            }
            #expect(event == reference, "misaligned by \(shift)")
        }
    }

    @Test func ringSlackBeyondHeaderSizeIsIgnored() throws {
        let bytes = RecordBuilder.exit(exitStatus: 256)
        var decoder = RecordDecoder()
        let event = try decoder.decode(bytes: bytes + [UInt8](repeating: 0xEE, count: 8))
        #expect(event == (try decodeOne(bytes)))
        #expect(event.header.size == 80)
        #expect(decoder.stats.trailingSlack == 1)
    }
}
