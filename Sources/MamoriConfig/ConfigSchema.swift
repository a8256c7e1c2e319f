/// One key of the configuration: its dotted path, what it accepts, and how it reads from and
/// writes to `MamoriConfiguration`. Build-time only; any thread.
struct ConfigField: Sendable {
    let path: String
    let kind: ConfigValueKind
    let get: @Sendable (MamoriConfiguration) -> ConfigValue
    let set: @Sendable (inout MamoriConfiguration, ConfigValue) -> Void
}

/// The schema: every key the configuration knows, in the order `config show` prints them.
/// `prevention` is not here: it is kept raw for `MamoriPrevention` (docs/prevention.md).
enum ConfigSchema {
    static let fields: [ConfigField] = sensor + [
        field("rules.directory", .absolutePath, \.rules.directory),
        field("alerts.path", .absolutePath, \.alerts.path),
        field("alerts.rotate_bytes", .size(0...(1 << 40), powerOfTwo: false), \.alerts.rotateBytes),
        field("alerts.keep", .integer(0...1_000), \.alerts.keep),
        field("output.format", .choice(OutputSettings.Format.allCases.map(\.rawValue)),
              get: { .string($0.output.format.rawValue) },
              set: { $0.output.format = OutputSettings.Format(rawValue: $1.string) ?? .ecs }),
    ] + store + [
        field("control.socket", .absolutePath, \.control.socket),
        field("control.read_group", .string(allowEmpty: false), \.control.readGroup),
    ] + exports + agent + baseline + [
        field("detection.local_networks", .networkList, \.detection.localNetworks),
    ]

    private static let baseline: [ConfigField] = [
        field("baseline.enabled", .bool, \.baseline.enabled),
        field("baseline.quiet_period", .duration(maxSeconds: 366 * 86_400), \.baseline.quietPeriod),
        field("baseline.units", .unitList, \.baseline.units),
        field("baseline.ignore", .pathOrNetworkList, \.baseline.ignore),
    ]

    private static let sensor: [ConfigField] = [
        field("sensor.file_events", .bool, \.sensor.fileEvents),
        field("sensor.network_events", .bool, \.sensor.networkEvents),
        field("sensor.report_failed_file_ops", .bool, \.sensor.reportFailedFileOps),
        field("sensor.priority_ring_size", .size(4_096...(1 << 30), powerOfTwo: true), \.sensor.priorityRingBytes),
        field("sensor.bulk_ring_size", .size(4_096...(1 << 30), powerOfTwo: true), \.sensor.bulkRingBytes),
        field("sensor.queue_capacity", .powerOfTwo(1_024...(1 << 24)), \.sensor.queueCapacity),
        field("sensor.uid_event_rate", .integer(10...10_000_000), \.sensor.uidEventRate),
        field("sensor.uid_kernel_file_rate", .integer(0...100_000_000), \.sensor.uidKernelFileRate),
        field("sensor.watch_files", .pathList, \.sensor.watchFiles),
        field("sensor.watch_directories", .pathList, \.sensor.watchDirectories),
    ]

    private static let store: [ConfigField] = [
        field("store.enabled", .bool, \.store.enabled),
        field("store.path", .absolutePath, \.store.path),
        field("store.store_events", .bool, \.store.storeEvents),
        field("store.retention.event_age", .duration(maxSeconds: 10 * 365 * 86_400), \.store.retention.eventAge),
        field("store.retention.max_size", .size(0...(1 << 44), powerOfTwo: false), \.store.retention.maxBytes),
        field("store.retention.alert_age", .duration(maxSeconds: 10 * 365 * 86_400), \.store.retention.alertAge),
    ]

    private static let exports: [ConfigField] = [
        field("exports.syslog.enabled", .bool, \.exports.syslog.enabled),
        field("exports.syslog.address", .host, \.exports.syslog.address),
        field("exports.syslog.port", .integer(1...65_535), \.exports.syslog.port),
        field("exports.syslog.transport", .choice(SyslogSettings.Transport.allCases.map(\.rawValue)),
              get: { .string($0.exports.syslog.transport.rawValue) },
              set: { $0.exports.syslog.transport = SyslogSettings.Transport(rawValue: $1.string) ?? .udp }),
        field("exports.syslog.facility", .choice(SyslogSettings.facilities), \.exports.syslog.facility),
        field("exports.syslog.app_name", .string(allowEmpty: false), \.exports.syslog.appName),
        field("exports.otlp.enabled", .bool, \.exports.otlp.enabled),
        field("exports.otlp.endpoint", .httpURL, \.exports.otlp.endpoint),
        field("exports.otlp.headers", .stringMap, \.exports.otlp.headers),
        field("exports.otlp.timeout", .duration(maxSeconds: 300), \.exports.otlp.timeout),
        field("exports.prometheus.enabled", .bool, \.exports.prometheus.enabled),
        field("exports.prometheus.listen", .listenAddress, \.exports.prometheus.listen),
        field("exports.events_json.enabled", .bool, \.exports.eventsJSON.enabled),
        field("exports.events_json.path", .absolutePath, \.exports.eventsJSON.path),
        field("exports.events_json.rotate_bytes", .size(0...(1 << 40), powerOfTwo: false), \.exports.eventsJSON.rotateBytes),
        field("exports.events_json.keep", .integer(0...1_000), \.exports.eventsJSON.keep),
    ]

    private static let agent: [ConfigField] = [
        field("agent.log_level", .choice(AgentSettings.logLevels), \.agent.logLevel),
        field("agent.watchdog", .bool, \.agent.watchdog),
        field("agent.fail_mode", .choice(AgentSettings.FailMode.allCases.map(\.rawValue)),
              get: { .string($0.agent.failMode.rawValue) },
              set: { $0.agent.failMode = AgentSettings.FailMode(rawValue: $1.string) ?? .open }),
    ]

    /// The raw section handed to the prevention engine.
    static let preventionKey = "prevention"

    static let byPath: [String: ConfigField] = Dictionary(uniqueKeysWithValues: fields.map { ($0.path, $0) })

    /// Every section path (`sensor`, `exports`, `exports.syslog`, ...), plus `prevention`.
    static let sections: Set<String> = {
        var out: Set<String> = [preventionKey]
        for f in fields {
            var parts = f.path.split(separator: ".").dropLast()
            while !parts.isEmpty {
                out.insert(parts.joined(separator: "."))
                parts = parts.dropLast()
            }
        }
        return out
    }()

    /// Names directly under `section` ("" for the top level): keys and sub-sections.
    static func children(of section: String) -> [String] {
        let prefix = section.isEmpty ? "" : section + "."
        var out: [String] = []
        for path in fields.map(\.path) + sections.sorted() where path.hasPrefix(prefix) {
            let rest = path.dropFirst(prefix.count)
            let name = String(rest.prefix { $0 != "." })
            if !name.isEmpty, !out.contains(name) { out.append(name) }
        }
        return out
    }

    private static func field(_ path: String, _ kind: ConfigValueKind,
                              get: @escaping @Sendable (MamoriConfiguration) -> ConfigValue,
                              set: @escaping @Sendable (inout MamoriConfiguration, ConfigValue) -> Void) -> ConfigField {
        ConfigField(path: path, kind: kind, get: get, set: set)
    }

    private static func field(_ path: String, _ kind: ConfigValueKind,
                              _ key: WritableKeyPath<MamoriConfiguration, Bool> & Sendable) -> ConfigField {
        field(path, kind, get: { .bool($0[keyPath: key]) }, set: { $0[keyPath: key] = $1.bool })
    }

    private static func field(_ path: String, _ kind: ConfigValueKind,
                              _ key: WritableKeyPath<MamoriConfiguration, Int> & Sendable) -> ConfigField {
        field(path, kind, get: { .int($0[keyPath: key]) }, set: { $0[keyPath: key] = $1.int })
    }

    private static func field(_ path: String, _ kind: ConfigValueKind,
                              _ key: WritableKeyPath<MamoriConfiguration, String> & Sendable) -> ConfigField {
        field(path, kind, get: { .string($0[keyPath: key]) }, set: { $0[keyPath: key] = $1.string })
    }

    private static func field(_ path: String, _ kind: ConfigValueKind,
                              _ key: WritableKeyPath<MamoriConfiguration, [String]> & Sendable) -> ConfigField {
        field(path, kind, get: { .strings($0[keyPath: key]) }, set: { $0[keyPath: key] = $1.strings })
    }

    private static func field(_ path: String, _ kind: ConfigValueKind,
                              _ key: WritableKeyPath<MamoriConfiguration, [String: String]> & Sendable) -> ConfigField {
        field(path, kind, get: { .stringMap($0[keyPath: key]) }, set: { $0[keyPath: key] = $1.stringMap })
    }

    private static func field(_ path: String, _ kind: ConfigValueKind,
                              _ key: WritableKeyPath<MamoriConfiguration, Duration> & Sendable) -> ConfigField {
        field(path, kind, get: { .duration($0[keyPath: key]) }, set: { $0[keyPath: key] = $1.duration })
    }
}
