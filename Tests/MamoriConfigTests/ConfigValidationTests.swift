@testable import MamoriConfig
import Testing

@Suite struct ConfigValidationTests {
    private func errors(_ yaml: String) -> [String] {
        switch ConfigLoader.parse(yaml: yaml, file: "t.yaml") {
        case .success: return []
        case .failure(let e): return e.diagnostics.map(\.description)
        }
    }

    /// Issue 13 #10: an empty read group is an error, not silently `mamori`.
    @Test func emptyReadGroupIsAnError() {
        #expect(errors("control:\n  read_group: \"\"\n") == ["t.yaml:2:15: control.read_group: must not be empty"])
        #expect(errors("control:\n  read_group: ops\n") == [])
    }

    /// detection.local_networks: each entry an address or CIDR, reported at its line and column.
    @Test func localNetworksAreCheckedPerEntry() throws {
        let bad = errors("detection:\n  local_networks:\n    - 10.0.0.0/8\n    - 10.0.0.0/33\n    - /srv\n    - lab\n")
        #expect(bad == [
            "t.yaml:4:7: detection.local_networks: '10.0.0.0/33': prefix length must be 0-32",
        ], "\(bad)")
        #expect(errors("detection:\n  local_networks: [/srv]\n").first?.contains("expected an IP address or CIDR") == true)
        #expect(errors("detection:\n  local_networks: lab\n").first?.hasPrefix("t.yaml:2:19: detection.local_networks:") == true)
        let good = try ConfigLoader.parse(yaml: "detection:\n  local_networks: [127.0.0.0/8, 10.0.0.0/8, 'fd00::/8']\n", file: "t.yaml").get()
        #expect(good.detection.localNetworks == ["127.0.0.0/8", "10.0.0.0/8", "fd00::/8"])
    }

    @Test func unknownKeySuggestsTheClosestKnownOne() {
        #expect(errors("sensor:\n  file_event: false\n") == ["t.yaml:2:3: sensor.file_event: unknown key (did you mean 'sensor.file_events'?)"])
        #expect(errors("file_events: false\n") == ["t.yaml:1:1: file_events: unknown key (did you mean 'sensor.file_events'?)"])
        #expect(errors("exports:\n  sislog: {}\n").first?.contains("did you mean 'exports.syslog'") == true)
    }

    @Test func wrongTypesAndRangesAreAllReportedAtOnceWithPositions() {
        let yaml = """
            sensor:
              file_events: maybe
              priority_ring_size: 3MiB
              queue_capacity: 1000
              watch_files: /etc/shadow
            exports:
              syslog:
                port: 70000
                transport: tcpp
                address: "999.1.1.1"
              prometheus:
                listen: "127.0.0.1"
              otlp:
                endpoint: ftp://collector
                timeout: 10 parsecs
            store:
              retention:
                event_age: -1d
            agent:
              fail_mode: ajar
            """
        let e = errors(yaml)
        #expect(e.count == 12, "\(e)")
        #expect(e.contains("t.yaml:2:16: sensor.file_events: expected true or false, found 'maybe'"))
        #expect(e.contains { $0.hasPrefix("t.yaml:3:23: sensor.priority_ring_size: 3MiB is out of range") && $0.contains("power of two") })
        #expect(e.contains { $0.hasPrefix("t.yaml:4:19: sensor.queue_capacity: 1000 is out of range") })
        #expect(e.contains("t.yaml:5:16: sensor.watch_files: expected a list of absolute paths, found a single value"))
        #expect(e.contains { $0.hasPrefix("t.yaml:8:11: exports.syslog.port: 70000 is out of range") })
        #expect(e.contains { $0.hasPrefix("t.yaml:9:16: exports.syslog.transport: expected one of udp, tcp, found 'tcpp' (did you mean 'tcp'?)") })
        #expect(e.contains("t.yaml:10:14: exports.syslog.address: '999.1.1.1' is not an IP address or a valid host name"))
        #expect(e.contains { $0.hasPrefix("t.yaml:12:13: exports.prometheus.listen: '127.0.0.1' is not host:port") })
        #expect(e.contains { $0.hasPrefix("t.yaml:14:15: exports.otlp.endpoint: 'ftp://collector' must start with http://") })
        #expect(e.contains { $0.hasPrefix("t.yaml:15:14: exports.otlp.timeout: expected a duration") })
        #expect(e.contains { $0.hasPrefix("t.yaml:18:16: store.retention.event_age: expected a duration") })
        #expect(e.contains { $0.hasPrefix("t.yaml:20:14: agent.fail_mode: expected one of open, closed") })
    }

    @Test func sectionsMustBeMappingsAndLeavesNeedValues() {
        #expect(errors("sensor: 3\n") == ["t.yaml:1:9: sensor: section 'sensor' must be a mapping of keys to values, found a single value"])
        #expect(errors("alerts:\n  path:\n") == ["t.yaml:2:8: alerts.path: needs a value: an absolute path"])
        #expect(errors("- a\n- b\n").first?.contains("the configuration must be a mapping") == true)
    }

    @Test func duplicateKeysAndSyntaxErrorsNameTheLine() {
        #expect(errors("agent:\n  watchdog: true\n  watchdog: false\n")
                == ["t.yaml:3:3: watchdog: duplicate key (first set at line 2)"])
        let syntax = errors("sensor:\n  file_events: [true\n")
        #expect(syntax.count == 1 && syntax[0].hasPrefix("t.yaml:3:") && syntax[0].contains("YAML syntax error"), "\(syntax)")
    }

    @Test func goodValuesAreTyped() throws {
        let c = try ConfigLoader.parse(yaml: """
            sensor: {bulk_ring_size: 16M, queue_capacity: 65536, watch_directories: []}
            store: {enabled: false, retention: {event_age: 12h, max_size: 0}}
            exports:
              syslog: {enabled: true, address: siem.example.com, port: 6514, transport: tcp, facility: authpriv}
              otlp: {endpoint: "https://[2001:db8::1]:4318/v1/logs", headers: {X-Scope: team-a}, timeout: 500ms}
              prometheus: {listen: "[::1]:9100"}
            control: {read_group: mamori}
            """, file: "t.yaml").get()
        #expect(c.sensor.bulkRingBytes == 16 << 20 && c.sensor.queueCapacity == 65_536 && c.sensor.watchDirectories.isEmpty)
        #expect(!c.store.enabled && c.store.retention.eventAge == .seconds(43_200) && c.store.retention.maxBytes == 0)
        #expect(c.exports.syslog.transport == .tcp && c.exports.syslog.port == 6514 && c.exports.syslog.facility == "authpriv")
        #expect(c.exports.otlp.headers == ["X-Scope": "team-a"] && c.exports.otlp.timeout == .milliseconds(500))
        #expect(c.exports.prometheus.listen == "[::1]:9100" && c.control.readGroup == "mamori")
        #expect(c.sensor.fileEvents, "keys not mentioned keep their defaults")
    }

    @Test func eventsJSONMustNotOverwriteTheAlertLog() {
        let e = errors("exports:\n  events_json:\n    enabled: true\n    path: /var/log/mamori/alerts.json\n")
        #expect(e == ["t.yaml:4:11: exports.events_json.path: must differ from alerts.path (/var/log/mamori/alerts.json)"])
    }
}
