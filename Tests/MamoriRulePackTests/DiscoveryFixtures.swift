import MamoriEvents

extension Fixtures {
    /// Each program run once by `tree`'s parent, one second apart.
    static func burst(_ programs: [(String, String)], in tree: Tree, start: Double = 100, gap: Double = 1) -> [Step] {
        programs.enumerated().map { i, p in Actor(Proc.line(p.0, p.1, uid: tree.ancestors.first?.uid ?? 0), in: tree).exec(at: start + Double(i) * gap) }
    }

    static let motd = Tree([Proc("/usr/bin/run-parts", ["run-parts", "--lsbsysinit", "/etc/update-motd.d"]), Proc.shell("/usr/bin/env -i PATH=... run-parts --lsbsysinit /etc/update-motd.d > /run/motd.dynamic.new")]
                           + [Trees.sshdSession, Trees.sshd, Trees.systemd])

    static func connections(_ actor: Actor, hosts: [String], port: UInt16, start: Double = 100, gap: Double = 1) -> [Step] {
        hosts.enumerated().map { i, h in actor.connect(h, port, at: start + Double(i) * gap) }
    }

    static let discovery: [RuleFixture] = [
        RuleFixture("account-discovery-burst",
            positives: [
                Case("id, whoami, cat /etc/passwd, getent, w in one login",
                     burst([("/usr/bin/id", "id"), ("/usr/bin/whoami", "whoami"), ("/usr/bin/cat", "cat /etc/passwd"), ("/usr/bin/getent", "getent group sudo"), ("/usr/bin/w", "w")], in: Trees.rootLogin, gap: 4)),
            ],
            negatives: [
                Case("login profile runs id and groups, then who",
                     burst([("/usr/bin/id", "id -u"), ("/usr/bin/groups", "groups"), ("/usr/bin/id", "id -un"), ("/usr/bin/who", "who")], in: Trees.userLogin)),
                Case("motd scripts", burst([("/usr/bin/id", "id -u"), ("/usr/bin/whoami", "whoami"), ("/usr/bin/who", "who"), ("/usr/bin/users", "users"), ("/usr/bin/last", "last -n 1"), ("/usr/bin/lastlog", "lastlog -u root")], in: motd)),
            ]),

        RuleFixture("host-reconnaissance-burst",
            positives: [
                Case("enumeration script runs ten different tools in ten seconds",
                     burst([("/usr/bin/uname", "uname -a"), ("/usr/bin/hostnamectl", "hostnamectl"), ("/usr/bin/cat", "cat /etc/os-release"), ("/usr/bin/lscpu", "lscpu"), ("/usr/bin/lsblk", "lsblk"),
                            ("/usr/sbin/ip", "ip a"), ("/usr/bin/ss", "ss -tulpn"), ("/usr/bin/ps", "ps aux"), ("/usr/bin/env", "env"), ("/usr/bin/mount", "mount")],
                           in: Trees.rootLogin.spawning(Proc("/usr/bin/bash", ["bash", "/tmp/enum.sh"]))),
                     also: ["system-information-survey", "discovery-families-in-one-session"]),
            ],
            negatives: [
                Case("administrator triage", burst([("/usr/bin/df", "df -h"), ("/usr/bin/free", "free -m"), ("/usr/bin/uptime", "uptime"), ("/usr/bin/ps", "ps aux"), ("/usr/bin/ss", "ss -tlnp"), ("/usr/sbin/ip", "ip a")], in: Trees.rootLogin, gap: 3)),
                Case("facter gathers facts", burst([("/usr/bin/uname", "uname -a"), ("/usr/bin/hostname", "hostname -f"), ("/usr/bin/lsblk", "lsblk -J"), ("/usr/bin/lscpu", "lscpu"), ("/usr/sbin/dmidecode", "dmidecode"), ("/usr/sbin/ip", "ip -o addr"),
                                                   ("/usr/bin/df", "df -P"), ("/usr/bin/free", "free"), ("/usr/bin/mount", "mount"), ("/usr/bin/systemd-detect-virt", "systemd-detect-virt"), ("/usr/bin/lsmod", "lsmod")],
                                                  in: Trees.unit("puppet.service", Proc("/opt/puppetlabs/puppet/bin/ruby", ["/opt/puppetlabs/puppet/bin/ruby", "/opt/puppetlabs/puppet/bin/puppet", "agent", "--no-daemonize"])), gap: 0.5)),
            ]),

        RuleFixture("ldapsearch-active-directory-enumeration",
            positives: [
                Case("users and SPNs from AD", Actor(Proc("/usr/bin/ldapsearch", ["ldapsearch", "-x", "-H", "ldap://10.0.0.10", "-D", "alice@corp.local", "-w", "x", "-b", "DC=corp,DC=local", "(&(objectCategory=person)(objectClass=user))", "sAMAccountName", "servicePrincipalName"]), in: Trees.rootLogin).exec()),
                Case("Global Catalog query", Actor(Proc("/usr/bin/ldapsearch", ["ldapsearch", "-x", "-H", "ldap://dc01.corp.local:3268", "-b", "", "(objectClass=*)"]), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("OpenLDAP lookup", Actor(Proc("/usr/bin/ldapsearch", ["ldapsearch", "-x", "-H", "ldap://ldap.example.com", "-b", "dc=example,dc=com", "(uid=alice)", "cn", "mail"]), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("active-directory-enumeration-tool",
            positives: [
                Case("ldapdomaindump", Actor(Proc("/usr/bin/python3.12", ["/usr/bin/python3", "/usr/bin/ldapdomaindump", "-u", "CORP\\alice", "-p", "x", "10.0.0.10"]), in: Trees.rootLogin).exec()),
                Case("NetExec LDAP user listing", Actor(Proc.line("/usr/bin/python3.12", "/usr/bin/python3 /usr/local/bin/nxc ldap 10.0.0.10 -u alice -p x --users"), in: Trees.rootLogin).exec()),
                Case("enum4linux", Actor(Proc.line("/usr/bin/perl", "/usr/bin/perl /usr/bin/enum4linux -a 10.0.0.10"), in: Trees.rootLogin).exec()),
                Case("bloodhound-python", Actor(Proc.line("/usr/bin/python3.12", "/usr/bin/python3 /usr/local/bin/bloodhound-python -d corp.local -u alice -p x -c All -ns 10.0.0.10"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("Django management command", Actor(Proc.line("/usr/bin/python3.12", "python3 manage.py dumpdata --indent 2"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("smb-rpc-domain-enumeration",
            positives: [
                Case("rpcclient null session", Actor(Proc("/usr/bin/rpcclient", ["rpcclient", "-U", "", "-N", "10.0.0.10", "-c", "enumdomusers"]), in: Trees.rootLogin).exec()),
                Case("smbclient -L", Actor(Proc.line("/usr/bin/smbclient", "smbclient -L //10.0.0.20 -N"), in: Trees.rootLogin).exec()),
                Case("net rpc group members", Actor(Proc("/usr/bin/net", ["net", "rpc", "group", "members", "Domain Admins", "-S", "dc01", "-U", "alice"]), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("smbclient downloads a file", Actor(Proc("/usr/bin/smbclient", ["smbclient", "//fs01/share", "-U", "alice", "-c", "get report.pdf"]), in: Trees.rootLogin).exec()),
                Case("net ads testjoin", Actor(Proc.line("/usr/bin/net", "net ads testjoin"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("nmap-directory-service-scan",
            positives: [
                Case("nmap of AD ports", Actor(Proc.line("/usr/bin/nmap", "nmap -Pn -p 88,389,445,636,3268 10.0.0.0/24"), in: Trees.rootLogin).exec()),
                Case("nmap LDAP script", Actor(Proc.line("/usr/bin/nmap", "nmap --script ldap-rootdse 10.0.0.10"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("nmap of web ports", Actor(Proc.line("/usr/bin/nmap", "nmap -p 80,443,8088 10.0.0.5"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("directory-service-fanout",
            positives: [
                Case("a python script binds to five domain controllers",
                     connections(Actor(Proc("/usr/bin/python3.12", ["python3", "spray.py"], uid: 1000), in: Trees.userLogin), hosts: (10...14).map { "10.0.0.\($0)" }, port: 389)),
                Case("a renamed tool sweeps SMB on five hosts",
                     connections(Actor(Proc("/var/tmp/x", ["x"]), in: Trees.rootLogin), hosts: (20...24).map { "10.0.1.\($0)" }, port: 445, gap: 2)),
            ],
            negatives: [
                Case("sssd talks to six domain controllers",
                     connections(Actor(Proc("/usr/libexec/sssd/sssd_be", ["/usr/libexec/sssd/sssd_be", "--domain", "corp.local"], unit: "sssd.service"), in: Tree([Trees.systemd])), hosts: (10...15).map { "10.0.0.\($0)" }, port: 389)),
                Case("four hosts, repeatedly",
                     connections(Actor(Proc("/usr/bin/python3.12", ["python3", "sync.py"], uid: 1000), in: Trees.userLogin), hosts: (0..<12).map { "10.0.0.\(10 + $0 % 4)" }, port: 389)),
            ]),

        RuleFixture("service-unit-contacts-directory-ports",
            positives: [
                Case("ldapsearch started by a PostgreSQL shell",
                     Actor(Proc.line("/usr/bin/ldapsearch", "ldapsearch -x -H ldap://10.0.0.10", uid: 115), in: Trees.postgres.spawning(Proc.shell("ldapsearch -x -H ldap://10.0.0.10", uid: 115))).connect("10.0.0.10", 389)),
                Case("python started from a web shell hits Kerberos",
                     Actor(Proc("/usr/bin/python3.12", ["python3", "-"], uid: 33), in: Trees.webShell).connect("10.0.0.10", 88)),
            ],
            negatives: [
                Case("PostgreSQL LDAP authentication", Actor(Trees.postgres.ancestors[0], in: Tree(Array(Trees.postgres.ancestors.dropFirst()))).connect("10.0.0.10", 389)),
                Case("PHP application binds to LDAPS", Actor(Trees.phpFpm.ancestors[0], in: Tree(Array(Trees.phpFpm.ancestors.dropFirst()))).connect("10.0.0.10", 636)),
            ]),

        RuleFixture("internal-host-sweep",
            positives: [
                Case("a dropped binary sweeps 30 hosts",
                     connections(Actor(Proc("/var/tmp/scan", ["scan"], uid: 33), in: Trees.webShell), hosts: (1...30).map { "10.0.2.\($0)" }, port: 22, gap: 0.5)),
            ],
            negatives: [
                Case("Prometheus scrapes 40 targets",
                     connections(Actor(Proc("/usr/bin/prometheus", ["/usr/bin/prometheus", "--config.file=/etc/prometheus/prometheus.yml"], unit: "prometheus.service", uid: 120), in: Tree([Trees.systemd])), hosts: (1...40).map { "10.0.3.\($0)" }, port: 9100, gap: 0.2)),
                Case("an application talks to 25 backends",
                     connections(Actor(Proc("/usr/bin/java", ["java", "-jar", "/opt/app/app.jar"], unit: "app.service", uid: 999), in: Tree([Trees.systemd])), hosts: (1...25).map { "10.0.4.\($0)" }, port: 5432, gap: 0.5)),
            ]),

        RuleFixture("security-software-process-discovery",
            positives: [
                Case("ps selects the agents by name", Actor(Proc.line("/usr/bin/ps", "ps -C auditd,falco,osqueryd -o pid=,comm="), in: Trees.rootLogin).exec()),
                Case("pgrep for the sensor", Actor(Proc.line("/usr/bin/pgrep", "pgrep -a mamori"), in: Trees.rootLogin).exec()),
                Case("bpftool lists BPF programs", Actor(Proc.line("/usr/sbin/bpftool", "bpftool prog show"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("pgrep for nginx", Actor(Proc.line("/usr/bin/pgrep", "pgrep -a nginx"), in: Trees.rootLogin).exec()),
                Case("bpftool feature probe", Actor(Proc.line("/usr/sbin/bpftool", "bpftool feature probe kernel"), in: Trees.rootLogin).exec()),
            ]),
    ]
}
