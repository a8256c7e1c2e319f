import MamoriEvents
@testable import MamoriSensor
import Testing

/// `RepeatFlush`: quiet keys' kernel counts become count-carrying copies of their last event.
@Suite("Repeat flush (synthetic)")
struct RepeatFlushTests {
    func event(tgid: UInt32 = 7, op: FileOp = .openWrite, inode: UInt64 = 11, result: Int32 = 0, path: String = "/tmp/a") -> FileEvent {
        FileEvent(header: EventHeader(kind: 5, version: 1, size: 0, ktimeNs: 100, tgid: tgid, tid: tgid, startBoottimeNs: 1),
                  subject: Subject(ppid: 1, uid: 0, gid: 0, euid: 0, cgroupId: 1, comm: "t"), op: op, result: result,
                  flags: [], openFlags: 1, mode: 0, ownerUid: nil, ownerGid: nil, inode: inode, device: 3,
                  path: path, targetPath: nil)
    }

    @Test func aQuietKeysCountRidesOnACopyOfItsLastEvent() {
        var flush = RepeatFlush()
        flush.observe(event(path: "/tmp/a"))
        flush.observe(event(op: .truncate, path: "/tmp/a"))
        var out: [SensorEvent] = []
        flush.events(for: [(RepeatKey(tgid: 7, op: FileOp.openWrite.rawValue, device: 3, inode: 11), 42)], nowNs: 5_000, into: &out)
        #expect(out.count == 1)
        guard case .file(let f)? = out.first else { Issue.record("no file event"); return }
        #expect(f.count == 42 && f.op == .openWrite && f.path == "/tmp/a" && f.header.ktimeNs == 5_000)
        #expect(flush.unattributed == 0)
    }

    @Test func aCountWithoutACachedEventIsCountedAsUnattributed() {
        var flush = RepeatFlush()
        flush.observe(event(inode: 11))
        var out: [SensorEvent] = []
        flush.events(for: [(RepeatKey(tgid: 7, op: FileOp.openWrite.rawValue, device: 3, inode: 12), 5)], nowNs: 1, into: &out)
        #expect(out.isEmpty)
        #expect(flush.unattributed == 5)
    }

    @Test func failedOrInodelessEventsHaveNoKey() {
        #expect(RepeatKey(event(inode: 0)) == nil)
        #expect(RepeatKey(event(result: -13)) == nil)
        #expect(RepeatKey(event()) == RepeatKey(tgid: 7, op: FileOp.openWrite.rawValue, device: 3, inode: 11))
    }
}
