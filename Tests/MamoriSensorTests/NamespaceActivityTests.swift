import Foundation
import Glibc
import MamoriEvents
@testable import MamoriSensor
import Testing

/// unshare(2) and setns(2) of bpf/activity.bpf.c against the real kernel. The actors are
/// util-linux `unshare` / `nsenter` processes this test starts; every namespace they create is
/// their own and ends with them, and the only namespace joined is the test's own UTS namespace.
extension SensorIntegration {
@Suite("namespace activity")
struct NamespaceActivityTests {
    static func inode(_ path: String) -> UInt64 {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_ino) : 0
    }

    @Test("unshare -r by an unprivileged user reports a user-namespace unshare with the caller's uid")
    func unprivilegedUserNamespace() throws {
        let h = try SensorHarness.get()
        h.reset()
        let run = try runProcess("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups",
                                                      "/usr/bin/unshare", "-r", "/bin/true"])
        #expect(run.status == 0, "unprivileged user namespaces are allowed on this kernel")
        let seen = ActivityEventsTests.activity(of: run.pid, h) { $0.contains { $0.op == .unshare } }
        let u = seen.first { $0.op == .unshare }
        #expect(u?.namespaces?.split(separator: ",").contains("user") == true)
        #expect(u?.result == 0)
        #expect(u?.subject.uid == 65534)
        #expect(u?.arg0 == Self.inode("/proc/self/ns/user"), "the caller's user namespace before the call")
        #expect(u?.action.description == "unshare")
    }

    @Test("setns back into the host's UTS namespace from a private one names the joined namespace and the previous one")
    func setnsIntoHost() throws {
        let h = try SensorHarness.get()
        h.reset()
        let hostUTS = Self.inode("/proc/self/ns/uts")
        let run = try runProcess("/usr/bin/unshare", ["--uts", "--", "/usr/bin/nsenter",
                                                      "--uts=/proc/\(getpid())/ns/uts", "--", "/bin/true"])
        #expect(run.status == 0)
        let seen = ActivityEventsTests.activity(of: run.pid, h) { evs in
            evs.contains { $0.op == .setns } && evs.contains { $0.op == .unshare }
        }
        let unshare = seen.first { $0.op == .unshare }
        #expect(unshare?.namespaces == "uts")
        let s = seen.first { $0.op == .setns }
        #expect(s?.result == 0)
        #expect(s?.joinedNamespace?.inode == hostUTS)
        #expect(s?.joinedNamespace?.kind == 0x0400_0000)
        #expect(s?.joinedNamespace.map { $0.previous != 0 && $0.previous != hostUTS } == true,
                "the caller was in its private UTS namespace")
        #expect(s?.namespaces == "uts")
    }

    @Test("setns into the namespace the caller is already in reports the same inode before and after")
    func setnsSame() throws {
        let h = try SensorHarness.get()
        h.reset()
        let run = try runProcess("/usr/bin/nsenter", ["--uts=/proc/\(getpid())/ns/uts", "--", "/bin/true"])
        #expect(run.status == 0)
        let seen = ActivityEventsTests.activity(of: run.pid, h) { $0.contains { $0.op == .setns } }
        let s = seen.first { $0.op == .setns }
        #expect(s?.joinedNamespace.map { $0.inode == $0.previous } == true)
    }
}
}
