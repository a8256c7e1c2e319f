import MamoriAgent
import MamoriConfig
import Testing

@Suite struct AgentConfigurationMappingTests {
    @Test func configurationKeysReachTheAgentAndItsSensor() throws {
        let c = try ConfigLoader.parse(yaml: """
            sensor: {file_events: false, report_failed_file_ops: true, priority_ring_size: 8MiB,
                     bulk_ring_size: 16MiB, queue_capacity: 4096, watch_files: [/etc/x], watch_directories: []}
            rules: {directory: /srv/rules}
            alerts: {path: /srv/alerts.json}
            store: {path: /srv/m.db, store_events: false, retention: {event_age: 7d, max_size: 0, alert_age: 0}}
            """, file: "t.yaml").get()
        let a = c.toAgentConfiguration()
        #expect(a.rulesDirectory == "/srv/rules" && a.alertsPath == "/srv/alerts.json" && a.databasePath == "/srv/m.db")
        #expect(!a.storeEvents && a.watchFiles == ["/etc/x"] && a.watchDirectories.isEmpty && a.queueCapacity == 4096)
        #expect(!a.sensor.fileEvents && a.sensor.networkEvents && a.sensor.reportFailedFileOps)
        #expect(a.sensor.priorityRingBytes == 8 << 20 && a.sensor.bulkRingBytes == 16 << 20)
        #expect(a.retention.maxEventAge == .seconds(7 * 86_400))
        #expect(a.retention.maxDatabaseBytes == nil && a.retention.maxAlertAge == nil, "0 means no limit")
    }

    @Test func disabledStoreMeansNoDatabaseAndDefaultsMatchTheAgentsOwn() {
        var c = MamoriConfiguration()
        let a = c.toAgentConfiguration()
        let plain = AgentConfiguration()
        #expect(a.alertsPath == plain.alertsPath && a.databasePath == plain.databasePath)
        #expect(a.watchFiles == plain.watchFiles && a.watchDirectories == plain.watchDirectories)
        var sensor = a.sensor
        #expect(sensor.pinDirectory?.hasSuffix("/mamori") == true && !sensor.failClosed, "fail-open by default")
        sensor.pinDirectory = nil
        #expect(a.queueCapacity == plain.queueCapacity && sensor == plain.sensor && a.retention == plain.retention)
        #expect(a.rulesDirectory == AgentConfiguration.defaultRulesDirectory, "uninstalled default falls back like before")
        c.store.enabled = false
        #expect(c.toAgentConfiguration().databasePath == nil)
    }

    @Test func failModeClosedPinsPrevention() throws {
        let c = try ConfigLoader.parse(yaml: "agent: {fail_mode: closed}", file: "t.yaml").get()
        let a = c.toAgentConfiguration()
        #expect(a.sensor.failClosed)
        #expect(a.sensor.pinDirectory?.hasSuffix("/mamori") == true)
    }
}
