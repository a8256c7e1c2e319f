/// Everything `/etc/mamori/config.yaml` (plus drop-ins and `-o` overrides) can say, typed and
/// validated. The memberwise defaults are the documented defaults: `dist/config.yaml` (the
/// embedded default file) parses to exactly `MamoriConfiguration()`, which a test proves.
///
/// Why: one value the agent, the CLI and the services read, so nothing parses YAML twice.
/// A Sendable value: built once by `ConfigLoader` (at start and on every reload) and handed to
/// whichever thread needs it; a failed reload never replaces it.
public struct MamoriConfiguration: Sendable, Equatable {
    public var sensor = SensorSettings()
    public var rules = RulesSettings()
    public var alerts = AlertsSettings()
    public var output = OutputSettings()
    public var store = StoreSettings()
    public var control = ControlSettings()
    public var exports = ExportSettings()
    public var agent = AgentSettings()
    public var baseline = BaselineSettings()
    public var detection = DetectionSettings()
    /// Kept raw: `MamoriPrevention` owns its schema (docs/prevention.md).
    public var prevention = PreventionSection.empty

    public init() {}
}

/// `sensor`: which event families the kernel emits and how the rings and queue are sized.
public struct SensorSettings: Sendable, Equatable {
    public var fileEvents = true
    public var networkEvents = true
    public var reportFailedFileOps = false
    /// Bytes of the priority ring (process + network). Power of two, at least a page.
    public var priorityRingBytes: Int = 2 << 20
    /// Bytes of the bulk ring (file events).
    public var bulkRingBytes: Int = 2 << 20
    /// Slots of the queue between the ring reader and the worker (power of two).
    public var queueCapacity = 1 << 14
    /// Events per second a non-root uid may send before its events are queued last and it is
    /// named in a `mamori.flood` alert (burst: 4 s worth).
    public var uidEventRate = 4_000
    /// File records per second a non-root uid may emit before the kernel counts the rest
    /// instead of writing them (burst: 3 s worth); 0 = off.
    public var uidKernelFileRate = 20_000
    /// Files whose read-only opens are reported.
    public var watchFiles = ["/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/security/opasswd"]
        + CredentialStores.watchFiles
    /// Directories whose direct children's read-only opens are reported.
    public var watchDirectories = ["/etc/ssh", "/root/.ssh", "/etc/sudoers.d"]
    public init() {}
}

/// `rules`: where the detection rules live.
public struct RulesSettings: Sendable, Equatable {
    public var directory = "/etc/mamori/rules"
    public init() {}
}

/// `output`: the schema of exported lines (alert log, all-events log, syslog, OTLP).
public struct OutputSettings: Sendable, Equatable {
    /// ECS (Elastic Common Schema) or OCSF 1.4; the store keeps ECS either way.
    public enum Format: String, Sendable, CaseIterable { case ecs, ocsf }
    public var format = Format.ecs
    public init() {}
}

/// `alerts`: the ECS JSON lines alert log and its size-based rotation.
public struct AlertsSettings: Sendable, Equatable {
    public var path = "/var/log/mamori/alerts.json"
    /// Rotate when the file would exceed this many bytes; 0 never rotates.
    public var rotateBytes: Int = 100 << 20
    /// Rotated files kept (alerts.json.1 ... .N).
    public var keep = 5
    public init() {}
}

/// `store`: the SQLite history and how long it keeps things.
public struct StoreSettings: Sendable, Equatable {
    public var enabled = true
    public var path = "/var/lib/mamori/mamori.db"
    /// Store every event, not only those behind alerts.
    public var storeEvents = true
    public var retention = RetentionSettings()
    public init() {}
}

/// `store.retention`: limits; a zero value means "no limit".
public struct RetentionSettings: Sendable, Equatable {
    public var eventAge: Duration = .seconds(30 * 86_400)
    public var maxBytes: Int = 2 << 30
    public var alertAge: Duration = .seconds(365 * 86_400)
    public init() {}
}

/// `control`: the local control socket.
public struct ControlSettings: Sendable, Equatable {
    public var socket = "/run/mamori/control.sock"
    /// Members of this group may use read-only commands; empty: root only.
    public var readGroup = "mamori"
    public init() {}
}

/// `exports`: where alerts (and optionally events) go besides the alert log.
public struct ExportSettings: Sendable, Equatable {
    public var syslog = SyslogSettings()
    public var otlp = OTLPSettings()
    public var prometheus = PrometheusSettings()
    public var eventsJSON = EventsJSONSettings()
    public init() {}
}

/// `exports.syslog`: RFC 5424 over UDP or TCP.
public struct SyslogSettings: Sendable, Equatable {
    public enum Transport: String, Sendable, CaseIterable { case udp, tcp }
    public var enabled = false
    /// IP address or host name of the collector.
    public var address = "127.0.0.1"
    public var port = 514
    public var transport = Transport.udp
    /// RFC 5424 facility name (kern, user, ..., local0 ... local7).
    public var facility = "local0"
    public var appName = "mamori"
    public init() {}

    /// Facility names in RFC 5424 code order (the index is the code).
    public static let facilities = ["kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp",
                                    "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock",
                                    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"]
}

/// `exports.otlp`: OpenTelemetry logs over OTLP/HTTP.
public struct OTLPSettings: Sendable, Equatable {
    public var enabled = false
    public var endpoint = "http://127.0.0.1:4318/v1/logs"
    /// Extra HTTP headers (authentication tokens, tenant ids).
    public var headers: [String: String] = [:]
    public var timeout: Duration = .seconds(10)
    public init() {}
}

/// `exports.prometheus`: the metrics endpoint.
public struct PrometheusSettings: Sendable, Equatable {
    public var enabled = false
    /// host:port to listen on; loopback by default.
    public var listen = "127.0.0.1:9464"
    public init() {}
}

/// `exports.events_json`: every event as ECS JSON lines (high volume; off by default).
public struct EventsJSONSettings: Sendable, Equatable {
    public var enabled = false
    public var path = "/var/log/mamori/events.json"
    public var rotateBytes: Int = 256 << 20
    public var keep = 3
    public init() {}
}

/// `agent`: the daemon itself.
public struct AgentSettings: Sendable, Equatable {
    /// What kernel enforcement does when the agent dies (docs/service.md).
    public enum FailMode: String, Sendable, CaseIterable { case open, closed }
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
    public var logLevel = "info"
    /// Send WATCHDOG=1 to systemd when the unit asks for it (WatchdogSec=).
    public var watchdog = true
    public var failMode = FailMode.open
    public init() {}
}

/// `baseline`: behavioural baselines per unit (docs/baseline.md).
public struct BaselineSettings: Sendable, Equatable {
    public var enabled = true
    /// No new behaviour for this long turns a learning profile stable.
    public var quietPeriod: Duration = .seconds(7 * 86_400)
    /// `["all"]` or unit names/globs.
    public var units: [String] = ["all"]
    /// Path prefixes and networks never learned.
    public var ignore: [String] = []
    public init() {}
}

/// `detection`: host context the rules are judged against.
///
/// Exists so that rules meaning "the destination is remote" work unchanged on a server, in a
/// lab and in CI (which have only loopback and namespaces): the operator says which networks
/// count as local instead of editing rules. Reloadable (SIGHUP, `mamori reload`).
public struct DetectionSettings: Sendable, Equatable {
    /// CIDRs (or single addresses) that count as local for `DestinationIsLocal`
    /// (network_connection and dns_query rules). Default: loopback and link-local.
    public var localNetworks = ["127.0.0.0/8", "::1/128", "169.254.0.0/16", "fe80::/10"]
    public init() {}
}
