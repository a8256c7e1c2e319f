import MamoriTestSupport
import Foundation
import MamoriEvents
import MamoriPipeline
@testable import MamoriSensor
import Testing

/// Every root integration suite nests in this one: `.serialized` here applies to all of them,
/// so tests never interleave on the shared sensor.
@Suite("Sensor integration", .serialized, .enabled(if: Privilege.integrationEnabled))
struct SensorIntegration {}

/// The cgroup v2 mount point from /proc/mounts (never hard-coded).
func cgroup2Mount() -> String? {
    guard let text = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") {
        let f = line.split(separator: " ")
        if f.count >= 3 && f[2] == "cgroup2" { return String(f[1]) }
    }
    return nil
}

/// One real sensor shared by the serialized integration suite: loading 40 programs through the
/// verifier takes a while, and events are told apart by the pids the tests spawn.
/// The test process itself is NOT muted (selfTgid 0) so that its own sockets and files show up.
final class SensorHarness: @unchecked Sendable {
    // SAFETY: used only from the serialized integration suite, one test at a time.
    static let shared: Result<SensorHarness, SensorError> = {
        do throws(SensorError) { return .success(try SensorHarness()) } catch { return .failure(error) }
    }()

    let session: SensorSession
    private var backlog: [SensorEvent] = []

    private init() throws(SensorError) {
        var options = SensorOptions()
        options.reportFailedFileOps = true
        session = try SensorSession(options: options, queueCapacity: 1 << 18,
                                    cgroupRoot: cgroup2Mount(), selfTgid: 0)
        session.start()
    }

    static func get() throws -> SensorHarness {
        switch shared {
        case .success(let h): return h
        case .failure(let e): throw e
        }
    }

    /// Drop whatever has been collected so far.
    func reset() {
        drain()
        backlog.removeAll(keepingCapacity: true)
    }

    private func drain() {
        while let e = session.queue.pop() { backlog.append(e) }
    }

    /// Collect events until `done` says the collection is complete or the timeout passes;
    /// returns every event matching `filter` seen so far (backlog included).
    func collect(timeout: Double = 5, filter: (SensorEvent) -> Bool,
                 until done: ([SensorEvent]) -> Bool) -> [SensorEvent] {
        let deadline = Date().addingTimeInterval(timeout)
        var matched: [SensorEvent] = []
        var scanned = 0
        repeat {
            drain()
            while scanned < backlog.count {
                if filter(backlog[scanned]) { matched.append(backlog[scanned]) }
                scanned += 1
            }
            if done(matched) { return matched }
            _ = session.queue.waitForElements(timeout: .milliseconds(20))
        } while Date() < deadline
        return matched
    }

    /// Wait for the first event satisfying `predicate`.
    func first(timeout: Double = 5, where predicate: (SensorEvent) -> Bool) -> SensorEvent? {
        collect(timeout: timeout, filter: predicate, until: { !$0.isEmpty }).first
    }
}

/// Runs a program and returns its pid and exit status (waits for it).
@discardableResult
func runProcess(_ path: String, _ args: [String], cwd: String? = nil) throws -> (pid: Int32, status: Int32) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return (p.processIdentifier, p.terminationStatus)
}

/// A fresh temporary directory, removed by the caller.
func makeTempDir(_ tag: String) throws -> String {
    let path = NSTemporaryDirectory() + "mamori-\(tag)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return (path as NSString).resolvingSymlinksInPath
}

/// Creates (or truncates) a file with one open(2) call, unlike Foundation's atomic write
/// which goes through a temporary file and a rename.
func touch(_ path: String) {
    let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
    if fd >= 0 { close(fd) }
}
