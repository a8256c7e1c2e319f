import MamoriEvents

/// One scenario: events in order and the rules (by file base name) that must fire over them.
struct Case: Sendable {
    var label: String
    var steps: [Step]
    /// Rules other than the fixture's own that this scenario legitimately fires as well.
    var also: [String]

    init(_ label: String, _ steps: [Step], also: [String] = []) {
        self.label = label; self.steps = steps; self.also = also
    }

    init(_ label: String, _ step: Step, also: [String] = []) {
        self.init(label, [step], also: also)
    }
}

/// True-positive and near-miss scenarios for one rule of the pack.
///
/// A positive must fire exactly its rule (plus `also`); a near miss must fire nothing at all
/// (plus `also`), so a filter that stops working, or a neighbouring rule that starts matching
/// administration, fails the test.
struct RuleFixture: Sendable, CustomStringConvertible {
    var slug: String
    var positives: [Case]
    var negatives: [Case]

    init(_ slug: String, positives: [Case], negatives: [Case]) {
        self.slug = slug; self.positives = positives; self.negatives = negatives
    }

    var description: String { slug }
}

/// Every fixture, one per rule file.
enum Fixtures {
    static let all: [RuleFixture] = execution + persistence + privilegeEscalation + defenseEvasion + daemonMasquerade + contentIdentity
        + credentialAccess + discovery + scans + lateralMovement + collectionAndC2 + exfiltration + impact + tamper + pipelines + behaviours + surveys
        + dns + activity + fileSignals + credentialStores + execSignals + enumeration
}

/// Common process trees, parent first.
enum Trees {
    static let systemd = Proc("/usr/lib/systemd/systemd", ["/sbin/init", "splash"], pid: 1)
    static let sshd = Proc("/usr/sbin/sshd", ["sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"], unit: "ssh.service", pid: 800)
    static let sshdSession = Proc("/usr/sbin/sshd", ["sshd: alice [priv]"], unit: "session-3.scope", pid: 1900)

    /// Login shell of root over SSH (session leader).
    static let rootLoginShell = Proc("/usr/bin/bash", ["-bash"], unit: "session-3.scope", uid: 0, pid: 2000, session: 2000)
    static let rootLogin = Tree([rootLoginShell, sshdSession, sshd, systemd])
    /// Login shell of an ordinary user over SSH.
    static let userLoginShell = Proc("/usr/bin/bash", ["-bash"], unit: "session-4.scope", uid: 1000, cwd: "/home/alice", pid: 2100, session: 2100)
    static let userLogin = Tree([userLoginShell, Proc("/usr/sbin/sshd", ["sshd: alice@pts/1"], unit: "session-4.scope", uid: 1000, pid: 2090), sshd, systemd])
    /// `sudo -i` inside the user's login.
    static let sudoRoot = Tree([Proc("/usr/bin/bash", ["-bash"], unit: "session-4.scope", uid: 0, pid: 2120, session: 2100),
                                Proc("/usr/bin/sudo", ["sudo", "-i"], unit: "session-4.scope", uid: 0, pid: 2110, session: 2100)]
                               + userLogin.ancestors)

    static let nginxMaster = Proc("/usr/sbin/nginx", ["nginx: master process /usr/sbin/nginx -g daemon on; master_process on;"], unit: "nginx.service", pid: 690)
    static let nginxWorker = Proc("/usr/sbin/nginx", ["nginx: worker process"], unit: "nginx.service", uid: 33, pid: 700)
    static let nginx = Tree([nginxWorker, nginxMaster, systemd])
    static let phpFpm = Tree([Proc("/usr/sbin/php-fpm8.2", ["php-fpm: pool www"], unit: "php8.2-fpm.service", uid: 33, pid: 720),
                              Proc("/usr/sbin/php-fpm8.2", ["php-fpm: master process (/etc/php/8.2/fpm/php-fpm.conf)"], unit: "php8.2-fpm.service", pid: 710),
                              systemd])
    /// A shell spawned by a PHP-FPM worker (a web shell's `system()`).
    static let webShell = phpFpm.spawning(Proc.shell("id; uname -a", unit: "php8.2-fpm.service", uid: 33, pid: 730))
    static let postgres = Tree([Proc("/usr/lib/postgresql/15/bin/postgres", ["/usr/lib/postgresql/15/bin/postgres", "-D", "/var/lib/postgresql/15/main", "-c", "config_file=/etc/postgresql/15/main/postgresql.conf"],
                                     unit: "postgresql@15-main.service", uid: 115, pid: 760),
                                Proc("/usr/lib/postgresql/15/bin/postgres", ["/usr/lib/postgresql/15/bin/postgres", "-D", "/var/lib/postgresql/15/main", "-c", "config_file=/etc/postgresql/15/main/postgresql.conf"],
                                     unit: "postgresql@15-main.service", uid: 115, pid: 750),
                                systemd])
    static let cronDaemon = Proc("/usr/sbin/cron", ["/usr/sbin/cron", "-f", "-P"], unit: "cron.service", pid: 600)
    /// A cron job's shell.
    static func cronJob(_ script: String, uid: UInt32 = 0) -> Tree {
        Tree([Proc.shell(script, unit: "cron.service", uid: uid), Proc("/usr/sbin/cron", ["/usr/sbin/CRON", "-f", "-P"], unit: "cron.service", pid: 610), cronDaemon, systemd])
    }
    /// apt → dpkg → maintainer script, started with sudo from the user's login.
    static let apt = Proc("/usr/bin/apt", ["apt", "upgrade", "-y"], unit: "session-4.scope", pid: 3000, session: 2100)
    static let dpkg = Proc("/usr/bin/dpkg", ["/usr/bin/dpkg", "--status-fd", "35", "--configure", "--pending"], unit: "session-4.scope", pid: 3010, session: 2100)
    static let dpkgScript = Tree([Proc("/usr/bin/dash", ["/bin/sh", "/var/lib/dpkg/info/openssh-server.postinst", "configure", "1:9.6p1-3"], unit: "session-4.scope", pid: 3020, session: 2100),
                                  dpkg, apt] + sudoRoot.ancestors)
    static let dpkgTree = Tree([dpkg, apt] + sudoRoot.ancestors)
    /// An Ansible module running over SSH.
    static let ansible = Tree([Proc("/usr/bin/python3.12", ["/usr/bin/python3", "/root/.ansible/tmp/ansible-tmp-1764-42/AnsiballZ_copy.py"], unit: "session-9.scope", pid: 4010, session: 4000),
                               Proc.shell("/bin/sh -c '/usr/bin/python3 /root/.ansible/tmp/ansible-tmp-1764-42/AnsiballZ_copy.py && sleep 0'", unit: "session-9.scope", pid: 4000),
                               Proc("/usr/sbin/sshd", ["sshd: root@notty"], unit: "session-9.scope", pid: 3990), sshd, systemd])
    /// A unit started by systemd (timers, backup jobs).
    static func unit(_ name: String, _ main: Proc) -> Tree {
        var m = main
        m.unit = name
        return Tree([m, systemd])
    }
}
