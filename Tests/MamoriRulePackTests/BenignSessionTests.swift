import Testing
import MamoriDetection
import MamoriEvents
import MamoriProcess

/// A realistic day of administration on a web and database server, through one engine (so
/// thresholds and sequences accumulate as they would in production): SSH logins and ls, apt
/// upgrade with maintainer scripts, unattended-upgrades, git pull, make with gcc, SwiftPM,
/// logrotate and dpkg backups from cron.daily, an rsync backup from cron, a tar/pg_dump backup
/// unit, Ansible, systemd housekeeping, and the services' own traffic. Nothing may fire.
@Suite struct BenignSessionTests {
    @Test func ordinaryAdministrationFiresNothing() {
        var engine = Pack.engine()
        var fired: [String] = []
        for (index, step) in BenignSession.steps.enumerated() {
            for hit in engine.evaluate(step.event, process: step.process, parent: step.parent, ancestry: step.ancestry) {
                fired.append("#\(index) \(Pack.slugById[hit.id] ?? hit.id)")
            }
        }
        #expect(fired.isEmpty, "benign activity fired: \(fired)")
        #expect(BenignSession.steps.count > 150)
    }
}

/// The events of the benign day, in time order (the clock advances by one second per event).
enum BenignSession {
    static let steps: [Step] = {
        var out: [Step] = []
        var clock = 1_000.0
        func add(_ make: (Double) -> Step) { out.append(make(clock)); clock += 1 }
        func exec(_ p: Proc, _ tree: Tree, stdin: FileType = .characterDevice, stdout: FileType = .characterDevice) {
            add { Actor(p, in: tree).exec(at: $0, stdin: stdin, stdout: stdout) }
        }
        func file(_ p: Proc, _ tree: Tree, _ op: FileOp, _ path: String, to target: String? = nil, mode: UInt32 = 0o644) {
            add { Actor(p, in: tree).file(op, path, to: target, mode: mode, at: $0) }
        }
        func connect(_ p: Proc, _ tree: Tree, _ ip: String, _ port: UInt16, op: NetworkOp = .connect, proto: UInt16 = 6) {
            add { Actor(p, in: tree).connect(ip, port, op: op, proto: proto, at: $0) }
        }
        let systemd = Tree([Trees.systemd])
        let alice = Trees.userLogin
        let root = Trees.sudoRoot

        // 1. SSH login: sshd accepts, authenticates, records the login, starts the login shell.
        connect(Trees.sshd, systemd, "198.51.100.20", 22, op: .accept)
        file(Trees.sshd, systemd, .openRead, "/etc/ssh/ssh_host_ed25519_key")
        file(Proc.line("/usr/sbin/unix_chkpwd", "unix_chkpwd alice nullok"), Tree([Trees.sshdSession, Trees.sshd, Trees.systemd]), .openRead, "/etc/shadow")
        file(Trees.sshdSession, Tree([Trees.sshd, Trees.systemd]), .openWrite, "/var/log/wtmp")
        file(Trees.sshdSession, Tree([Trees.sshd, Trees.systemd]), .openWrite, "/var/log/lastlog")
        for (exe, line) in [("/usr/bin/run-parts", "run-parts --lsbsysinit /etc/update-motd.d"), ("/usr/bin/uname", "uname -o -r -m"), ("/usr/bin/lsb_release", "lsb_release -s -d"),
                            ("/usr/bin/cat", "cat /etc/os-release"), ("/usr/bin/who", "who"), ("/usr/bin/id", "id -u"), ("/usr/bin/hostname", "hostname"), ("/usr/bin/df", "df -h /"),
                            ("/usr/bin/free", "free -m"), ("/usr/bin/uptime", "uptime -p"), ("/usr/bin/lscpu", "lscpu"), ("/usr/bin/findmnt", "findmnt -n -o FSTYPE /")] {
            exec(Proc.line(exe, line), Fixtures.motd, stdin: .closed, stdout: .fifo)
        }
        exec(Trees.userLoginShell, Tree(Array(alice.ancestors.dropFirst())))
        exec(Proc.line("/usr/bin/id", "id -u", uid: 1000), alice, stdout: .fifo)
        exec(Proc.line("/usr/bin/groups", "groups", uid: 1000), alice, stdout: .fifo)
        exec(Proc.line("/usr/bin/dircolors", "dircolors -b", uid: 1000), alice, stdout: .fifo)
        exec(Proc("/usr/bin/dash", ["/bin/sh", "/usr/bin/lesspipe"], uid: 1000), alice, stdout: .fifo)
        exec(Proc.line("/usr/bin/ls", "ls -la", uid: 1000), alice)
        exec(Proc.line("/usr/bin/ls", "ls", uid: 1000), alice)
        file(Trees.userLoginShell, Tree(Array(alice.ancestors.dropFirst())), .openWrite, "/home/alice/.bash_history")

        // 2. sudo apt update && apt upgrade: downloads, dpkg, maintainer scripts, triggers.
        exec(Proc("/usr/bin/sudo", ["sudo", "-i"], uid: 0), alice)
        exec(Trees.apt, root)
        let aptTree = Tree([Trees.apt] + root.ancestors)
        let httpMethod = Proc("/usr/lib/apt/methods/http", ["/usr/lib/apt/methods/http"], uid: 42)
        exec(httpMethod, aptTree, stdin: .fifo, stdout: .fifo)
        for host in ["91.189.91.81", "91.189.91.82", "185.125.190.36"] { connect(httpMethod, aptTree, host, 80) }
        file(httpMethod, aptTree, .create, "/var/lib/apt/lists/partial/archive.ubuntu.com_ubuntu_dists_noble_InRelease")
        file(Trees.apt, root, .rename, "/var/cache/apt/archives/partial/openssl_3.0.13_amd64.deb", to: "/var/cache/apt/archives/openssl_3.0.13_amd64.deb")
        exec(Trees.dpkg, aptTree, stdin: .fifo, stdout: .fifo)
        let dpkgTree = Trees.dpkgTree
        for path in ["/usr/bin/openssl", "/usr/lib/x86_64-linux-gnu/libssl.so.3", "/usr/lib/systemd/system/ssh.service", "/etc/cron.d/e2scrub_all", "/etc/init.d/ssh",
                     "/usr/lib/x86_64-linux-gnu/security/pam_unix.so", "/etc/pam.d/sshd", "/etc/profile.d/bash_completion.sh", "/etc/sudoers.d/README", "/etc/update-motd.d/50-motd-news"] {
            file(Trees.dpkg, dpkgTree, .create, path + ".dpkg-new")
            file(Trees.dpkg, dpkgTree, .rename, path + ".dpkg-new", to: path)
        }
        file(Trees.dpkg, dpkgTree, .chmod, "/usr/bin/sudo", mode: 0o4755)
        file(Trees.dpkg, dpkgTree, .unlink, "/usr/share/doc/openssl/changelog.Debian.gz.dpkg-old")
        exec(Trees.dpkgScript.ancestors[0], dpkgTree, stdin: .fifo, stdout: .fifo)
        let invoke = Proc("/usr/bin/perl", ["/usr/bin/perl", "/usr/bin/deb-systemd-invoke", "restart", "ssh.service"])
        exec(invoke, Trees.dpkgScript, stdin: .fifo, stdout: .fifo)
        exec(Proc.line("/usr/bin/systemctl", "systemctl --system restart ssh.service"), Trees.dpkgScript.spawning(invoke), stdin: .fifo, stdout: .fifo)
        exec(Proc.line("/usr/bin/systemctl", "systemctl stop auditd.service"), Trees.dpkgScript.spawning(invoke), stdin: .fifo, stdout: .fifo)
        exec(Proc.line("/usr/sbin/ldconfig", "ldconfig"), dpkgTree, stdin: .fifo, stdout: .fifo)
        file(Proc.line("/usr/sbin/ldconfig", "ldconfig"), dpkgTree, .rename, "/etc/ld.so.cache~", to: "/etc/ld.so.cache")
        exec(Proc.line("/usr/bin/mandb", "/usr/bin/mandb --quiet"), dpkgTree, stdin: .fifo, stdout: .fifo)
        exec(Proc.line("/usr/sbin/needrestart", "needrestart -r a -m a"), aptTree)
        exec(Proc.line("/usr/bin/systemctl", "systemctl restart php8.2-fpm.service"), aptTree.spawning(Proc.line("/usr/sbin/needrestart", "needrestart -r a -m a")))

        // 3. unattended-upgrades from its systemd timer.
        let uu = Proc("/usr/bin/python3.12", ["/usr/bin/python3", "/usr/bin/unattended-upgrade"], unit: "unattended-upgrades.service")
        exec(uu, systemd, stdin: .closed, stdout: .fifo)
        let uuDpkg = Proc.line("/usr/bin/dpkg", "/usr/bin/dpkg --status-fd 10 --unpack --auto-deconfigure /var/cache/apt/archives/tzdata.deb", unit: "unattended-upgrades.service")
        exec(uuDpkg, Tree([uu, Trees.systemd]), stdin: .fifo, stdout: .fifo)
        file(uuDpkg, Tree([uu, Trees.systemd]), .rename, "/usr/share/zoneinfo/Europe/Paris.dpkg-new", to: "/usr/share/zoneinfo/Europe/Paris")

        // 4. git pull over SSH in a project.
        let git = Proc.line("/usr/bin/git", "git pull --rebase", uid: 1000)
        exec(git, alice)
        let gitSsh = Proc("/usr/bin/ssh", ["/usr/bin/ssh", "-o", "SendEnv=GIT_PROTOCOL", "git@github.com", "git-upload-pack 'alice/proj.git'"], uid: 1000)
        exec(gitSsh, alice.spawning(git), stdin: .fifo, stdout: .fifo)
        file(gitSsh, alice.spawning(git), .openRead, "/home/alice/.ssh/id_ed25519")
        connect(gitSsh, alice.spawning(git), "140.82.121.3", 22)
        for i in 0..<5 { file(git, alice, .create, "/home/alice/proj/.git/objects/ab/cdef\(i)") }
        file(git, alice, .rename, "/home/alice/proj/.git/ORIG_HEAD.lock", to: "/home/alice/proj/.git/ORIG_HEAD")
        file(git, alice, .openWrite, "/home/alice/proj/src/main.c")

        // 5. make with gcc, then run the result; SwiftPM build and run.
        let make = Proc.line("/usr/bin/make", "make -j4", uid: 1000)
        exec(make, alice)
        let makeShell = Proc.shell("gcc -O2 -Wall -c src/main.c -o build/main.o", uid: 1000)
        exec(makeShell, alice.spawning(make), stdin: .characterDevice, stdout: .characterDevice)
        let gcc = Proc.line("/usr/bin/x86_64-linux-gnu-gcc-13", "gcc -O2 -Wall -c src/main.c -o build/main.o", uid: 1000)
        let gccTree = alice.spawning(make).spawning(makeShell)
        exec(gcc, gccTree)
        exec(Proc.line("/usr/libexec/gcc/x86_64-linux-gnu/13/cc1", "/usr/libexec/gcc/x86_64-linux-gnu/13/cc1 -quiet src/main.c -o /tmp/ccAbCd.s", uid: 1000), gccTree.spawning(gcc))
        file(Proc.line("/usr/libexec/gcc/x86_64-linux-gnu/13/cc1", "cc1 -quiet src/main.c -o /tmp/ccAbCd.s", uid: 1000), gccTree.spawning(gcc), .create, "/tmp/ccAbCd.s")
        exec(Proc.line("/usr/bin/x86_64-linux-gnu-as", "as --64 -o build/main.o /tmp/ccAbCd.s", uid: 1000), gccTree.spawning(gcc))
        let ld = Proc.line("/usr/bin/x86_64-linux-gnu-ld.bfd", "/usr/bin/ld -o build/app build/main.o -lc", uid: 1000)
        exec(ld, gccTree.spawning(gcc))
        file(ld, gccTree.spawning(gcc), .create, "/home/alice/proj/build/app", mode: 0o755)
        file(gcc, gccTree, .unlink, "/tmp/ccAbCd.s")
        exec(Proc("/home/alice/proj/build/app", ["./build/app", "--selftest"], uid: 1000), alice)
        let swiftBuild = Proc.line("/opt/swift/usr/bin/swift-build", "swift-build -c release", uid: 1000)
        exec(swiftBuild, alice)
        exec(Proc.line("/opt/swift/usr/bin/swift-frontend", "swift-frontend -frontend -c -primary-file Sources/App/main.swift", uid: 1000), alice.spawning(swiftBuild))
        exec(Proc.line("/usr/bin/clang-17", "clang -c shim.c -o .build/release/shim.o", uid: 1000), alice.spawning(swiftBuild))
        file(Proc.line("/usr/bin/ld.gold", "ld.gold -o .build/release/App", uid: 1000), alice.spawning(swiftBuild), .create, "/home/alice/proj/.build/release/App", mode: 0o755)
        exec(Proc("/home/alice/proj/.build/release/App", ["./.build/release/App"], uid: 1000), alice)

        // 6. Service administration as root.
        for line in ["systemctl status nginx", "journalctl -u nginx --since today", "nginx -t", "systemctl reload nginx", "tail -n 50 /var/log/nginx/error.log", "ss -tlnp", "ps aux", "df -h"] {
            let exe = line.hasPrefix("systemctl") ? "/usr/bin/systemctl" : line.hasPrefix("journalctl") ? "/usr/bin/journalctl" : line.hasPrefix("nginx") ? "/usr/sbin/nginx"
                : line.hasPrefix("tail") ? "/usr/bin/tail" : line.hasPrefix("ss") ? "/usr/bin/ss" : line.hasPrefix("ps") ? "/usr/bin/ps" : "/usr/bin/df"
            exec(Proc.line(exe, line), root)
        }
        exec(Fixtures.vim, root)
        file(Fixtures.vim, root, .create, "/etc/nginx/sites-available/.default.swp")
        file(Fixtures.vim, root, .openWrite, "/etc/nginx/sites-available/default")
        file(Fixtures.vim, root, .openWrite, "/root/.bashrc")
        exec(Proc.line("/usr/bin/crontab", "crontab -l"), root)

        // 7. cron.daily: run-parts, logrotate (rotation, compression, rsyslog HUP), dpkg status backups.
        let daily = Trees.cronJob("test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }")
        let runParts = Proc.line("/usr/bin/run-parts", "run-parts --report /etc/cron.daily")
        exec(runParts, daily, stdin: .closed, stdout: .fifo)
        let logrotateScript = Proc("/usr/bin/dash", ["/bin/sh", "/etc/cron.daily/logrotate"])
        let rotTree = daily.spawning(runParts).spawning(logrotateScript)
        let logrotate = Proc.line("/usr/sbin/logrotate", "/usr/sbin/logrotate /etc/logrotate.conf")
        exec(logrotate, rotTree, stdin: .closed, stdout: .fifo)
        for log in ["syslog", "auth.log", "kern.log", "nginx/access.log", "nginx/error.log", "mysql/error.log", "postgresql/postgresql-15-main.log"] {
            file(logrotate, rotTree, .rename, "/var/log/\(log)", to: "/var/log/\(log).1")
            file(logrotate, rotTree, .create, "/var/log/\(log)", mode: 0o640)
            file(logrotate, rotTree, .chmod, "/var/log/\(log)", mode: 0o640)
            file(logrotate, rotTree, .unlink, "/var/log/\(log).7.gz")
            let gzip = Proc.line("/usr/bin/gzip", "/bin/gzip -f /var/log/\(log).2")
            file(gzip, rotTree.spawning(logrotate), .unlink, "/var/log/\(log).2")
        }
        let hup = Proc.line("/usr/bin/systemctl", "systemctl kill -s HUP rsyslog.service")
        exec(hup, rotTree.spawning(logrotate).spawning(Proc("/usr/bin/dash", ["/bin/sh", "/usr/lib/rsyslog/rsyslog-rotate"])), stdin: .closed, stdout: .fifo)
        let dpkgDaily = Proc("/usr/bin/dash", ["/bin/sh", "/etc/cron.daily/dpkg"])
        exec(Proc.line("/usr/bin/cp", "cp -p /var/lib/dpkg/status /var/backups/dpkg.status.0"), daily.spawning(runParts).spawning(dpkgDaily), stdin: .closed, stdout: .fifo)
        exec(Proc.line("/usr/bin/rm", "rm -f -- /var/backups/dpkg.status.6.gz"), daily.spawning(runParts).spawning(dpkgDaily), stdin: .closed, stdout: .fifo)
        file(Proc.line("/usr/bin/rm", "rm -f -- /var/backups/dpkg.status.6.gz"), daily.spawning(runParts).spawning(dpkgDaily), .unlink, "/var/backups/dpkg.status.6.gz")

        // 8. Nightly rsync backup from cron (reads /etc/shadow and keys, connects over SSH).
        let backupJob = Trees.cronJob("/usr/local/bin/nightly-backup.sh")
        let rsync = Proc.line("/usr/bin/rsync", "rsync -aH --delete /etc /home /root /var/www backup@10.0.0.50:/srv/backup/web01/")
        exec(rsync, backupJob, stdin: .closed, stdout: .fifo)
        let rsyncSsh = Proc.line("/usr/bin/ssh", "ssh -l backup 10.0.0.50 rsync --server -logDtprHe.iLsfxCIvu --delete . /srv/backup/web01/")
        exec(rsyncSsh, backupJob.spawning(rsync), stdin: .socket, stdout: .socket)
        connect(rsyncSsh, backupJob.spawning(rsync), "10.0.0.50", 22)
        file(rsyncSsh, backupJob.spawning(rsync), .openRead, "/root/.ssh/id_ed25519")
        for path in ["/etc/shadow", "/etc/gshadow", "/root/.ssh/id_rsa", "/home/alice/.ssh/id_ed25519", "/etc/ssh/ssh_host_rsa_key"] {
            file(rsync, backupJob, .openRead, path)
        }

        // 9. Backup unit: tar of /etc and a pg_dump into the backup volume.
        let backupTree = Trees.unit("backup.service", Proc("/usr/bin/bash", ["/bin/bash", "/usr/local/sbin/backup.sh"]))
        let tar = Proc.line("/usr/bin/tar", "tar czf /backup/etc-2026-11-27.tgz /etc")
        exec(tar, backupTree, stdin: .closed, stdout: .fifo)
        file(tar, backupTree, .openRead, "/etc/shadow")
        file(tar, backupTree, .create, "/backup/etc-2026-11-27.tgz")
        exec(Proc.line("/usr/bin/pg_dump", "pg_dump -Fc -f /backup/app.dump app", uid: 115), backupTree, stdin: .closed, stdout: .fifo)
        exec(Proc.line("/usr/bin/find", "find /backup -name *.tgz -mtime +14 -delete"), backupTree, stdin: .closed, stdout: .fifo)

        // 10. Ansible run: facts, a template, a unit, a cron entry, a sudoers drop-in validated by visudo.
        let module = Trees.ansible.ancestors[0]
        let ansibleParent = Tree(Array(Trees.ansible.ancestors.dropFirst()))
        exec(Trees.ansible.ancestors[1], Tree(Array(Trees.ansible.ancestors.dropFirst(2))), stdin: .socket, stdout: .socket)
        exec(module, ansibleParent, stdin: .fifo, stdout: .fifo)
        for path in ["/etc/nginx/nginx.conf", "/etc/systemd/system/app.service", "/etc/cron.d/app-cleanup", "/etc/sudoers.d/ops", "/home/deploy/.ssh/authorized_keys", "/etc/profile.d/app.sh"] {
            file(module, ansibleParent, .rename, "/root/.ansible/tmp/ansible-tmp-1764-42/source", to: path)
        }
        exec(Proc.line("/usr/sbin/visudo", "visudo -cf /etc/sudoers.d/ops"), Trees.ansible, stdin: .fifo, stdout: .fifo)
        exec(Proc.line("/usr/bin/systemctl", "systemctl daemon-reload"), Trees.ansible, stdin: .fifo, stdout: .fifo)
        exec(Proc.line("/usr/bin/systemctl", "systemctl restart app.service"), Trees.ansible, stdin: .fifo, stdout: .fifo)

        // 11. systemd housekeeping and the services' own activity.
        let tmpfiles = Proc.line("/usr/bin/systemd-tmpfiles", "systemd-tmpfiles --clean", unit: "systemd-tmpfiles-clean.service")
        for i in 0..<20 { file(tmpfiles, systemd, .unlink, "/tmp/systemd-private-\(i)/tmp/x") }
        file(Proc("/usr/lib/systemd/systemd-journald", ["/usr/lib/systemd/systemd-journald"], unit: "systemd-journald.service"), systemd, .openWrite, "/var/log/journal/4f1c/system.journal")
        file(Proc("/usr/sbin/rsyslogd", ["/usr/sbin/rsyslogd", "-n"], unit: "rsyslog.service", uid: 104), systemd, .openWrite, "/var/log/auth.log")
        let nginxWorker = Trees.nginxWorker
        let nginxParent = Tree([Trees.nginxMaster, Trees.systemd])
        for i in 1...5 { connect(nginxWorker, nginxParent, "203.0.113.\(100 + i)", 443, op: .accept) }
        connect(nginxWorker, nginxParent, "127.0.0.1", 9000)
        let fpm = Trees.phpFpm.ancestors[0]
        let fpmParent = Tree(Array(Trees.phpFpm.ancestors.dropFirst()))
        connect(fpm, fpmParent, "10.0.0.20", 3306)
        connect(fpm, fpmParent, "203.0.113.50", 443)
        connect(fpm, fpmParent, "10.0.0.10", 636)
        exec(Proc.shell("/usr/sbin/sendmail -t -i", uid: 33), Trees.phpFpm, stdin: .fifo, stdout: .fifo)
        file(fpm, fpmParent, .create, "/var/www/html/wp-content/uploads/2026/11/photo.jpg")
        let pg = Trees.postgres.ancestors[0]
        let pgParent = Tree(Array(Trees.postgres.ancestors.dropFirst()))
        for i in 0..<12 { file(pg, pgParent, .unlink, "/var/lib/postgresql/15/main/pg_wal/00000001000000000000001\(i)") }
        connect(pg, pgParent, "10.0.0.10", 389)
        exec(Proc.shell("test ! -f /mnt/wal/00000001000000000000001C && cp pg_wal/00000001000000000000001C /mnt/wal/00000001000000000000001C", uid: 115), Trees.postgres, stdin: .closed, stdout: .fifo)
        let sssd = Proc("/usr/libexec/sssd/sssd_be", ["/usr/libexec/sssd/sssd_be", "--domain", "corp.local"], unit: "sssd.service")
        for i in 10...16 { connect(sssd, systemd, "10.0.0.\(i)", i % 2 == 0 ? 389 : 88) }
        let prometheus = Proc("/usr/bin/prometheus", ["/usr/bin/prometheus"], unit: "prometheus.service", uid: 120)
        for i in 1...40 { connect(prometheus, systemd, "10.0.3.\(i)", 9100) }
        let resolved = Proc("/usr/lib/systemd/systemd-resolved", ["/usr/lib/systemd/systemd-resolved"], unit: "systemd-resolved.service", uid: 101)
        connect(resolved, systemd, "10.0.0.2", 53, proto: 17)

        // 12. A second SSH login that just lists a directory and logs out.
        exec(Proc.line("/usr/bin/ls", "ls -l /var/www"), Trees.rootLogin)
        exec(Proc.line("/usr/bin/id", "id"), Trees.rootLogin)
        return out
    }()
}
