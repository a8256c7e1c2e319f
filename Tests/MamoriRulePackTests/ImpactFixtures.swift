import MamoriEvents

extension Fixtures {
    static let impact: [RuleFixture] = [
        RuleFixture("secure-deletion-burst",
            positives: [
                Case("shred -u of ten database files", (0..<10).map { i in
                    Actor(Proc.line("/usr/bin/shred", "shred -u -z /var/lib/mysql/app/*.ibd"), in: Trees.rootLogin).file(.unlink, "/var/lib/mysql/app/t\(i).ibd", at: 100 + Double(i))
                }),
            ],
            negatives: [
                Case("shred one temporary secret", Actor(Proc.line("/usr/bin/shred", "shred -u /tmp/secret.key"), in: Trees.rootLogin).file(.unlink, "/tmp/secret.key")),
            ]),

        RuleFixture("block-device-wiped",
            positives: [
                Case("dd zeroes a disk", Actor(Proc.line("/usr/bin/dd", "dd if=/dev/zero of=/dev/sda bs=1M"), in: Trees.rootLogin).exec()),
                Case("wipefs -a", Actor(Proc.line("/usr/sbin/wipefs", "wipefs -a /dev/nvme0n1"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("dd creates a swap file", Actor(Proc.line("/usr/bin/dd", "dd if=/dev/zero of=/swapfile bs=1M count=1024"), in: Trees.rootLogin).exec()),
                Case("dd backs up the MBR", Actor(Proc.line("/usr/bin/dd", "dd if=/dev/sda of=/root/mbr.img bs=512 count=1"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("mass-rename-with-appended-extension",
            positives: [
                Case("twenty files get .locked", (0..<20).map { i in
                    Actor(Proc("/var/tmp/enc", ["enc", "/srv"]), in: Trees.rootLogin).file(.rename, "/srv/data/f\(i).docx", to: "/srv/data/f\(i).docx.locked", at: 100 + Double(i) * 0.2)
                }),
            ],
            negatives: [
                Case("logrotate numbers rotations", (0..<25).map { i in
                    Actor(logrotate.ancestors[0], in: Tree(Array(logrotate.ancestors.dropFirst()))).file(.rename, "/var/log/app/app\(i).log", to: "/var/log/app/app\(i).log.1", at: 100 + Double(i) * 0.1)
                }),
                Case("a script keeps .bak copies", (0..<25).map { i in
                    Actor(python, in: Trees.rootLogin).file(.rename, "/etc/app/conf\(i).yml", to: "/etc/app/conf\(i).yml.bak", at: 100 + Double(i) * 0.1)
                }),
                Case("a batch renamer changes names", (0..<25).map { i in
                    Actor(Proc.line("/usr/bin/rename", "rename s/IMG/photo/ *.jpg"), in: Trees.userLogin).file(.rename, "/home/alice/pics/IMG\(i).jpg", to: "/home/alice/pics/photo\(i).jpg", at: 100 + Double(i) * 0.1)
                }),
            ]),

        RuleFixture("ransom-note-burst",
            positives: [
                Case("notes in three directories", ["/srv/a", "/srv/b", "/home/alice"].enumerated().map { i, d in
                    Actor(Proc("/var/tmp/enc", ["enc", "/srv"]), in: Trees.rootLogin).file(.create, "\(d)/HOW_TO_DECRYPT_FILES.txt", at: 100 + Double(i))
                }),
            ],
            negatives: [
                Case("README files", ["/srv/a", "/srv/b", "/srv/c"].enumerated().map { i, d in
                    Actor(Proc.line("/usr/bin/git", "git clone x"), in: Trees.rootLogin).file(.create, "\(d)/README.md", at: 100 + Double(i))
                }),
            ]),

        RuleFixture("backups-or-snapshots-deleted",
            positives: [
                Case("zfs destroy of snapshots", Actor(Proc.line("/usr/sbin/zfs", "zfs destroy -r tank/data@daily-2026-11-01"), in: Trees.rootLogin).exec()),
                Case("rm -rf /var/backups", Actor(Proc.line("/usr/bin/rm", "rm -rf /var/backups/"), in: Trees.rootLogin).exec()),
                Case("rm -f of many archives under /var/backups (a glob the shell expanded)", Actor(Proc.line("/usr/bin/rm", "rm -f /var/backups/db-1.tar.gz /var/backups/db-2.tar.gz /var/backups/db-3.tar.gz /var/backups/db-4.tar.gz"), in: Trees.rootLogin).exec()),
                Case("borg delete", Actor(Proc.line("/usr/bin/borg", "borg delete /srv/borg::all"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("listing snapshots", Actor(Proc.line("/usr/sbin/zfs", "zfs list -t snapshot"), in: Trees.rootLogin).exec()),
                Case("admin rotates one nightly backup directory", Actor(Proc.line("/usr/bin/rm", "rm -rf /var/backups/nightly-2026-12-01"), in: Trees.rootLogin).exec()),
                Case("retention by age with find -mtime -delete", Actor(Proc.line("/usr/bin/find", "find /var/backups -name *.tgz -mtime +14 -delete"), in: Trees.rootLogin).exec()),
                Case("zfs-auto-snapshot prunes", Actor(Proc.line("/usr/sbin/zfs", "zfs destroy tank/data@zfs-auto-snap_hourly-2026-11-26-0800"),
                                                         in: Trees.cronJob("which zfs-auto-snapshot > /dev/null || exit 0 ; zfs-auto-snapshot --quiet --syslog --label=hourly --keep=24 //")).exec()),
            ]),

        RuleFixture("database-data-mass-deletion",
            positives: [
                Case("rm -rf of the PostgreSQL data directory", (0..<50).map { i in
                    Actor(Proc.line("/usr/bin/rm", "rm -rf /var/lib/postgresql/15/main"), in: Trees.rootLogin).file(.unlink, "/var/lib/postgresql/15/main/base/16384/\(16000 + i)", at: 100 + Double(i) * 0.1)
                }),
            ],
            negatives: [
                Case("PostgreSQL recycles WAL segments", (0..<60).map { i in
                    Actor(Trees.postgres.ancestors[0], in: Tree(Array(Trees.postgres.ancestors.dropFirst()))).file(.unlink, "/var/lib/postgresql/15/main/pg_wal/0000000100000000000000\(10 + i)", at: 100 + Double(i) * 0.1)
                }),
                Case("thirty deletions", (0..<30).map { i in
                    Actor(Proc.line("/usr/bin/rm", "rm /var/www/cache/*"), in: Trees.rootLogin).file(.unlink, "/var/www/cache/c\(i)", at: 100 + Double(i) * 0.1)
                }),
            ]),

        RuleFixture("service-stop-burst",
            positives: [
                Case("three data services stopped in a row",
                     burst([("/usr/bin/systemctl", "systemctl stop mysql"), ("/usr/bin/systemctl", "systemctl stop postgresql"), ("/usr/bin/systemctl", "systemctl stop nginx")], in: Trees.rootLogin, gap: 3)),
            ],
            negatives: [
                Case("package upgrade restarts services",
                     burst([("/usr/bin/systemctl", "systemctl stop mysql.service"), ("/usr/bin/systemctl", "systemctl stop postgresql.service"), ("/usr/bin/systemctl", "systemctl stop nginx.service")], in: Trees.dpkgScript)),
                Case("log rotation signals three services", [
                    Actor(Proc.line("/usr/bin/systemctl", "systemctl kill -s HUP nginx.service"), in: logrotate).exec(at: 100),
                    Actor(Proc.line("/usr/bin/systemctl", "systemctl kill -s USR1 php8.2-fpm.service"), in: logrotate).exec(at: 101),
                    Actor(Proc.line("/usr/bin/pkill", "pkill -HUP -x redis-server"), in: Trees.rootLogin).exec(at: 102),
                    Actor(Proc.line("/usr/bin/systemctl", "systemctl kill --signal=SIGUSR2 postgresql"), in: Trees.rootLogin).exec(at: 103),
                ]),
                Case("two stops", burst([("/usr/bin/systemctl", "systemctl stop nginx"), ("/usr/bin/systemctl", "systemctl stop php8.2-fpm")], in: Trees.rootLogin)),
            ]),

        RuleFixture("shutdown-from-non-admin-context",
            positives: [
                Case("a web shell reboots the host", Actor(Proc("/usr/bin/systemctl", ["reboot"], uid: 33), in: Trees.webShell).exec(stdin: .fifo, stdout: .fifo)),
                Case("a dropped binary runs shutdown", Actor(Proc("/usr/bin/systemctl", ["shutdown", "-h", "now"]), in: Tree([Proc("/var/tmp/w", ["w"]), Trees.systemd])).exec()),
            ],
            negatives: [
                Case("administrator reboots over SSH", Actor(Proc("/usr/bin/systemctl", ["shutdown", "-r", "now"]), in: Trees.sudoRoot).exec()),
                Case("unattended-upgrades automatic reboot", Actor(Proc("/usr/bin/systemctl", ["shutdown", "-r", "02:00"]), in: Trees.unit("unattended-upgrades.service", Proc("/usr/bin/python3.12", ["/usr/bin/python3", "/usr/share/unattended-upgrades/unattended-upgrade-shutdown", "--wait-for-signal"]))).exec()),
            ]),

        RuleFixture("cryptocurrency-miner",
            positives: [
                Case("renamed miner with pool arguments", Actor(Proc.line("/opt/.cache/systemd-helper", "systemd-helper -o stratum+tcp://pool.supportxmr.com:3333 -u 4AdUndXHHZ9 -k --donate-level 1"), in: Trees.rootLogin).exec(),
                     also: ["exec-from-staging-location"]),
                Case("xmrig", Actor(Proc.line("/usr/local/bin/xmrig", "xmrig -c config.json"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("curl a mining pool's public API", Actor(Proc.line("/usr/bin/curl", "curl -s https://supportxmr.com/api/pool/stats -o /var/lib/node_exporter/pool.json"), in: Trees.rootLogin).exec()),
                Case("searching for a pool string", Actor(Proc.line("/usr/bin/grep", "grep -r stratum /etc"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("files-encrypted-with-openssl",
            positives: [
                Case("openssl enc over a document", Actor(Proc.line("/usr/bin/openssl", "openssl enc -aes-256-cbc -salt -in /srv/data/q3.xlsx -out /srv/data/q3.xlsx.enc -k s3cr3t"), in: Trees.rootLogin).exec()),
                Case("cipher subcommand", Actor(Proc.line("/usr/bin/openssl", "openssl aes-256-cbc -pbkdf2 -in db.sql -out db.sql.locked -pass pass:x"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("decrypting a file", Actor(Proc.line("/usr/bin/openssl", "openssl enc -d -aes-256-cbc -in backup.enc -out backup.tar -pass file:/root/k"), in: Trees.rootLogin).exec()),
                Case("base64 encoding", Actor(Proc.line("/usr/bin/openssl", "openssl enc -base64 -in cert.der -out cert.b64"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("database-files-overwritten",
            positives: [
                Case("shred over the MySQL data directory", Actor(Proc.line("/usr/bin/shred", "shred -uz -n 3 /var/lib/mysql/shop/orders.ibd"), in: Trees.rootLogin).exec()),
                Case("dd zeroes a SQLite database", Actor(Proc.line("/usr/bin/dd", "dd if=/dev/zero of=/srv/app/data/app.sqlite3 bs=1M count=64"), in: Trees.rootLogin).exec()),
                Case("dd over InnoDB's system tablespace in a relocated data directory", Actor(Proc.line("/usr/bin/dd", "dd if=/dev/zero of=/data/db1/ibdata1 bs=4096 count=16 conv=notrunc"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("dd creates a swap file", Actor(Proc.line("/usr/bin/dd", "dd if=/dev/zero of=/swapfile bs=1M count=2048"), in: Trees.rootLogin).exec()),
                Case("dd reads a tablespace into a backup (of= is the copy)", Actor(Proc.line("/usr/bin/dd", "dd if=/data/db1/ibdata1 of=/backup/ibdata1.img bs=1M"), in: Trees.rootLogin).exec()),
                Case("dd reads a dump to check it", Actor(Proc.line("/usr/bin/dd", "dd if=/root/db.sql of=/dev/null bs=1M"), in: Trees.rootLogin).exec()),
            ]),
    ]
}
