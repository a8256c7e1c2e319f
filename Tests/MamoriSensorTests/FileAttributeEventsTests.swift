import Foundation
import Glibc
import MamoriEvents
@testable import MamoriSensor
import Testing

/// bpf/fileattr.bpf.c against the real kernel, on the shared sensor: a python3 process this
/// test spawns writes security.capability (and a user xattr, which must not be reported) and
/// sets/clears the immutable flag on files in a scratch directory the test creates and removes.
extension SensorIntegration {
@Suite("file attribute events")
struct FileAttributeEventsTests {
    static let python = ActivityEventsTests.python

    static func scratch() throws -> String {
        var template = Array("/tmp/mamori-fileattr.XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw POSIXError(.EIO) }
        return String(cString: p)
    }

    @Test("a security.capability write names the file and decodes the granted capabilities; user.* xattrs are not reported")
    func capabilityXattr() throws {
        let h = try SensorHarness.get()
        h.reset()
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/py"
        try Data([0x7f]).write(to: URL(fileURLWithPath: file))
        // vfs_cap_data v2: magic 0x02000000 | effective, permitted = cap_setuid (7) | cap_net_raw (13).
        let script = """
            import errno, os, struct, sys
            f = sys.argv[1]
            try:  # the syscall is what the hook sees; tmpfs before 6.6 refuses user.* (EOPNOTSUPP)
                os.setxattr(f, "user.mamori", b"x")
            except OSError as e:
                if e.errno != errno.EOPNOTSUPP: raise
            os.setxattr(f, "security.capability", struct.pack("<IIIII", 0x02000001, (1 << 7) | (1 << 13), 0, 0, 0))
            """
        let actor = try runProcess(Self.python, ["-c", script, file])
        #expect(actor.status == 0)
        let seen = ActivityEventsTests.activity(of: actor.pid, h) { $0.contains { $0.op == .xattrSet } }
        let xattrs = seen.filter { $0.op == .xattrSet }
        #expect(xattrs.count == 1, "only security.capability is reported: \(xattrs.map(\.path))")
        let cap = xattrs.first
        #expect(cap?.path == file)
        #expect(cap?.grantedCapabilities == "cap_setuid,cap_net_raw")
        #expect(cap?.capabilityEffective == true)
        #expect(cap?.flags.contains(.noResult) == true)
        #expect(cap?.action.description == "capability_set")
        #expect(cap?.subject.comm.hasPrefix("python") == true)
    }

    @Test("FS_IOC_SETFLAGS setting then clearing immutable reports the new flags and the state before")
    func immutableFlag() throws {
        let h = try SensorHarness.get()
        h.reset()
        let dir = try Self.scratch()
        let file = dir + "/keep"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        // Clears the flag whatever happened, so the scratch directory can be removed.
        defer {
            _ = try? runProcess("/usr/bin/chattr", ["-i", file])
            try? FileManager.default.removeItem(atPath: dir)
        }
        let script = """
            import fcntl, os, struct, sys
            fd = os.open(sys.argv[1], os.O_RDONLY)
            flags = struct.unpack("l", fcntl.ioctl(fd, 0x80086601, struct.pack("l", 0)))[0]
            fcntl.ioctl(fd, 0x40086602, struct.pack("l", flags | 0x10))
            fcntl.ioctl(fd, 0x40086602, struct.pack("l", flags & ~0x10))
            """
        let actor = try runProcess(Self.python, ["-c", script, file])
        #expect(actor.status == 0, "FS_IOC_SETFLAGS on the scratch file system")
        let seen = ActivityEventsTests.activity(of: actor.pid, h) { $0.filter { $0.op == .fileFlags }.count >= 2 }
        let sets = seen.filter { $0.op == .fileFlags }
        #expect(sets.count == 2, "FS_IOC_GETFLAGS is not reported")
        #expect(sets.first?.path == file)
        #expect(sets.first?.newFileFlags == "immutable" && sets.first?.oldFileFlags == "")
        #expect(sets.last?.newFileFlags == "" && sets.last?.oldFileFlags == "immutable")
        #expect(sets.first?.arg0 == 0x40086602)
    }
}
}
