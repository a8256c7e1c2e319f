import MamoriEvents

extension Fixtures {
    static let lateralMovement: [RuleFixture] = [
        RuleFixture("ssh-remote-command-runs-staged-tool",
            positives: [
                Case("chmod +x and run a pushed tool through an ssh remote command",
                     Actor(Proc("/usr/bin/ssh", ["ssh", "-o", "BatchMode=yes", "-p", "2222", "root@10.0.0.9", "chmod +x /tmp/tool && /tmp/tool"]), in: Trees.rootLogin).exec()),
                Case("sh on a script staged in /dev/shm",
                     Actor(Proc("/usr/bin/ssh", ["ssh", "deploy@10.0.0.9", "sh /dev/shm/.x"]), in: Trees.userLogin).exec()),
                Case("remote command is the staged binary itself",
                     Actor(Proc("/usr/bin/ssh", ["ssh", "web2.internal", "/var/tmp/kit"]), in: Trees.userLogin).exec()),
            ],
            negatives: [
                Case("reading a log in another host's /tmp",
                     Actor(Proc("/usr/bin/ssh", ["ssh", "web2.internal", "cat /tmp/build.log"]), in: Trees.userLogin).exec()),
                Case("running an installed maintenance script remotely",
                     Actor(Proc("/usr/bin/ssh", ["ssh", "root@10.0.0.9", "/usr/local/sbin/rotate-logs && systemctl reload nginx"]), in: Trees.rootLogin).exec()),
                Case("an ssh client config file in /tmp (not a remote command)",
                     Actor(Proc("/usr/bin/ssh", ["ssh", "-F", "/tmp/ssh_config", "web2.internal", "uptime"]), in: Trees.userLogin).exec()),
            ]),
        RuleFixture("ssh-key-from-unusual-context",
            positives: [
                Case("stolen key from /tmp", Actor(Proc.line("/usr/bin/ssh", "ssh -i /tmp/.k/id_rsa -o StrictHostKeyChecking=no root@10.0.0.7", uid: 1000), in: Trees.userLogin).exec()),
                Case("a python foothold uses root's key", Actor(Proc.line("/usr/bin/ssh", "ssh -i /root/.ssh/id_rsa root@10.0.0.8 id", uid: 33), in: Trees.webShell.spawning(Proc("/usr/bin/python3.12", ["python3", "-c", "import os"], uid: 33))).exec(stdin: .fifo, stdout: .fifo)),
            ],
            negatives: [
                Case("administrator uses a deploy key from ~/.ssh", Actor(Proc.line("/usr/bin/ssh", "ssh -i /home/alice/.ssh/deploy_key git@github.com", uid: 1000), in: Trees.userLogin).exec()),
                Case("Ansible connects with a key", Actor(Proc.line("/usr/bin/ssh", "ssh -o IdentityFile=/tmp/ansible-key -o ControlMaster=auto root@10.0.0.9"),
                                                           in: Trees.rootLogin.spawning(Proc.line("/usr/bin/python3.12", "/usr/bin/python3 /usr/bin/ansible-playbook site.yml"))).exec()),
            ]),

        RuleFixture("ssh-fanout-to-many-hosts",
            positives: [
                Case("ssh to five hosts with a harvested key", (1...5).map { i in
                    Actor(Proc.line("/usr/bin/ssh", "ssh -o BatchMode=yes root@10.0.5.\(i) id", uid: 1000), in: Trees.userLogin).connect("10.0.5.\(i)", 22, at: 100 + Double(i) * 5)
                }),
            ],
            negatives: [
                Case("pssh across ten hosts", (1...10).map { i in
                    Actor(Proc.line("/usr/bin/ssh", "ssh -o BatchMode=yes root@10.0.6.\(i) uptime"), in: Trees.rootLogin.spawning(Proc.line("/usr/bin/python3.12", "/usr/bin/python3 /usr/bin/pssh -h hosts uptime"))).connect("10.0.6.\(i)", 22, at: 100 + Double(i))
                }),
                Case("three hosts", (1...3).map { i in
                    Actor(Proc.line("/usr/bin/ssh", "ssh db\(i)", uid: 1000), in: Trees.userLogin).connect("10.0.7.\(i)", 22, at: 100 + Double(i))
                }),
            ]),

        RuleFixture("remote-copy-then-execute",
            positives: [
                Case("scp drops a binary, a later login runs it", [
                    Actor(Proc.line("/usr/bin/scp", "scp -t /tmp/", uid: 1000), in: Tree([Proc.shell("scp -t /tmp/", uid: 1000), Proc("/usr/sbin/sshd", ["sshd: alice@notty"], unit: "session-7.scope", uid: 1000), Trees.sshd, Trees.systemd]))
                        .file(.create, "/tmp/agent", mode: 0o755, at: 100),
                    Actor(Proc("/tmp/agent", ["./agent", "--daemon"], uid: 1000), in: Trees.userLogin).exec(at: 160),
                ]),
            ],
            negatives: [
                Case("scp copies a document; another file is run", [
                    Actor(Proc.line("/usr/bin/scp", "scp -t /tmp/", uid: 1000), in: Tree([Proc.shell("scp -t /tmp/", uid: 1000), Proc("/usr/sbin/sshd", ["sshd: alice@notty"], unit: "session-7.scope", uid: 1000), Trees.sshd, Trees.systemd]))
                        .file(.create, "/tmp/report.pdf", at: 100),
                    Actor(Proc("/tmp/build/app", ["./app"], uid: 1000), in: Trees.userLogin).exec(at: 160),
                ]),
                Case("the file is run by another user", [
                    Actor(Proc.line("/usr/bin/scp", "scp -t /tmp/", uid: 1000), in: Tree([Proc.shell("scp -t /tmp/", uid: 1000), Proc("/usr/sbin/sshd", ["sshd: alice@notty"], unit: "session-7.scope", uid: 1000), Trees.sshd, Trees.systemd]))
                        .file(.create, "/tmp/agent", mode: 0o755, at: 100),
                    Actor(Proc("/tmp/agent", ["./agent"], uid: 1001), in: Tree([Proc("/usr/bin/bash", ["-bash"], uid: 1001, pid: 2300, session: 2300), Trees.sshd, Trees.systemd])).exec(at: 160),
                ]),
            ]),

        RuleFixture("windows-remote-execution-tool",
            positives: [
                Case("impacket wmiexec", Actor(Proc.line("/usr/bin/python3.12", "/usr/bin/python3 /usr/bin/impacket-wmiexec corp/alice:pw@10.0.0.30"), in: Trees.rootLogin).exec()),
                Case("NetExec runs a command", Actor(Proc.line("/usr/bin/python3.12", "/usr/bin/python3 /usr/local/bin/nxc smb 10.0.0.30 -u alice -p pw -x whoami"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("installing impacket", Actor(Proc.line("/usr/bin/python3.12", "python3 -m pip install impacket"), in: Trees.rootLogin).exec()),
            ]),
    ]
}
