import MamoriBaseline
import MamoriOutput
import MamoriConfig
import MamoriSensor
import MamoriStore

extension AgentConfiguration {
    /// The agent's view of a validated `MamoriConfiguration` (sensor, rules, alert log, store).
    /// Exports, control, agent and prevention settings are read by their own services.
    /// When `rules.directory` is the default and not installed, the source tree's `rules/`
    /// is used, as before (`make run` from a checkout).
    public init(_ c: MamoriConfiguration) {
        var rules = c.rules.directory
        if rules == RulesSettings().directory && !FileSystem.isDirectory(rules) {
            rules = AgentConfiguration.defaultRulesDirectory
        }
        self.init(rulesDirectory: rules, alertsPath: c.alerts.path,
                  databasePath: c.store.enabled ? c.store.path : nil)
        storeEvents = c.store.storeEvents
        outputFormat = c.output.format == .ocsf ? .ocsf : .ecs
        watchFiles = c.sensor.watchFiles
        watchDirectories = c.sensor.watchDirectories
        queueCapacity = c.sensor.queueCapacity
        sensor.uidBudget = .init(eventsPerSecond: UInt64(c.sensor.uidEventRate), burst: UInt64(c.sensor.uidEventRate) * 4)
        sensor.kernelFileBudget = (UInt64(c.sensor.uidKernelFileRate), UInt64(c.sensor.uidKernelFileRate) * 3)
        sensor.fileEvents = c.sensor.fileEvents
        sensor.networkEvents = c.sensor.networkEvents
        sensor.reportFailedFileOps = c.sensor.reportFailedFileOps
        sensor.priorityRingBytes = UInt32(clamping: c.sensor.priorityRingBytes)
        sensor.bulkRingBytes = UInt32(clamping: c.sensor.bulkRingBytes)
        alertsRotateBytes = c.alerts.rotateBytes
        alertsKeep = c.alerts.keep
        controlSocket = c.control.socket.isEmpty ? nil : c.control.socket
        controlReadGroup = c.control.readGroup
        // agent.fail_mode (docs/service.md): closed pins the prevention links and maps; open
        // pins nothing and releases pins a previous closed run left. Read at start only.
        sensor.pinDirectory = PreventionPins.defaultDirectory() ?? SystemMounts.bpffs + "/mamori"
        sensor.failClosed = c.agent.failMode == .closed
        baseline = BaselineConfiguration(c.baseline)
        localNetworks = c.detection.localNetworks
        let r = c.store.retention
        retention = RetentionPolicy(maxEventAge: r.eventAge == .zero ? nil : r.eventAge,
                                    maxDatabaseBytes: r.maxBytes == 0 ? nil : Int64(r.maxBytes),
                                    maxAlertAge: r.alertAge == .zero ? nil : r.alertAge)
    }
}

extension MamoriConfiguration {
    /// Shorthand for `AgentConfiguration(self)`.
    public func toAgentConfiguration() -> AgentConfiguration { AgentConfiguration(self) }
}
