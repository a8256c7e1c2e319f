import Foundation
import Glibc
import MamoriEvents
@testable import MamoriSensor
import Testing

/// The file-open tier (`FileOpenTier`): the kernel's best hook is chosen at load (fexit on
/// `security_file_open` in the `make test-vm` guest, the syscall tracepoints on this host),
/// only that tier's programs attach, the other tier is not reported as a missing hook, and
/// both tiers report the same opens with the same fields.
extension SensorIntegration {
@Suite("file open tier")
struct FileOpenTierTests {
    /// `make test-vm` sets MAMORI_TEST_VM=1 in the guest (scripts/vm/init.sh), whose 6.1 kernel
    /// attaches fexit: there the fexit tier must really be in use, not silently fallen back.
    static let inGuest = ProcessInfo.processInfo.environment["MAMORI_TEST_VM"] == "1"

    @Test("the tier follows the kernel and only its programs attach")
    func tierFollowsTheKernel() throws {
        let h = try SensorHarness.get()
        let fexit = KernelProbe.fileOpenFexitWorks()
        if Self.inGuest { #expect(fexit, "the test-vm guest attaches fexit on security_file_open") }
        let program = h.session.program
        let attached = Set(program.attached.map(\.program))
        #expect(program.fileOpenTier == (fexit ? .fexit : .syscallTracepoints))
        if fexit {
            #expect(attached.contains(FileOpenTier.fexitProgram))
            #expect(attached.isDisjoint(with: FileOpenTier.syscallPrograms), "\(attached.intersection(FileOpenTier.syscallPrograms))")
        } else {
            #expect(!attached.contains(FileOpenTier.fexitProgram))
            #expect(attached.isSuperset(of: ["mamori_openat_enter", "mamori_openat_exit", "mamori_openat2_exit"]))
        }
        // The unused tier is a choice, not a hook this kernel lacks.
        let both = FileOpenTier.syscallPrograms.union([FileOpenTier.fexitProgram])
        #expect(program.skipped.allSatisfy { !both.contains($0.program) }, "\(program.skipped)")
    }

    /// What one open produced, in a form both tiers must agree on.
    struct Seen: Equatable, CustomStringConvertible {
        var op: FileOp, path: String, mode: UInt32, inode: UInt64, created: Bool, truncates: Bool, watched: Bool
        var description: String { "\(op) \(path) mode=\(String(mode, radix: 8)) ino=\(inode) creat=\(created) trunc=\(truncates) watched=\(watched)" }
    }

    /// Runs the same opens under a sensor of its own with the given tier allowed and returns
    /// what it reported under the test's directory, up to the closing unlink.
    func opens(allowFentry: Bool) throws -> (FileOpenTier, [Seen]) {
        var options = SensorOptions()
        options.allowFentry = allowFentry
        let session = try SensorSession(options: options, queueCapacity: 1 << 16, cgroupRoot: cgroup2Mount(), selfTgid: 0)
        session.start()
        defer { session.stop() }
        let dir = try makeTempDir("tier")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/c.txt", watched = dir + "/watched", plain = dir + "/plain", end = dir + "/end"
        for p in [watched, plain, end] { touch(p) }
        #expect(try session.program.maps.watch(path: watched))
        let me = UInt32(getpid())
        func shut(_ fd: Int32) { #expect(fd >= 0); if fd >= 0 { close(fd) } }
        shut(open(file, O_CREAT | O_WRONLY | O_EXCL, 0o640))
        shut(open(file, O_WRONLY | O_TRUNC, 0))
        shut(open(file, O_WRONLY | O_APPEND, 0))
        shut(open(watched, O_RDONLY, 0))
        shut(open(plain, O_RDONLY, 0))
        #expect(unlink(end) == 0)
        var seen: [Seen] = []
        let deadline = Date().addingTimeInterval(10)
        var done = false
        while !done && Date() < deadline {
            _ = session.queue.waitForElements(timeout: .milliseconds(50))
            while let e = session.queue.pop() {
                guard case .file(let f) = e, f.header.tgid == me, f.path.hasPrefix(dir + "/") else { continue }
                if f.op == .unlink && f.path == end { done = true; continue }
                // The setup's own creations (touch) are not part of the comparison.
                guard f.path == file || f.op == .openRead else { continue }
                seen.append(Seen(op: f.op, path: f.path, mode: f.mode, inode: f.inode,
                                 created: f.openFlags & UInt32(O_CREAT) != 0, truncates: f.openFlags & UInt32(O_TRUNC) != 0,
                                 watched: f.flags.contains(.watched)))
            }
        }
        #expect(done, "the closing unlink was seen")
        return (session.program.fileOpenTier, seen)
    }

    @Test("both tiers report create, truncate, write-open and a watched read alike; an unwatched read not at all")
    func tiersReportTheSame() throws {
        let (best, a) = try opens(allowFentry: true)
        let (fallback, b) = try opens(allowFentry: false)
        #expect(fallback == .syscallTracepoints)
        if Self.inGuest { #expect(best == .fexit) }
        for (tier, seen) in [(best, a), (fallback, b)] {
            let summary = seen.map { "\($0.op)\($0.path.hasSuffix("/c.txt") ? ":c" : $0.path.hasSuffix("/watched") ? ":w" : ":p")" }
            let expected: [(FileOp, String)] = [(.create, ":c"), (.truncate, ":c"), (.openWrite, ":c"), (.openRead, ":w")]
            #expect(summary == expected.map { "\($0.0)\($0.1)" }, "\(tier): \(seen)")
            #expect(seen.first?.mode == 0o640 && seen.first?.created == true, "\(tier): \(seen)")
            #expect(seen.dropFirst().first?.truncates == true, "\(tier): \(seen)")
            #expect(seen.last?.watched == true, "\(tier): \(seen)")
            #expect(Set(seen.prefix(3).map(\.inode)).count == 1, "\(tier): one inode for the three opens of c.txt")
        }
    }
}
}
