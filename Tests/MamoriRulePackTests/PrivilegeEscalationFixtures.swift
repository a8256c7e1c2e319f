import MamoriEvents

extension Fixtures {
    static let privilegeEscalation: [RuleFixture] = [
        RuleFixture("setuid-bit-set",
            positives: [
                Case("chmod u+s on a copied shell", Actor(Proc.line("/usr/bin/chmod", "chmod u+s /var/tmp/.b"), in: Trees.rootLogin).file(.chmod, "/var/tmp/.b", mode: 0o4755)),
                Case("python os.chmod 06755", Actor(python, in: Trees.rootLogin).file(.chmod, "/home/alice/tool", mode: 0o6755)),
            ],
            negatives: [
                Case("setgid shared directory", Actor(Proc.line("/usr/bin/chmod", "chmod 2775 /srv/shared"), in: Trees.rootLogin).file(.chmod, "/srv/shared", mode: 0o2775)),
                Case("dpkg installs a setuid helper", Actor(Trees.dpkg, in: Tree(Array(Trees.dpkgTree.ancestors.dropFirst()))).file(.chmod, "/usr/bin/passwd", mode: 0o4755)),
            ]),

        RuleFixture("sudoers-modified",
            positives: [
                Case("echo NOPASSWD >> /etc/sudoers", rootShell.file(.openWrite, "/etc/sudoers")),
                Case("tee into sudoers.d", Actor(Proc.line("/usr/bin/tee", "tee /etc/sudoers.d/90-cloud"), in: Trees.rootLogin).file(.create, "/etc/sudoers.d/90-cloud")),
            ],
            negatives: [
                Case("the editor started by visudo", Actor(vim, in: Trees.rootLogin.spawning(Proc.line("/usr/sbin/visudo", "visudo"))).file(.openWrite, "/etc/sudoers.tmp")),
                Case("visudo installs the checked file", Actor(Proc.line("/usr/sbin/visudo", "visudo"), in: Trees.rootLogin).file(.rename, "/etc/sudoers.tmp", to: "/etc/sudoers")),
            ]),

        RuleFixture("sudo-privilege-enumeration",
            positives: [
                Case("www-data runs sudo -l", Actor(Proc.line("/usr/bin/sudo", "sudo -l", uid: 33), in: Trees.webShell).exec(stdin: .fifo, stdout: .fifo)),
                Case("a python foothold runs sudo -n -l", Actor(Proc.line("/usr/bin/sudo", "sudo -n -l", uid: 1000), in: Trees.userLogin.spawning(python)).exec()),
            ],
            negatives: [
                Case("administrator checks their rights", Actor(Proc.line("/usr/bin/sudo", "sudo -l", uid: 1000), in: Trees.userLogin).exec()),
                Case("a service account lists databases through sudo", Actor(Proc.line("/usr/bin/sudo", "sudo -u postgres psql -l", uid: 33), in: Trees.webShell).exec(stdin: .fifo, stdout: .fifo)),
                Case("www-data's python runs sudo for a listed command", Actor(Proc.line("/usr/bin/sudo", "sudo /usr/local/bin/reload-app", uid: 33), in: Trees.webShell).exec(stdin: .fifo, stdout: .fifo)),
            ]),

        RuleFixture("privesc-enumeration-script",
            positives: [
                Case("sh linpeas.sh", Actor(Proc("/usr/bin/dash", ["sh", "linpeas.sh"], uid: 1000), in: Trees.userLogin).exec()),
                Case("pspy64 from /tmp", Actor(Proc("/tmp/pspy64", ["./pspy64", "-pf"], uid: 1000), in: Trees.userLogin).exec()),
            ],
            negatives: [
                Case("an ordinary maintenance script", Actor(Proc("/usr/bin/dash", ["sh", "./linux-update.sh"]), in: Trees.rootLogin).exec()),
                Case("a script whose name merely ends in les.sh", Actor(Proc("/usr/bin/bash", ["bash", "/usr/local/bin/rotate-files.sh"]), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("setuid-binary-search",
            positives: [
                Case("find / -perm -4000", Actor(Proc.line("/usr/bin/find", "find / -perm -4000 -type f", uid: 33), in: Trees.webShell).exec(stdin: .fifo, stdout: .fifo)),
                Case("find / -perm -u=s", Actor(Proc.line("/usr/bin/find", "find / -perm -u=s -type f", uid: 1000), in: Trees.userLogin).exec()),
            ],
            negatives: [
                Case("find files by ordinary permissions", Actor(Proc.line("/usr/bin/find", "find /var/www -perm 644 -type f"), in: Trees.rootLogin).exec()),
                Case("lynis audit", Actor(Proc.line("/usr/bin/find", "find / -perm -4000 -type f"), in: Trees.rootLogin.spawning(Proc("/usr/sbin/lynis", ["lynis", "audit", "system"]))).exec()),
            ]),

        RuleFixture("capability-granted-to-interpreter",
            positives: [
                Case("cap_setuid on python", Actor(Proc.line("/usr/sbin/setcap", "setcap cap_setuid+ep /usr/bin/python3.12"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("bind low ports for a web server", Actor(Proc.line("/usr/sbin/setcap", "setcap cap_net_bind_service=+ep /usr/local/bin/caddy"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("kernel-module-from-unusual-path",
            positives: [
                Case("insmod /tmp/diamorphine.ko", Actor(Proc.line("/usr/bin/kmod", "insmod /tmp/diamorphine.ko"), in: Trees.rootLogin).exec()),
                Case("insmod from a hidden directory", Actor(Proc.line("/usr/sbin/insmod", "insmod /var/lib/.cache/rk.ko"), in: Trees.rootLogin).exec()),
                Case("busybox insmod applet from /tmp", Actor(Proc.line("/usr/bin/busybox", "busybox insmod /tmp/.m.ko"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("modprobe by name", Actor(Proc.line("/usr/bin/kmod", "modprobe nf_conntrack"), in: Trees.rootLogin).exec()),
                Case("insmod from /lib/modules", Actor(Proc.line("/usr/bin/kmod", "insmod /lib/modules/6.8.0-45-generic/updates/dkms/zfs.ko.zst"), in: Trees.rootLogin).exec()),
                Case("busybox lsmod", Actor(Proc.line("/usr/bin/busybox", "busybox lsmod /tmp/x.ko"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("nsenter-host-init-namespaces",
            positives: [
                Case("escape from a privileged container", Actor(Proc.line("/usr/bin/nsenter", "nsenter -t 1 -m -u -i -n -p -- /bin/sh"), in: Trees.rootLogin).exec()),
                Case("--target=1 with all namespaces", Actor(Proc.line("/usr/bin/nsenter", "nsenter --all --target=1 bash"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("entering a container's network namespace by its PID", Actor(Proc.line("/usr/bin/nsenter", "nsenter -t 14231 -n ip addr"), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("host-block-device-mounted",
            positives: [
                Case("host root disk mounted inside a container shell", Actor(Proc.line("/usr/bin/mount", "mount /dev/sda1 /mnt/host"), in: Trees.rootLogin).exec()),
                Case("NVMe partition with options", Actor(Proc.line("/usr/bin/mount", "mount -o rw /dev/nvme0n1p2 /tmp/h"), in: Trees.rootLogin).exec()),
            ],
            negatives: [
                Case("loop-mounting an ISO", Actor(Proc.line("/usr/bin/mount", "mount -o loop /root/ubuntu.iso /mnt/iso"), in: Trees.rootLogin).exec()),
                Case("listing mounts", Actor(Proc.line("/usr/bin/mount", "mount"), in: Trees.rootLogin).exec()),
            ]),
    ]
}
