import Foundation
import MamoriEvents
@testable import MamoriStore

/// A fresh directory under /tmp, removed when the value is released.
final class TempDir {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "mamori-store-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    var dbPath: String { path + "/events.db" }
}

/// Builders of rows for store tests.
enum Rows {
    static let second: Int64 = 1_000_000_000
    /// 2026-01-01T00:00:00Z.
    static let t0: Int64 = 1_767_225_600 * second

    static func event(_ n: Int, kind: String = "file", action: String = "creation", pid: UInt32 = 100,
                      at time: Int64? = nil, entity: String? = "E100", path: String? = nil,
                      target: String? = nil, src: String? = nil, dst: String? = nil, json: String? = nil) -> EventRow {
        EventRow(tsNs: UInt64(n) * 1_000, tsUnixNs: time ?? (t0 + Int64(n) * second), kind: kind, action: action,
                 pid: pid, ppid: 1, entityId: entity, executable: "/usr/bin/test", commandLine: "test \(n)",
                 path: path, targetPath: target, srcIP: src, srcPort: src == nil ? nil : 40000,
                 dstIP: dst, dstPort: dst == nil ? nil : 443, transport: dst == nil ? nil : "tcp",
                 result: 0, uid: 1000, unit: "test.service", ecsJSON: json)
    }

    static func process(_ entity: String, pid: UInt32, parent: String?, exe: String = "/bin/sh",
                        start: UInt64 = 0, seen: Int64 = t0) -> ProcessRow {
        ProcessRow(entityId: entity, pid: pid, ppid: 1, parentEntityId: parent, executable: exe,
                   commandLine: exe + " -c x", cwd: "/", uid: 0, startNs: start, unit: "sshd.service",
                   seenUnixNs: seen)
    }

    /// ~`bytes` of filler JSON so that size-based tests grow the file quickly.
    static func json(_ bytes: Int, tag: Int = 0) -> String {
        "{\"tag\":\(tag),\"pad\":\"" + String(repeating: "x", count: max(0, bytes - 20)) + "\"}"
    }
}

/// Polls `condition` every 10 ms for up to `seconds`.
func waitUntil(seconds: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(10_000)
    }
    return try condition()
}
