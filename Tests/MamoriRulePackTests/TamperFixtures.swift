import MamoriEvents

/// Fixtures of the self-protection rules (rules/defense_evasion/agent-*, bpf-program-detached):
/// tamper events aimed at the agent and writes to its files.
extension Fixtures {
    static let systemdPid1 = Actor(Trees.systemd, in: Tree([]))
    static let dpkgInstall = Actor(Proc.line("/usr/bin/dpkg", "/usr/bin/dpkg -i mamori_0.9.0_amd64.deb"), in: Trees.sudoRoot)

    static let tamper: [RuleFixture] = [
        RuleFixture("agent-signalled",
            positives: [
                Case("kill -9 <agent pid>", Actor(Proc.line("/usr/bin/kill", "kill -9 555"), in: Trees.rootLogin).tamper(.signal, 9)),
                Case("python os.kill(agent, SIGSTOP)", Actor(python, in: Trees.rootLogin).tamper(.signal, 19)),
                Case("kill <agent pid> (SIGTERM) from a web shell", Actor(Proc.line("/usr/bin/kill", "kill 555", unit: "php8.2-fpm.service", uid: 33), in: Trees.phpFpm).tamper(.signal, 15)),
            ],
            negatives: [
                Case("systemd stops the unit (SIGTERM from pid 1)", systemdPid1.tamper(.signal, 15)),
                Case("pkill -HUP mamori reloads the configuration", Actor(Proc.line("/usr/bin/pkill", "pkill -HUP mamori"), in: Trees.rootLogin).tamper(.signal, 1)),
                Case("SIGCONT to the agent", Actor(Proc.line("/usr/bin/kill", "kill -CONT 555"), in: Trees.rootLogin).tamper(.signal, 18)),
                Case("the OOM killer kills the agent while python allocates", Actor(python, in: Trees.rootLogin).tamper(.signal, 9, code: 0x80)),
            ]),

        RuleFixture("agent-ptrace-attach",
            positives: [
                Case("gdb -p <agent pid>", Actor(Proc.line("/usr/bin/gdb", "gdb -p 555"), in: Trees.rootLogin).tamper(.ptrace, 16)),
                Case("strace -p <agent pid> (PTRACE_SEIZE)", Actor(Proc.line("/usr/bin/strace", "strace -p 555"), in: Trees.rootLogin).tamper(.ptrace, 0x4206)),
            ],
            negatives: [
                Case("a signal is not an attach", Actor(Proc.line("/usr/bin/kill", "kill -USR1 555"), in: Trees.rootLogin).tamper(.signal, 10)),
            ]),

        RuleFixture("bpf-program-detached",
            positives: [
                Case("bpftool link detach id 42", Actor(Proc.line("/usr/sbin/bpftool", "bpftool link detach id 42"), in: Trees.rootLogin).tamper(.bpfDetach, 34)),
                Case("custom loader replaces a program (BPF_LINK_UPDATE)", Actor(python, in: Trees.rootLogin).tamper(.bpfDetach, 29)),
            ],
            negatives: [
                Case("systemd detaches a unit's IP accounting program", systemdPid1.tamper(.bpfDetach, 9)),
            ]),

        RuleFixture("agent-bpf-map-written",
            positives: [
                Case("bpftool map update id N (self_tgid rewritten)", Actor(Proc.line("/usr/sbin/bpftool", "bpftool map update id 17 key 0 0 0 0 value 1 2 3 4"), in: Trees.rootLogin).tamper(.bpfMapWrite, 2, code: 1)),
                Case("a loader deletes deny-list entries in a batch", Actor(python, in: Trees.rootLogin).tamper(.bpfMapWrite, 27, code: 1)),
            ],
            negatives: [
                Case("opening the map is not writing it", Actor(Proc.line("/usr/sbin/bpftool", "bpftool map dump id 17"), in: Trees.rootLogin).tamper(.bpfObjectGet, 14, code: 1), also: ["agent-bpf-object-opened"]),
            ]),

        RuleFixture("agent-bpf-object-opened",
            positives: [
                Case("bpftool map dump id N", Actor(Proc.line("/usr/sbin/bpftool", "bpftool map dump id 17"), in: Trees.rootLogin).tamper(.bpfObjectGet, 14, code: 1)),
                Case("bpftool map dump pinned /sys/fs/bpf/mamori/...", Actor(Proc.line("/usr/sbin/bpftool", "bpftool map dump pinned /sys/fs/bpf/mamori/mamori_scope"), in: Trees.rootLogin).tamper(.bpfObjectGet, 7, code: 1)),
            ],
            negatives: [
                Case("a detach is its own rule", Actor(Proc.line("/usr/sbin/bpftool", "bpftool link detach id 42"), in: Trees.rootLogin).tamper(.bpfDetach, 34), also: ["bpf-program-detached"]),
            ]),

        RuleFixture("agent-files-modified",
            positives: [
                Case("vim edits the rule pack", Actor(Proc.line("/usr/bin/vim.basic", "vim /etc/mamori/rules/defense_evasion/agent-signalled.yml"), in: Trees.rootLogin).file(.rename, "/etc/mamori/rules/defense_evasion/4913", to: "/etc/mamori/rules/defense_evasion/agent-signalled.yml")),
                Case("> /var/lib/mamori/mamori.db", rootShell.file(.truncate, "/var/lib/mamori/mamori.db")),
                Case("cp a trojaned binary over /usr/sbin/mamori", Actor(Proc.line("/usr/bin/cp", "cp /tmp/m /usr/sbin/mamori"), in: Trees.rootLogin).file(.openWrite, "/usr/sbin/mamori")),
                // Issue 13 #7: only the installed CLI is excluded, not any binary named mamori.
                Case("a binary named mamori in /tmp edits a rule", Actor(Proc.line("/tmp/mamori", "mamori"), in: Trees.rootLogin).file(.openWrite, "/etc/mamori/rules/execution/reverse-shell.yml")),
            ],
            negatives: [
                Case("dpkg installs a new binary", dpkgInstall.file(.rename, "/usr/sbin/mamori.dpkg-new", to: "/usr/sbin/mamori")),
                Case("mamori alerts opens the store", Actor(Proc.line("/usr/sbin/mamori", "mamori alerts --since 1h"), in: Trees.rootLogin).file(.openWrite, "/var/lib/mamori/mamori.db")),
                Case("a file named like the store elsewhere", rootShell.file(.openWrite, "/var/backups/mamori/mamori.db")),
            ]),

        RuleFixture("agent-files-deleted",
            positives: [
                Case("rm -rf /etc/mamori/rules", Actor(Proc.line("/usr/bin/rm", "rm -rf /etc/mamori/rules"), in: Trees.rootLogin).file(.unlink, "/etc/mamori/rules/execution/reverse-shell.yml")),
                Case("rm a fail-closed pin", Actor(Proc.line("/usr/bin/rm", "rm /sys/fs/bpf/mamori/link_mamori_prevent_exec"), in: Trees.rootLogin).file(.unlink, "/sys/fs/bpf/mamori/link_mamori_prevent_exec")),
                Case("a binary named mamori elsewhere deletes a rule", Actor(Proc.line("/dev/shm/x/mamori", "mamori"), in: Trees.rootLogin).file(.unlink, "/etc/mamori/rules/execution/reverse-shell.yml")),
            ],
            negatives: [
                Case("dpkg removes an old rule on upgrade", dpkgInstall.file(.unlink, "/etc/mamori/rules/execution/old-rule.yml")),
                Case("rm of an unrelated file in /etc", Actor(Proc.line("/usr/bin/rm", "rm /etc/motd"), in: Trees.rootLogin).file(.unlink, "/etc/motd")),
            ]),
    ]
}
