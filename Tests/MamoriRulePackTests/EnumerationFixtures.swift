import MamoriEvents

/// Fixtures of the multi-angle enumeration behaviours (`distinct: selection`): privilege-escalation
/// paths and security tooling looked for in several ways, each beside the administrator's nearest
/// routine and the same probes run by a tool the lineage filter excludes.
extension Fixtures {
    /// lynis → sh → probes (an audit scanner's own lineage).
    static let lynis = Tree([Proc.shell("lynis audit system"), Proc("/usr/sbin/lynis", ["lynis", "audit", "system"], pid: 2300, session: 2000), Trees.rootLoginShell,
                             Trees.sshdSession, Trees.sshd, Trees.systemd])

    static let enumeration: [RuleFixture] = [
        RuleFixture("privilege-escalation-enumeration-burst",
            positives: [
                Case("linpeas-style checks typed by hand: sudoers, writable dirs, userns, capabilities",
                     burst([("/usr/bin/cat", "cat /etc/sudoers"), ("/usr/bin/find", "find / -xdev -writable -type d -maxdepth 2"),
                            ("/usr/bin/cat", "cat /proc/sys/kernel/unprivileged_userns_clone"), ("/usr/sbin/getcap", "getcap -r /"),
                            ("/usr/bin/uname", "uname -r")], in: Trees.webShell, gap: 2)),
                Case("sudo -l, a setuid search and the docker socket from a user login",
                     burst([("/usr/bin/sudo", "sudo -l"), ("/usr/bin/find", "find / -perm -4000 -type f"), ("/usr/bin/ls", "ls -la /var/run/docker.sock")],
                           in: Trees.userLogin, gap: 10),
                     also: ["setuid-binary-search"]),
                Case("cron jobs, ptrace scope and world-writable files by a renamed script",
                     burst([("/usr/bin/ls", "ls -la /etc/cron.d /etc/cron.daily"), ("/usr/sbin/sysctl", "sysctl kernel.yama.ptrace_scope"),
                            ("/usr/bin/find", "find /etc /usr -perm -o+w -type f")], in: Trees.rootLogin, gap: 20)),
            ],
            negatives: [
                Case("administrator checks a sudo rule and a cron job",
                     burst([("/usr/bin/sudo", "sudo -l"), ("/usr/bin/cat", "cat /etc/cron.d/logrotate"), ("/usr/bin/sudo", "sudo -l -U alice")], in: Trees.userLogin)),
                Case("reading ASLR and forwarding settings", burst([("/usr/sbin/sysctl", "sysctl -n kernel.randomize_va_space"), ("/usr/sbin/sysctl", "sysctl net.ipv4.ip_forward")], in: Trees.rootLogin)),
                Case("an audit scanner's own probes", burst([("/usr/bin/cat", "cat /etc/sudoers"), ("/usr/bin/find", "find / -perm -4000"),
                                                             ("/usr/sbin/getcap", "getcap -r /usr"), ("/usr/bin/cat", "cat /proc/sys/kernel/kptr_restrict")], in: lynis)),
            ]),

        RuleFixture("security-tooling-reconnaissance",
            positives: [
                Case("process list grepped for EDRs, then the BPF file system listed",
                     burst([("/usr/bin/grep", "grep -Ei falco|auditd|osquery|tetragon|mamori"), ("/usr/bin/ls", "ls /sys/fs/bpf/")], in: Trees.webShell, gap: 3)),
                Case("falcon service queried and the audit rules read",
                     burst([("/usr/bin/systemctl", "systemctl is-active falcon-sensor"), ("/usr/sbin/auditctl", "auditctl -l")], in: Trees.rootLogin, gap: 30)),
                Case("EDR install directories listed and kprobes read",
                     burst([("/usr/bin/ls", "ls -la /opt/CrowdStrike /opt/sentinelone"), ("/usr/bin/cat", "cat /sys/kernel/debug/tracing/kprobe_events")], in: Trees.userLogin, gap: 5)),
                Case("pgrep for an agent, then its config directory",
                     burst([("/usr/bin/pgrep", "pgrep -a osqueryd"), ("/usr/bin/ls", "ls /etc/osquery")], in: Trees.rootLogin, gap: 5),
                     also: ["security-software-process-discovery"]),
            ],
            negatives: [
                Case("administrator checks auditd twice", burst([("/usr/bin/systemctl", "systemctl status auditd"), ("/usr/bin/systemctl", "systemctl restart auditd")], in: Trees.rootLogin)),
                Case("admin lists kernel modules and checks AppArmor", burst([("/usr/sbin/lsmod", "lsmod"), ("/usr/sbin/aa-status", "aa-status"), ("/usr/bin/systemctl", "systemctl status apparmor")], in: Trees.rootLogin)),
                Case("a Nagios check polls the agent and its BPF pins", burst([("/usr/bin/pgrep", "pgrep -c falco"), ("/usr/bin/ls", "ls /sys/fs/bpf")],
                     in: Trees.cronJob("/usr/lib/nagios/plugins/check_procs -C falco").spawning(Proc("/usr/sbin/nrpe", ["nrpe", "-c", "/etc/nagios/nrpe.cfg"], unit: "nagios-nrpe-server.service")))),
            ]),
    ]
}
