import Testing
import MamoriEvents
import MamoriPipeline
@testable import MamoriSensor

/// The reader's admission policy without a kernel (issue 13): a flood by an unprivileged user
/// cannot push out root's or sensitive events, and the flooder is reported by uid.
@Suite struct FairAdmissionTests {
    static func file(uid: UInt32, watched: Bool = false, path: String = "/tmp/x", at ns: UInt64) -> SensorEvent {
        .file(FileEvent(header: EventHeader(kind: 5, version: 1, size: 0, ktimeNs: ns, tgid: 10 &+ uid, tid: 10 &+ uid, startBoottimeNs: 1),
                        subject: Subject(ppid: 1, uid: uid, gid: uid, euid: uid, cgroupId: 1, comm: "x"),
                        op: watched ? .openRead : .create, result: 0, flags: watched ? [.watched] : [],
                        openFlags: 0, mode: 0o600, ownerUid: nil, ownerGid: nil, inode: 1, device: 1,
                        path: path, targetPath: nil))
    }

    @Test func aFloodByNobodyCannotPushOutRootsShadowReads() {
        var admission = FairAdmission(limits: .init(eventsPerSecond: 100, burst: 100))
        let queue = EventQueue<SensorEvent>(capacity: 4096)
        var shadowQueued = 0, rootQueued = 0, floodQueued = 0
        // 200k flood events at 1 µs spacing (the worker never drains); every 1000th event root
        // reads /etc/shadow (sensitive) and writes a file (ordinary).
        for i in 0..<200_000 {
            let t = 1_000_000_000 + UInt64(i) * 1_000
            if admission.offer(Self.file(uid: 65534, at: t), to: queue) { floodQueued += 1 }
            if i % 1000 == 0 {
                if admission.offer(Self.file(uid: 0, watched: true, path: "/etc/shadow", at: t), to: queue) { shadowQueued += 1 }
                if admission.offer(Self.file(uid: 0, at: t), to: queue) { rootQueued += 1 }
            }
        }
        // Half the queue, plus the few events its budget refills during the 0.2 s.
        #expect((2048...2080).contains(floodQueued), "the over-budget flooder stops at half the queue: \(floodQueued)")
        #expect(shadowQueued == 200, "every sensitive read queued: \(shadowQueued)/200")
        #expect(rootQueued == 200, "root's ordinary events still fit: \(rootQueued)")
        var reports: [UidBudget.Report] = []
        admission.budget.takeReport(into: &reports)
        #expect(reports.map(\.uid) == [65534])
        #expect(reports.first.map { $0.refused == UInt64(200_000 - floodQueued) } == true, "\(reports)")
    }

    @Test func sensitiveClassesAreTheSecurityRelevantOnes() {
        #expect(FairAdmission.isSensitive(Self.file(uid: 5, watched: true, at: 1)))
        #expect(!FairAdmission.isSensitive(Self.file(uid: 5, at: 1)))
        #expect(FairAdmission.isSensitive(.gap(GapEvent(header: EventHeader(kind: 6, version: 1, size: 0, ktimeNs: 1, tgid: 0, tid: 0, startBoottimeNs: 0),
                                                         lane: 0, cpu: 0, lost: []))))
    }

    @Test func aWatchedFileLoopByNobodyCannotTakeTheReserve() {
        var admission = FairAdmission(limits: .init(eventsPerSecond: 100, burst: 100, criticalPerSecond: 10, criticalBurst: 10))
        let queue = EventQueue<SensorEvent>(capacity: 1024)
        for i in 0..<100_000 {
            _ = admission.offer(Self.file(uid: 65534, watched: true, path: "/etc/ssh/sshd_config", at: 1_000_000_000 + UInt64(i) * 1_000), to: queue)
        }
        #expect(queue.count < 1024 - 256 + 20, "the reserved quarter is left for others: depth \(queue.count)")
        let queued = admission.offer(Self.file(uid: 0, watched: true, path: "/etc/shadow", at: 2_000_000_000), to: queue)
        #expect(queued)
    }
}
