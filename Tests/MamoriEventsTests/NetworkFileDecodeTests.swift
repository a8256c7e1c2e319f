import CMamoriABI
import MamoriEvents
import MamoriTestSupport
import Testing

@Suite("Decoding network and file records")
struct NetworkFileDecodeTests {
    let header = RecordBuilder.HeaderFields(ktimeNs: 5_000, tgid: 77, pid: 78, startBoottimeNs: 6_000)
    let subject = RecordBuilder.SubjectFields(ppid: 1, uid: 33, gid: 33, euid: 33, cgroupId: 99, comm: "nginx")
    var expectedSubject: Subject { Subject(ppid: 1, uid: 33, gid: 33, euid: 33, cgroupId: 99, comm: "nginx") }
    func expectedHeader(_ kind: EventKind, size: Int) -> EventHeader {
        EventHeader(kind: kind.rawValue, version: UInt16(MAMORI_ABI_VERSION), size: UInt32(size),
                    ktimeNs: 5_000, tgid: 77, tid: 78, startBoottimeNs: 6_000)
    }

    @Test func ipv4ConnectEveryField() throws {
        let bytes = RecordBuilder.network(header: header, subject: subject, op: .connect, proto: 6,
                                          socketType: 1, result: -111, source: [192, 168, 1, 20],
                                          sourcePort: 51000, destination: [10, 0, 0, 1], destinationPort: 8443)
        let expected = NetworkEvent(
            header: expectedHeader(.network, size: 120), subject: expectedSubject, op: .connect,
            family: .inet, proto: 6, socketType: 1, result: -111,
            source: IPAddress(family: .inet, bytes: [192, 168, 1, 20]), sourcePort: 51000,
            destination: IPAddress(family: .inet, bytes: [10, 0, 0, 1]), destinationPort: 8443)
        let event = try decodeOne(bytes)
        #expect(event == .network(expected))
        guard case .network(let n) = event else { return }
        #expect(n.source.description == "192.168.1.20")
        #expect(n.destination.description == "10.0.0.1")
        #expect(n.transport == "tcp")
    }

    @Test func ipv4IgnoresGarbageAfterTheFirstFourBytes() throws {
        var bytes = RecordBuilder.network(destination: [127, 0, 0, 1])
        let daddr = RecordBuilder.offset(of: \mamori_net.daddr)
        for i in 4..<16 { bytes[daddr + i] = 0xCC }
        guard case .network(let n) = try decodeOne(bytes) else { Issue.record("not network"); return }
        #expect(n.destination == IPAddress(family: .inet, bytes: [127, 0, 0, 1]))
        #expect(n.destination.isLoopback)
    }

    @Test func ipv6UdpSend() throws {
        let dst: [UInt8] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x35]
        let bytes = RecordBuilder.network(op: .send, proto: 17, socketType: 2, source: [UInt8](repeating: 0, count: 16),
                                          sourcePort: 5353, destination: dst, destinationPort: 53)
        guard case .network(let n) = try decodeOne(bytes) else { Issue.record("not network"); return }
        #expect(n.family == .inet6)
        #expect(n.op == .send)
        #expect(n.transport == "udp")
        #expect(n.destination.description == "2001:db8::35")
        #expect(n.source.description == "::")
        #expect(n.destination.bytes == dst)
        #expect(n.sourcePort == 5353 && n.destinationPort == 53)
    }

    @Test func unknownNetworkOpAndFamilyAreRejected() {
        var bytes = RecordBuilder.network()
        RecordBuilder.patch(&bytes, at: RecordBuilder.offset(of: \mamori_net.op), UInt16(99))
        #expect(decodeError(bytes) == .invalidValue(kind: .network, field: .op, value: 99))
        var unix = RecordBuilder.network()
        RecordBuilder.patch(&unix, at: RecordBuilder.offset(of: \mamori_net.family), UInt16(1))
        #expect(decodeError(unix) == .invalidValue(kind: .network, field: .family, value: 1))
    }

    @Test func fileCreateEveryField() throws {
        let bytes = RecordBuilder.file(header: header, subject: subject, op: .create, path: "/etc/cron.d/evil",
                                       result: 0, flags: [.watched], openFlags: 0o1101, mode: 0o644,
                                       inode: 424242, device: (259 << 20) | 2)
        let expected = FileEvent(
            header: expectedHeader(.file, size: 120 + 16), subject: expectedSubject, op: .create, result: 0,
            flags: [.watched], openFlags: 0o1101, mode: 0o644, ownerUid: nil, ownerGid: nil,
            inode: 424242, device: (259 << 20) | 2, path: "/etc/cron.d/evil", targetPath: nil)
        #expect(try decodeOne(bytes) == .file(expected))
    }

    @Test func renameNormalisesBothPaths() throws {
        let bytes = RecordBuilder.file(op: .rename, path: "/tmp/./x/../payload", path2: "/usr//bin/../bin/ls")
        guard case .file(let f) = try decodeOne(bytes) else { Issue.record("not file"); return }
        #expect(f.op == .rename)
        #expect(f.path == "/tmp/payload")
        #expect(f.targetPath == "/usr/bin/ls")
    }

    @Test func relativePathsAreKeptAsGiven() throws {
        let bytes = RecordBuilder.file(op: .rename, path: "./a/../b", path2: "/x/./y",
                                       flags: [.pathRelative, .path2Relative])
        guard case .file(let f) = try decodeOne(bytes) else { Issue.record("not file"); return }
        #expect(f.path == "./a/../b")
        #expect(f.targetPath == "/x/./y")
        // Relative bytes without the flag are not touched either (nothing to anchor them to).
        guard case .file(let g) = try decodeOne(RecordBuilder.file(path: "a/./b")) else { return }
        #expect(g.path == "a/./b")
    }

    @Test func chownOwners() throws {
        let both = RecordBuilder.file(op: .chown, path: "/srv/data", ownerUid: 0, ownerGid: 50)
        guard case .file(let f) = try decodeOne(both) else { Issue.record("not file"); return }
        #expect(f.ownerUid == 0 && f.ownerGid == 50)
        let uidOnly = RecordBuilder.file(op: .chown, path: "/srv/data", ownerUid: 1000, ownerGid: 0xffff_ffff)
        guard case .file(let g) = try decodeOne(uidOnly) else { Issue.record("not file"); return }
        #expect(g.ownerUid == 1000 && g.ownerGid == nil)
        // Other operations never report an owner.
        let chmod = RecordBuilder.file(op: .chmod, path: "/srv/data", mode: 0o4755, ownerUid: 0, ownerGid: 0)
        guard case .file(let h) = try decodeOne(chmod) else { Issue.record("not file"); return }
        #expect(h.ownerUid == nil && h.ownerGid == nil && h.mode == 0o4755)
    }

    @Test(arguments: [FileOp.create, .openWrite, .truncate, .rename, .unlink, .chmod, .chown, .openRead])
    func everyFileOpDecodes(op: FileOp) throws {
        guard case .file(let f) = try decodeOne(RecordBuilder.file(op: op, path: "/var/log/x")) else {
            Issue.record("not file"); return
        }
        #expect(f.op == op)
        #expect(f.path == "/var/log/x")
        #expect(f.targetPath == (op == .rename ? "" : nil))
    }

    @Test func unknownFileOpIsRejected() {
        var bytes = RecordBuilder.file()
        RecordBuilder.patch(&bytes, at: RecordBuilder.offset(of: \mamori_file.op), UInt16(0))
        #expect(decodeError(bytes) == .invalidValue(kind: .file, field: .op, value: 0))
    }

    @Test func failedOpenKeepsNegativeResult() throws {
        let bytes = RecordBuilder.file(op: .openWrite, path: "/etc/shadow", result: -13, openFlags: 1)
        guard case .file(let f) = try decodeOne(bytes) else { Issue.record("not file"); return }
        #expect(f.result == -13)
        #expect(f.openFlags == 1)
    }
}
