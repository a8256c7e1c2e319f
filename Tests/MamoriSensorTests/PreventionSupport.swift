import Foundation
import Glibc
import MamoriEvents
@testable import MamoriSensor

/// A cgroup v2 child this test creates under the cgroup mount, and the test process moved
/// into it while a prevention policy scoped to it is in force.
///
/// Exists so that every enforcement in the prevention tests is confined to processes the test
/// spawned (children inherit the cgroup) and to the test process itself: nothing else on the
/// machine is in this cgroup. `leave()` moves the test process back to where it was; `remove()`
/// (always call it from a `defer`) leaves, then removes the directory.
final class TestCgroup {
    let path: String
    let id: UInt64
    private let home: String
    private var inside = false

    init() throws {
        guard let mount = cgroup2Mount() else { throw TestCgroupError.noCgroup2 }
        path = mount + "/mamori-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard mkdir(path, 0o755) == 0 else { throw TestCgroupError.failed("mkdir \(path)", errno) }
        var st = stat()
        guard stat(path, &st) == 0 else { rmdir(path); throw TestCgroupError.failed("stat \(path)", errno) }
        id = UInt64(st.st_ino) // cgroup v2 id = kernfs inode number of the directory
        home = mount + Self.ownCgroupPath()
    }

    /// Move the whole test process (all threads) into this cgroup.
    func enter() throws {
        try Self.write("\(getpid())", to: path + "/cgroup.procs")
        inside = true
    }

    /// Move the test process back to the cgroup it came from.
    func leave() {
        guard inside else { return }
        try? Self.write("\(getpid())", to: home + "/cgroup.procs")
        inside = false
    }

    /// Run `body` with the test process inside this cgroup; always moves back out.
    func inside<R>(_ body: () throws -> R) throws -> R {
        try enter()
        defer { leave() }
        return try body()
    }

    func remove() {
        leave()
        // Children the test spawned have been waited for; retry briefly while they are reaped.
        for _ in 0..<50 {
            if rmdir(path) == 0 || errno == ENOENT { return }
            usleep(20_000)
        }
    }

    /// "/user.slice/..." from the cgroup v2 line ("0::/path") of /proc/self/cgroup.
    static func ownCgroupPath() -> String {
        let text = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix("0::") {
            let p = String(line.dropFirst(3))
            return p == "/" ? "" : p
        }
        return ""
    }

    static func write(_ text: String, to file: String) throws {
        let fd = open(file, O_WRONLY)
        guard fd >= 0 else { throw TestCgroupError.failed("open \(file)", errno) }
        defer { close(fd) }
        let n = text.withCString { Glibc.write(fd, $0, strlen($0)) }
        guard n >= 0 else { throw TestCgroupError.failed("write \(file)", errno) }
    }
}

enum TestCgroupError: Error, CustomStringConvertible {
    case noCgroup2
    case failed(String, Int32)
    var description: String {
        switch self {
        case .noCgroup2: return "no cgroup v2 mount in /proc/mounts"
        case .failed(let what, let e): return "\(what): \(String(cString: strerror(e)))"
        }
    }
}

/// How a spawned program ended.
struct ProgramRun {
    var pid: Int32 = 0
    /// The exec itself failed (posix_spawn error), e.g. EPERM from BPF LSM.
    var spawnErrno: Int32?
    var exitCode: Int32?
    var signal: Int32?
    /// Stopped by a deny policy, whichever way this kernel does it: SIGKILL at exec, or
    /// execve failing with EPERM (BPF LSM; Foundation may report it as a non-POSIX error).
    var wasDenied: Bool { signal == SIGKILL || spawnErrno != nil }
}

/// Spawn `path` with `args` (stdout/stderr discarded) and wait for it.
func spawnAndWait(_ path: String, _ args: [String]) -> ProgramRun {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    do {
        try p.run()
    } catch {
        let ns = error as NSError
        return ProgramRun(spawnErrno: ns.domain == NSPOSIXErrorDomain ? Int32(ns.code) : -1)
    }
    p.waitUntilExit()
    var run = ProgramRun(pid: p.processIdentifier)
    if p.terminationReason == .uncaughtSignal { run.signal = p.terminationStatus } else { run.exitCode = p.terminationStatus }
    return run
}

/// A private copy of a system binary (symlinks resolved), so that policies on its inode touch
/// nothing but the test's own processes.
func copyBinary(_ system: String, to destination: String) throws -> String {
    guard let resolved = realpath(system, nil) else { throw TestCgroupError.failed("realpath \(system)", errno) }
    let real = String(cString: resolved)
    free(resolved)
    try FileManager.default.copyItem(atPath: real, toPath: destination)
    return destination
}

/// Socket calls to explicit addresses (loopback, or TEST-NET/documentation ranges that the
/// policy under test must refuse before any routing). Return 0 or the errno.
enum PolicySocket {
    static func sockaddr(_ address: String, _ port: UInt16) -> (family: Int32, storage: sockaddr_storage, length: socklen_t) {
        var ss = sockaddr_storage()
        if address.contains(":") {
            withUnsafeMutablePointer(to: &ss) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { a in
                a.pointee.sin6_family = sa_family_t(AF_INET6)
                a.pointee.sin6_port = port.bigEndian
                _ = inet_pton(AF_INET6, address, &a.pointee.sin6_addr)
            } }
            return (AF_INET6, ss, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
        withUnsafeMutablePointer(to: &ss) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { a in
            a.pointee.sin_family = sa_family_t(AF_INET)
            a.pointee.sin_port = port.bigEndian
            _ = inet_pton(AF_INET, address, &a.pointee.sin_addr)
        } }
        return (AF_INET, ss, socklen_t(MemoryLayout<sockaddr_in>.size))
    }

    /// connect(2) a fresh socket; non-blocking for TCP so an unexpected pass never waits.
    static func connect(_ address: String, _ port: UInt16, udp: Bool = false) -> Int32 {
        var (family, ss, len) = sockaddr(address, port)
        let type = udp ? Int32(SOCK_DGRAM.rawValue) : Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        let fd = socket(family, type, 0)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        let r = withUnsafePointer(to: &ss) { $0.withMemoryRebound(to: Glibc.sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, len) } }
        if r == 0 { return 0 }
        let e = errno
        return e == EINPROGRESS ? 0 : e
    }

    /// sendto(2) one datagram.
    static func sendto(_ address: String, _ port: UInt16) -> Int32 {
        var (family, ss, len) = sockaddr(address, port)
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        var byte: UInt8 = 0x2a
        let r = withUnsafePointer(to: &ss) { $0.withMemoryRebound(to: Glibc.sockaddr.self, capacity: 1) { Glibc.sendto(fd, &byte, 1, 0, $0, len) } }
        return r >= 0 ? 0 : errno
    }
}

extension SensorEvent {
    var actionEvent: ActionEvent? { if case .action(let a) = self { return a } else { return nil } }
}
