import MamoriText
import MamoriPolicy
/// The operator's prevention policy: what may not run, where processes may not connect, who
/// is never touched, and how the ladder and guardrails behave.
///
/// Exists as the parsed, validated form of the `prevention:` section of
/// /etc/mamori/config.yaml (or a standalone policy file), independent of the current level:
/// `PolicyCompiler` combines it with `LevelState` into a `KernelPolicy`. An immutable value
/// once loaded; any thread.
public struct PreventionPolicy: Sendable, Equatable {
    public var ladder = LevelLadder()
    public var execDeny: [ExecDeny] = []
    public var egressDeny: [EgressRule] = []
    /// Networks isolation keeps reachable (and added to every unit allowlist).
    public var managementNetworks: [CIDR] = []
    public var unitEgress: [UnitEgress] = []
    /// Units (glob patterns: `postgresql*`, `php*-fpm`) treated as server daemons.
    public var daemonUnits: [String] = PreventionPolicy.defaultDaemonUnits
    /// Executables that are shells (daemons may not run them at lockdown).
    public var shells: [String] = PreventionPolicy.defaultShells
    public var protected = ProtectedProcesses()
    /// Files the kernel keeps from being modified where BPF LSM exists.
    public var protectedFiles: [String] = PreventionPolicy.defaultProtectedFiles
    /// Levels of units or cgroup paths that differ from the host level.
    public var scopes: [ScopeLevel] = []
    public var guardrails = GuardrailSettings()
    /// Where quarantined files go.
    public var quarantineDirectory = "/var/lib/mamori/quarantine"

    public init() {}

    /// An executable denied by path or by content hash.
    public struct ExecDeny: Sendable, Equatable {
        /// How the executable is identified.
        public enum Match: Sendable, Equatable {
            /// A file, or with `tree` every executable below a directory.
            case path(String, tree: Bool)
            /// Lower-case hex SHA-256 of the executable's content.
            case sha256(String)
        }
        public var match: Match
        /// nil = the ladder's `execDenyListFrom`.
        public var level: PreventionLevel?
        public var comment: String?
        public init(match: Match, level: PreventionLevel? = nil, comment: String? = nil) {
            self.match = match; self.level = level; self.comment = comment
        }
    }

    /// Transport of an egress rule.
    public enum IPProtocolMatch: String, Sendable, Equatable {
        case any, tcp, udp
        var number: UInt8 { self == .tcp ? 6 : self == .udp ? 17 : 0 }
    }

    /// Destinations denied (or, in a unit allowlist, allowed).
    public struct EgressRule: Sendable, Equatable {
        public var networks: [CIDR]
        /// Empty = every port; at most 8.
        public var ports: [UInt16] = []
        public var ipProtocol: IPProtocolMatch = .any
        /// Only processes of these executables (paths); empty = every process.
        public var executables: [String] = []
        /// nil = the ladder's rung for this kind of list.
        public var level: PreventionLevel?
        public var comment: String?
        public init(networks: [CIDR], ports: [UInt16] = [], ipProtocol: IPProtocolMatch = .any,
                    executables: [String] = [], level: PreventionLevel? = nil, comment: String? = nil) {
            self.networks = networks; self.ports = ports; self.ipProtocol = ipProtocol
            self.executables = executables; self.level = level; self.comment = comment
        }
    }

    /// A systemd unit's own egress list.
    public struct UnitEgress: Sendable, Equatable {
        /// allowlist: only the listed destinations (plus loopback and management); denylist: all but them.
        public enum Mode: String, Sendable, Equatable { case allowlist, denylist }
        public var unit: String
        public var mode: Mode
        public var rules: [EgressRule]
        public init(unit: String, mode: Mode, rules: [EgressRule]) {
            self.unit = unit; self.mode = mode; self.rules = rules
        }
    }

    /// Processes no action ever touches.
    public struct ProtectedProcesses: Sendable, Equatable {
        public var executables: [String] = ["/usr/sbin/sshd", "/lib/systemd/systemd", "/usr/lib/systemd/systemd",
                                            "/usr/bin/mamori", "/usr/local/bin/mamori"]
        /// Deprecated and ignored: a process name protects nothing (any process can take any name).
        public var comms: [String] = []
        public var units: [String] = ["mamori.service", "ssh.service", "sshd.service",
                                      "systemd-journald.service", "systemd-logind.service"]
        public init() {}
    }

    /// Where a level override applies.
    public enum ScopeTarget: Sendable, Hashable, Codable, CustomStringConvertible {
        case unit(String)
        /// Relative to the cgroup v2 mount (`/system.slice/nginx.service`).
        case cgroup(String)
        public var description: String {
            switch self {
            case .unit(let u): return "unit \(u)"
            case .cgroup(let p): return "cgroup \(p)"
            }
        }
    }

    /// A level the policy gives a unit or cgroup subtree (`scopes:`).
    public struct ScopeLevel: Sendable, Equatable {
        public var target: ScopeTarget
        public var level: PreventionLevel
        public init(target: ScopeTarget, level: PreventionLevel) { self.target = target; self.level = level }
    }

    public static let defaultDaemonUnits = [
        "nginx.service", "apache2.service", "httpd.service", "postgresql*.service", "mysql*.service",
        "mariadb.service", "redis*.service", "php*-fpm.service", "mongod.service", "memcached.service",
        "haproxy.service", "tomcat*.service", "caddy.service", "lighttpd.service", "elasticsearch.service",
        "rabbitmq-server.service", "named.service", "bind9.service", "vsftpd.service", "postfix*.service",
        "dovecot.service", "exim4.service",
    ]
    public static let defaultShells = [
        "/bin/sh", "/bin/bash", "/bin/dash", "/bin/zsh", "/bin/ksh", "/bin/csh", "/bin/tcsh",
        "/usr/bin/sh", "/usr/bin/bash", "/usr/bin/dash", "/usr/bin/zsh", "/usr/bin/ksh", "/usr/bin/fish",
        "/bin/busybox", "/usr/bin/busybox",
    ]
    public static let defaultProtectedFiles = [
        "/etc/ld.so.preload", "/root/.ssh/authorized_keys", "/etc/mamori/config.yaml",
        "/usr/bin/mamori", "/usr/local/bin/mamori", "/var/lib/mamori/mamori.db", "/var/lib/mamori/state.json",
    ]
}

/// Rate limit, circuit breaker and canary settings (`guardrails:`).
///
/// Exists so the operator bounds how much damage a bad rule can do. Immutable value; any thread.
public struct GuardrailSettings: Sendable, Equatable {
    /// Token bucket: sustained actions per minute and the burst allowed on top.
    public var actionsPerMinute: Double = 30
    public var burst: Int = 10
    /// Trip to alert-only when more than `breakerActions` actions are attempted within
    /// `breakerWindowSeconds` (rate-limited attempts count too).
    public var breakerActions: Int = 50
    public var breakerWindowSeconds: Double = 60
    /// After this long the breaker closes again on its own (0 = only by the operator).
    public var breakerCooldownSeconds: Double = 600
    /// Canary: after a raise, more than `canaryActions` actions within `canaryWindowSeconds`
    /// drops the level back to where it was.
    public var canaryEnabled = true
    public var canaryActions: Int = 5
    public var canaryWindowSeconds: Double = 600
    public init() {}
}
