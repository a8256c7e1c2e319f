import Foundation
import FuzzSupport
import MamoriPrevention

/// Seeds: a state.json as the agent writes it (timed raise, scope, isolation), a quarantine
/// manifest, and a prevention policy in the shape of the prevention tests.
enum StateSeeds {
    static var all: [(name: String, bytes: [UInt8])] {
        var state = LevelState()
        let root = Actor(uid: 0, pid: 4242, comm: "mamori")
        _ = state.setHostLevel(.high, for: 600, by: root, reason: "drill", now: 1.7e9)
        _ = state.setIsolation(true, by: root, reason: "incident", now: 1.7e9)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let stateBytes = (try? encoder.encode(state)).map { Array($0) } ?? []
        let entryBytes = Array(#"{"gid":1000,"id":"1700000000-abc","mode":493,"origin":"rule x","originalPath":"/tmp/x","quarantinedAtUnix":1.7e9,"sha256":"\#(String(repeating: "ab", count: 32))","size":12,"uid":1000}"#.utf8)
        return [("state.json", stateBytes), ("manifest.json", entryBytes)] + FuzzSeeds.text([
            ("policy.yaml", """
            levels:
              rules: {critical: 1, high: critical, medium: never}
              temp_exec: high
              temp_dirs: [/tmp, /dev/shm]
            exec_deny:
              - path: /usr/bin/nc
              - sha256: 0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef
            egress_deny:
              - cidr: [203.0.113.0/24, 2001:db8::/32]
                ports: [4444, 5555]
                protocol: tcp
            management_networks: 10.0.0.0/8
            scopes:
              - cgroup: /system.slice/build.slice
                level: 0
            guardrails: {actions_per_minute: 12, burst: 3, breaker_window: 2m}
            """),
            ("huge-expiry.json", #"{"hostLevel":3,"hostRevert":{"level":0,"atUnix":9.3e18},"scopes":[],"isolated":false}"#),
        ])
    }
}
