import MamoriConfig
import MamoriBaseline
import MamoriOutput
import MamoriPrevention
import MamoriSensor
import MamoriStore

/// Where the agent reads rules and writes alerts and history, and how hard it works.
///
/// The embedded defaults run with no file at all; `mamori agent --rules/--alerts/--db`
/// override them. A value type built once at start (and again on reload).
public struct AgentConfiguration: Sendable {
    /// Directory of rule files (*.yml); the default pack lives in `rules/` of the source tree
    /// and is installed to /etc/mamori/rules.
    public var rulesDirectory: String
    /// ECS JSON alert lines are appended here.
    public var alertsPath: String
    /// SQLite store; nil disables the store (alerts still go to the alert log).
    public var databasePath: String?
    /// Store every event (not only those behind alerts).
    public var storeEvents = true
    /// Schema of the alert log and exported lines (`output.format`); the store keeps ECS.
    public var outputFormat = OutputFormat.ecs
    /// Paths whose read-only opens are reported (credential stores, keys).
    public var watchFiles = ["/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/security/opasswd"]
        + CredentialStores.watchFiles
    /// Directories whose direct children's read-only opens are reported.
    public var watchDirectories = ["/etc/ssh", "/root/.ssh", "/etc/sudoers.d"]
    /// The agent folds identical file repeats in the kernel (counted into `events.count`).
    public var sensor: SensorOptions = { var o = SensorOptions(); o.foldFileRepeats = true; return o }()
    /// Pipeline queue slots between the ring reader and the worker.
    public var queueCapacity = 1 << 14
    /// How much history the store keeps (`store.retention` in config.yaml).
    public var retention = RetentionPolicy()
    /// Rotate the alert log at this size, keeping this many old files.
    public var alertsRotateBytes = 100 << 20
    public var alertsKeep = 5
    /// The operator's prevention policy (`prevention:` in config.yaml); the embedded default
    /// enforces nothing until a level is raised.
    public var prevention = PreventionPolicy()
    /// Whether prevention runs at all (`--no-prevention`: detection only, no kernel policy).
    public var preventionEnabled = true
    /// Where the level state survives restarts.
    public var levelStatePath = "/var/lib/mamori/state.json"
    /// The control socket (`control.socket`); nil: none.
    public var controlSocket: String? = "/run/mamori/control.sock"
    /// Group whose members may use read-only control commands (`control.read_group`).
    public var controlReadGroup: String? = "mamori"
    /// Behavioural baselines per unit (`baseline.*`, docs/baseline.md).
    public var baseline = BaselineConfiguration()
    /// `detection.local_networks` (CIDR texts, validated by the configuration loader).
    public var localNetworks = LocalNetworksDefault.cidrs

    public init(rulesDirectory: String = AgentConfiguration.defaultRulesDirectory,
                alertsPath: String = "/var/log/mamori/alerts.json",
                databasePath: String? = "/var/lib/mamori/mamori.db") {
        self.rulesDirectory = rulesDirectory
        self.alertsPath = alertsPath
        self.databasePath = databasePath
    }

    /// /etc/mamori/rules when installed, else `rules/` of the working directory (`make run`).
    public static var defaultRulesDirectory: String {
        FileSystem.isDirectory("/etc/mamori/rules") ? "/etc/mamori/rules" : "rules"
    }
}

/// The default of `detection.local_networks` where the agent is built without a configuration.
public enum LocalNetworksDefault {
    public static let cidrs = ["127.0.0.0/8", "::1/128", "169.254.0.0/16", "fe80::/10"]
}
