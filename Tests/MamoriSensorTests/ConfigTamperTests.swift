import CLibbpf
import CMamoriABI
import Foundation
import Glibc
import MamoriEvents
@testable import MamoriSensor
import Testing

/// Issue 13 finding 7 against the real kernel: another process (bpftool) rewrites the agent's
/// config map by id to put its own choice of tgid into `self_tgid`. The tamper hook reports the
/// open by id and the write with bpftool as the sender and the map's id; `ConfigGuard.verify`
/// finds the drift and puts the agent's value back. The test process plays the agent.
extension SensorIntegration {
@Suite("config map tamper")
struct ConfigTamperTests {
    static let bpftool = ["/usr/sbin/bpftool", "/usr/bin/bpftool", "/sbin/bpftool"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    } ?? "bpftool"

    @Test("bpftool map update of mamori_config by id: open + write reported, value restored")
    func configRewriteIsReportedAndRestored() throws {
        var options = SensorOptions()
        options.fileEvents = false
        let me = UInt32(getpid())
        let session = try SensorSession(options: options, queueCapacity: 1 << 16, cgroupRoot: cgroup2Mount(), selfTgid: me)
        defer { session.stop() }
        session.start()
        let maps = session.program.maps

        var info = bpf_map_info()
        var length = UInt32(MemoryLayout<bpf_map_info>.size)
        #expect(withUnsafeMutableBytes(of: &info) { bpf_obj_get_info_by_fd(maps.configFD, $0.baseAddress, &length) } == 0)
        let mapId = info.id
        #expect(mapId != 0)

        // self_tgid := 4242, everything else zero (hooks and enforcement off).
        let forged: [String] = [0x92, 0x10, 0, 0].map { String($0) } + Array(repeating: "0", count: 52)
        let writer = try runProcess(Self.bpftool, ["map", "update", "id", "\(mapId)", "key", "0", "0", "0", "0", "value"] + forged)
        #expect(writer.status == 0, "bpftool map update failed")
        #expect(maps.configGuard.readKernel().self_tgid == 4242, "the write reached the kernel")

        var seen: [TamperEvent] = []
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && !(seen.contains { $0.kind == .bpfMapWrite }) {
            while let e = session.queue.pop() {
                if case .tamper(let t) = e, t.header.tgid == UInt32(writer.pid) { seen.append(t) }
            }
            _ = session.queue.waitForElements(timeout: .milliseconds(50))
        }
        let opened = seen.first { $0.kind == .bpfObjectGet }
        #expect(opened?.valueName == "BPF_MAP_GET_FD_BY_ID" && opened?.objectId == UInt64(mapId) && opened?.code == 1)
        let write = seen.first { $0.kind == .bpfMapWrite }
        #expect(write?.valueName == "BPF_MAP_UPDATE_ELEM" && write?.objectId == UInt64(mapId))
        #expect(write?.subject.comm == "bpftool" && write?.targetTgid == me)

        let drift = try #require(maps.configGuard.verify())
        #expect(drift.found.self_tgid == 4242 && drift.intended.self_tgid == me && drift.restored)
        #expect(drift.changes.first == "self_tgid 4242→\(me)")
        #expect(maps.configGuard.readKernel().self_tgid == me, "the agent's value is back")
        #expect(maps.configGuard.verify() == nil, "nothing left to restore")
    }

    @Test("a read of another program's map is not reported")
    func foreignMapIsNotReported() throws {
        var options = SensorOptions()
        options.fileEvents = false
        let session = try SensorSession(options: options, queueCapacity: 1 << 16, cgroupRoot: cgroup2Mount(),
                                        selfTgid: UInt32(getpid()))
        defer { session.stop() }
        session.start()
        // A map of our own making (not the agent's): create, update, delete through bpftool.
        let fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "mamori_test", 4, 4, 1, nil)
        #expect(fd >= 0)
        defer { close(fd) }
        var info = bpf_map_info()
        var length = UInt32(MemoryLayout<bpf_map_info>.size)
        _ = withUnsafeMutableBytes(of: &info) { bpf_obj_get_info_by_fd(fd, $0.baseAddress, &length) }
        let writer = try runProcess(Self.bpftool, ["map", "update", "id", "\(info.id)", "key", "0", "0", "0", "0", "value", "1", "0", "0", "0"])
        #expect(writer.status == 0)
        Thread.sleep(forTimeInterval: 0.5)
        var foreign = 0
        while let e = session.queue.pop() {
            if case .tamper(let t) = e, t.header.tgid == UInt32(writer.pid) { foreign += 1 }
        }
        #expect(foreign == 0, "bpftool writing a map that is not the agent's is not tamper")
    }
}
}
