import Glibc
import Testing
@testable import MamoriProcess

/// `ProcessTable.liveProcess(runningExecutable:)`: the unlink check behind `TargetIsRunningImage`.
/// A path no record ever ran is answered by the executables-seen set; an exec in place adds the
/// new image; a process the kernel no longer has is not "running".
struct RunningImageLookupTests {
    let me = UInt32(getpid())

    @Test func imageOfALiveProcessIsFoundAndADataFileIsNot() {
        let table = ProcessTable(entityIds: Fixture.ids)
        table.apply(Fixture.exec(pid: me, start: 10, parent: 1, parentStart: 1, exe: "/tmp/x/payload"))
        #expect(table.liveProcess(runningExecutable: "/tmp/x/payload")?.key.pid == me)
        #expect(table.liveProcess(runningExecutable: "/tmp/x/data.bin") == nil)
        #expect(table.liveProcess(runningExecutable: "/tmp/x/payloae") == nil)  // same length, other bytes
    }

    @Test func anExecInPlaceMakesTheNewImageRunning() {
        let table = ProcessTable(entityIds: Fixture.ids)
        table.apply(Fixture.exec(pid: me, start: 10, parent: 1, parentStart: 1, exe: "/bin/sh"))
        table.apply(Fixture.exec(pid: me, start: 10, parent: 1, parentStart: 1, exe: "/var/tmp/stage2"))
        #expect(table.liveProcess(runningExecutable: "/var/tmp/stage2")?.key.pid == me)
        #expect(table.liveProcess(runningExecutable: "/bin/sh") == nil, "the old image no longer runs in that process")
    }

    @Test func anExitedProcessIsNotRunning() {
        let table = ProcessTable(entityIds: Fixture.ids)
        table.apply(Fixture.exec(pid: me, start: 10, parent: 1, parentStart: 1, exe: "/tmp/x/once"))
        table.apply(Fixture.exit(pid: me, start: 10, status: 0, at: Fixture.ns(ticks: 20)))
        #expect(table.liveProcess(runningExecutable: "/tmp/x/once") == nil)
    }
}
