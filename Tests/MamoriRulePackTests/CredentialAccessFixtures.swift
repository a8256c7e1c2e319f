import MamoriEvents

extension Fixtures {
    static let credentialAccess: [RuleFixture] = [
        RuleFixture("credential-file-read",
            positives: [
                Case("cat /etc/shadow (watched read)", Actor(Proc.line("/usr/bin/cat", "cat /etc/shadow"), in: Trees.rootLogin).file(.openRead, "/etc/shadow")),
                Case("python reads a user's private key", Actor(python, in: Trees.rootLogin).file(.openRead, "/home/alice/.ssh/id_ed25519")),
                Case("an intruder's tar of /etc reads the hashes", Actor(Proc.line("/usr/bin/tar", "tar czf /tmp/e.tgz /etc"), in: Trees.rootLogin).file(.openRead, "/etc/shadow")),
                Case("tar of /etc to stdout", Actor(Proc.line("/usr/bin/tar", "tar czf - /etc"), in: Trees.rootLogin).file(.openRead, "/etc/shadow")),
                Case("a web shell reads a host key", Actor(Proc.line("/usr/bin/base64", "base64 /etc/ssh/ssh_host_ed25519_key", uid: 33), in: Trees.webShell).file(.openRead, "/etc/ssh/ssh_host_ed25519_key")),
            ],
            negatives: [
                Case("sshd loads its host key", Actor(Trees.sshd, in: Tree([Trees.systemd])).file(.openRead, "/etc/ssh/ssh_host_ed25519_key")),
                Case("unix_chkpwd verifies a password", Actor(Proc.line("/usr/sbin/unix_chkpwd", "unix_chkpwd alice nullok"), in: Tree([Trees.sshdSession, Trees.sshd, Trees.systemd])).file(.openRead, "/etc/shadow")),
                Case("nightly rsync backup from cron", Actor(Proc.line("/usr/bin/rsync", "rsync -a /etc /home backup@10.0.0.50:/srv/backup/"), in: Trees.cronJob("/usr/local/bin/nightly-backup")).file(.openRead, "/etc/shadow")),
                Case("ssh uses the user's key", Actor(Proc.line("/usr/bin/ssh", "ssh git@github.com", uid: 1000), in: Trees.userLogin).file(.openRead, "/home/alice/.ssh/id_ed25519")),
                Case("an administrator's tar backup of /etc", Actor(Proc.line("/usr/bin/tar", "tar czf /root/etc-2026-12-07.tgz /etc"), in: Trees.rootLogin).file(.openRead, "/etc/shadow")),
                Case("cp -a of a project tree with key-shaped test fixtures", Actor(Proc.line("/usr/bin/cp", "cp -a /home/alice/src/deploy-tool /srv/deploy-tool", uid: 1000), in: Trees.userLogin).file(.openRead, "/home/alice/src/deploy-tool/tests/fixtures/.ssh/id_rsa")),
            ]),

        RuleFixture("shadow-dumped-by-command",
            positives: [
                Case("cat /etc/shadow", Actor(Proc.line("/usr/bin/cat", "cat /etc/shadow"), in: Trees.rootLogin).exec()),
                Case("base64 -w0 /etc/shadow", Actor(Proc.line("/usr/bin/base64", "base64 -w0 /etc/shadow"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("ls -l /etc/shadow", Actor(Proc.line("/usr/bin/ls", "ls -l /etc/shadow"), in: Trees.rootLogin).exec()),
                Case("tar of /etc from cron", Actor(Proc.line("/usr/bin/tar", "tar czf /backup/etc.tgz /etc/shadow /etc/passwd"), in: Trees.cronJob("/usr/local/bin/etc-backup")).exec()),
            ]),

        RuleFixture("credential-hunting-in-files",
            positives: [
                Case("grep -ri password /var/www", Actor(Proc.line("/usr/bin/grep", "grep -ri password /var/www", uid: 33), in: Trees.webShell).exec(stdin: .fifo, stdout: .fifo)),
                Case("find / -name id_rsa", Actor(Proc.line("/usr/bin/find", "find / -name id_rsa"), in: Trees.rootLogin).exec(), also: ["ssh-private-keys-collected"]),
                Case("cat ~/.aws/credentials", Actor(Proc.line("/usr/bin/cat", "cat /root/.aws/credentials"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("grep in one named file", Actor(Proc.line("/usr/bin/grep", "grep password /etc/myapp/app.conf"), in: Trees.rootLogin).exec()),
                Case("recursive grep for an error message", Actor(Proc.line("/usr/bin/grep", "grep -rn timeout /etc/nginx"), in: Trees.rootLogin).exec()),
                Case("find rotated logs", Actor(Proc.line("/usr/bin/find", "find /var/log -name *.gz -mtime +30"), in: Trees.rootLogin).exec()),
                Case("a make lint target greps the tree for secrets", Actor(Proc.line("/usr/bin/grep", "grep -rn password src/", uid: 1000), in: Trees.userLogin.spawning(Proc.line("/usr/bin/make", "make lint", uid: 1000))).exec()),
            ]),

        RuleFixture("credential-theft-tool",
            positives: [
                Case("mimipenguin", Actor(Proc.line("/usr/bin/python3.12", "python3 /opt/mimipenguin/mimipenguin.py"), in: Trees.rootLogin).exec()),
                Case("hashcat", Actor(Proc.line("/usr/bin/hashcat", "hashcat -m 1800 hashes.txt rockyou.txt"), in: Trees.rootLogin).exec()),
                Case("Responder", Actor(Proc.line("/usr/bin/python3.12", "python3 /opt/Responder/Responder.py -I eth0 -wd"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("hashdeep integrity check", Actor(Proc.line("/usr/bin/hashdeep", "hashdeep -r /etc"), in: Trees.rootLogin).exec()),
                Case("an app script named respond", Actor(Proc.line("/usr/bin/python3.12", "python3 /opt/app/respond.py --port 8080"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("kerberos-roasting-tool",
            positives: [
                Case("impacket GetUserSPNs -request", Actor(Proc.line("/usr/bin/python3.12", "python3 /usr/share/doc/python3-impacket/examples/GetUserSPNs.py corp.local/alice:pw -dc-ip 10.0.0.10 -request"), in: Trees.rootLogin).exec()),
                Case("kerbrute userenum", Actor(Proc.line("/tmp/kerbrute", "./kerbrute userenum --dc 10.0.0.10 -d corp.local users.txt", uid: 33), in: Trees.webShell).exec(stdin: .fifo, stdout: .fifo)),
            ],
            negatives: [
                Case("klist", Actor(Proc.line("/usr/bin/klist", "klist", uid: 1000), in: Trees.userLogin).exec()),
            ]),

        RuleFixture("kerberos-tools-from-foothold",
            positives: [
                Case("www-data runs klist", Actor(Proc.line("/usr/bin/klist", "klist", uid: 33), in: Trees.webShell).exec(stdin: .fifo, stdout: .fifo)),
                Case("a python foothold runs kinit with the machine keytab", Actor(Proc.line("/usr/bin/kinit", "kinit -k host/web01.corp.local", uid: 1000), in: Trees.userLogin.spawning(python)).exec()),
            ],
            negatives: [
                Case("administrator kinit in a login shell", Actor(Proc.line("/usr/bin/kinit", "kinit alice@CORP.LOCAL", uid: 1000), in: Trees.userLogin).exec()),
                Case("adcli refreshes the machine account", Actor(Proc.line("/usr/bin/klist", "klist -k"), in: Trees.unit("adcli.service", Proc.line("/usr/sbin/adcli", "adcli update"))).exec()),
            ]),

        RuleFixture("kerberos-credential-cache-theft",
            positives: [
                Case("copy a ticket cache", Actor(Proc.line("/usr/bin/cp", "cp /tmp/krb5cc_1000 /dev/shm/.k"), in: Trees.rootLogin).exec()),
                Case("base64 the machine keytab", Actor(Proc.line("/usr/bin/base64", "base64 -w0 /etc/krb5.keytab"), in: Trees.rootLogin).exec()),
                Case("klist -K prints keytab keys", Actor(Proc.line("/usr/bin/klist", "klist -kK /etc/krb5.keytab"), in: Trees.rootLogin).exec()),
                Case("ticketConverter", Actor(Proc.line("/usr/bin/python3.12", "python3 /opt/impacket/examples/ticketConverter.py a.kirbi a.ccache"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("klist -k lists principals only", Actor(Proc.line("/usr/bin/klist", "klist -k /etc/krb5.keytab"), in: Trees.rootLogin).exec()),
                Case("msktutil maintains the keytab", Actor(Proc.line("/usr/bin/cp", "cp /etc/krb5.keytab /etc/krb5.keytab.old"), in: Trees.unit("msktutil.service", Proc.line("/usr/sbin/msktutil", "msktutil --auto-update"))).exec()),
            ]),

        RuleFixture("cloud-metadata-credentials",
            positives: [
                Case("curl the instance role credentials", Actor(Proc.line("/usr/bin/curl", "curl -s http://169.254.169.254/latest/meta-data/iam/security-credentials/web-role", uid: 33), in: Trees.webShell).exec(stdin: .fifo, stdout: .fifo)),
            ],
            negatives: [
                Case("curl the instance id", Actor(Proc.line("/usr/bin/curl", "curl -s http://169.254.169.254/latest/meta-data/instance-id"), in: Trees.rootLogin).exec()),
                Case("cloud-init fetches credentials", Actor(Proc.line("/usr/bin/curl", "curl -s http://169.254.169.254/latest/meta-data/iam/security-credentials/"), in: Tree([Proc("/usr/bin/python3.12", ["/usr/bin/python3", "/usr/bin/cloud-init", "init"], unit: "cloud-init.service"), Trees.systemd])).exec()),
            ]),

        RuleFixture("shell-history-credential-hunting",
            positives: [
                Case("grep -i pass in root's history", Actor(Proc.line("/usr/bin/grep", "grep -iE pass|token /root/.bash_history"), in: Trees.rootLogin).exec()),
                Case("every user's history at once", Actor(Proc.line("/usr/bin/cat", "cat /home/*/.bash_history"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("a user looks up a docker command in her own history", Actor(Proc.line("/usr/bin/grep", "grep docker /home/alice/.bash_history", uid: 1000), in: Trees.userLogin).exec()),
                Case("grep for password in a log file", Actor(Proc.line("/usr/bin/grep", "grep -c password /var/log/app/app.log"), in: Trees.rootLogin).exec()),
            ]),
    ]
}
