import MamoriEvents

/// Signals attackers leave on files (issue 11): mass deletion, log and history wiping, raw
/// block-device writes, file capabilities and immutable flags — each by whatever tool, beside
/// its routine twin (a build cleaning its objects, logrotate, mkfs, a package's setcap).
extension Fixtures {
    static let capSetuid: UInt64 = 1 << 7, capNetRaw: UInt64 = 1 << 13, capNetBindService: UInt64 = 1 << 10
    static let immutableFlag: Int32 = 0x10

    static func deletions(_ actor: Actor, _ paths: [String]) -> [Step] {
        paths.enumerated().map { i, p in actor.file(.unlink, p, at: 100 + Double(i) * 0.05) }
    }

    static let fileSignals: [RuleFixture] = [
        RuleFixture("mass-file-deletion",
            positives: [
                Case("rm -rf of a data tree", deletions(Actor(Proc.line("/usr/bin/rm", "rm -rf srv/data"), in: Trees.rootLogin),
                                                       (0..<120).map { "/srv/data/r\($0).dat" })),
                Case("a wiper walking home directories", deletions(Actor(Proc("/var/tmp/.w", ["w", "/home"]), in: Trees.rootLogin),
                                                                  (0..<120).map { "/home/alice/Documents/doc\($0).odt" })),
            ],
            negatives: [
                Case("rm -rf of a build directory", deletions(Actor(Proc.line("/usr/bin/rm", "rm -rf build"), in: Trees.userLogin),
                                                             (0..<150).map { "/home/alice/proj/build/o\($0).o" })),
                Case("make clean deleting sources' objects", deletions(
                    Actor(Proc.line("/usr/bin/rm", "rm -f app src/*.o"), in: Trees.userLogin.spawning(Proc.line("/usr/bin/make", "make clean"))),
                    (0..<150).map { "/home/alice/proj/src/gen\($0).c" })),
                Case("rm -rf node_modules", deletions(Actor(Proc.line("/usr/bin/rm", "rm -rf node_modules"), in: Trees.userLogin),
                                                     (0..<150).map { "/home/alice/web/node_modules/pkg\($0)/index.js" })),
                Case("fifty deletions", deletions(Actor(Proc.line("/usr/bin/rm", "rm -rf old"), in: Trees.rootLogin),
                                                 (0..<50).map { "/srv/old/f\($0).dat" })),
            ]),

        RuleFixture("log-files-truncated-burst",
            positives: [
                Case("`: >` on three logs from a shell", ["app/app.log", "app/error.log", "nginx/access.log"].enumerated().map { i, f in
                    Actor(Trees.rootLoginShell, in: Tree(Array(Trees.rootLogin.ancestors.dropFirst()))).file(.truncate, "/var/log/\(f)", at: 100 + Double(i))
                }),
                Case("truncate -s0 of several logs", ["a.log", "b.log", "c.log", "d.log"].enumerated().map { i, f in
                    Actor(Proc.line("/usr/bin/truncate", "truncate -s0 /var/log/app/*.log"), in: Trees.rootLogin).file(.truncate, "/var/log/app/\(f)", at: 100 + Double(i) * 0.1)
                }),
            ],
            negatives: [
                Case("logrotate copytruncate", ["a.log", "b.log", "c.log", "d.log"].enumerated().map { i, f in
                    Actor(logrotate.ancestors[0], in: Tree(Array(logrotate.ancestors.dropFirst()))).file(.truncate, "/var/log/app/\(f)", at: 100 + Double(i) * 0.1)
                }),
                Case("one log emptied by hand", Actor(Proc.line("/usr/bin/truncate", "truncate -s0 /var/log/app/big.log"), in: Trees.rootLogin).file(.truncate, "/var/log/app/big.log")),
                Case("three scratch files emptied", ["a.log", "b.log", "c.log"].enumerated().map { i, f in
                    Actor(Proc.line("/usr/bin/truncate", "truncate -s0 *.log"), in: Trees.rootLogin).file(.truncate, "/tmp/logs/\(f)", at: 100 + Double(i) * 0.1)
                }),
            ]),

        RuleFixture("history-file-removed-by-command",
            positives: [
                Case("rm -f /root/.bash_history", Actor(Proc.line("/usr/bin/rm", "rm -f /root/.bash_history"), in: Trees.rootLogin).exec()),
                Case("shred -u of a MySQL history", Actor(Proc.line("/usr/bin/shred", "shred -u /home/alice/.mysql_history"), in: Trees.userLogin).exec()),
                Case("truncate of ~/.zsh_history", Actor(Proc.line("/usr/bin/truncate", "truncate -s 0 .zsh_history"), in: Trees.userLogin).exec()),
            ],
            negatives: [
                Case("rm of a file named like a history backup in a project", Actor(Proc.line("/usr/bin/rm", "rm -f docs/bash_history.md"), in: Trees.userLogin).exec()),
                Case("grep in a history file", Actor(Proc.line("/usr/bin/grep", "grep ssh /root/.bash_history"), in: Trees.rootLogin).exec()),
                Case("userdel -r removes a home", Actor(Proc.line("/usr/bin/rm", "rm -rf /home/bob/.bash_history"), in: Trees.rootLogin.spawning(Proc.line("/usr/sbin/userdel", "userdel -r bob"))).exec()),
            ]),

        RuleFixture("block-device-opened-for-writing",
            positives: [
                Case("dd onto a loop device", Actor(Proc.line("/usr/bin/dd", "dd if=/dev/zero of=/dev/loop3 bs=64k count=4"), in: Trees.rootLogin).file(.truncate, "/dev/loop3")),
                Case("a script writing a disk", Actor(python, in: Trees.rootLogin).file(.openWrite, "/dev/sda")),
                Case("cat > an NVMe partition", Actor(Trees.rootLoginShell, in: Tree(Array(Trees.rootLogin.ancestors.dropFirst()))).file(.truncate, "/dev/nvme0n1p2")),
            ],
            negatives: [
                Case("mkfs.ext4 formats a new volume", Actor(Proc.line("/usr/sbin/mkfs.ext4", "mkfs.ext4 /dev/vdb1"), in: Trees.rootLogin).file(.openWrite, "/dev/vdb1")),
                Case("losetup attaches an image", Actor(Proc.line("/usr/sbin/losetup", "losetup -f --show disk.img"), in: Trees.rootLogin).file(.openWrite, "/dev/loop0")),
                Case("a write to /dev/null", Actor(Proc.line("/usr/bin/dd", "dd if=/dev/zero of=/dev/null"), in: Trees.rootLogin).file(.truncate, "/dev/null")),
                Case("a terminal write", Actor(python, in: Trees.rootLogin).file(.openWrite, "/dev/pts/3")),
            ]),

        RuleFixture("activity-file-capability-granted",
            positives: [
                Case("setcap cap_setuid+ep on a copied interpreter", tool("setcap cap_setuid+ep ./py", exe: "/usr/sbin/setcap")
                    .activity(.xattrSet, flags: .noResult, args: (0x0200_0001, capSetuid, 0, 0xffff_ffff), path: "/tmp/x/py", path2: "security.capability")),
                Case("a program writing the xattr itself", tool("python3 grant.py")
                    .activity(.xattrSet, flags: .noResult, args: (0x0200_0001, capSetuid | capNetRaw, 0, 0xffff_ffff), path: "/usr/local/bin/helper")),
            ],
            negatives: [
                Case("setcap cap_net_raw on ping", tool("setcap cap_net_raw+ep /usr/bin/ping", exe: "/usr/sbin/setcap")
                    .activity(.xattrSet, flags: .noResult, args: (0x0200_0001, capNetRaw, 0, 0xffff_ffff), path: "/usr/bin/ping")),
                Case("a package's postinst grants cap_setuid", Actor(Proc.line("/usr/sbin/setcap", "setcap cap_setuid+ep /usr/lib/x/helper"),
                        in: Trees.rootLogin.spawning(Proc.line("/usr/bin/dpkg", "dpkg --configure -a")))
                    .activity(.xattrSet, flags: .noResult, args: (0x0200_0001, capSetuid, 0, 0xffff_ffff), path: "/usr/lib/x/helper")),
            ]),

        RuleFixture("activity-immutable-attribute-set",
            positives: [
                Case("chattr +i on a dropped file", tool("chattr +i keep", exe: "/usr/bin/chattr")
                    .activity(.fileFlags, value: immutableFlag, flags: .noResult, path: "/tmp/x/keep")),
                Case("append-only set by a script", tool("python3 lock.py")
                    .activity(.fileFlags, value: 0x20, flags: .noResult, path: "/var/log/auth.log")),
            ],
            negatives: [
                Case("chattr -i clears it", tool("chattr -i keep", exe: "/usr/bin/chattr")
                    .activity(.fileFlags, value: 0, flags: .noResult, args: (0x4008_6602, UInt64(immutableFlag), 0, 0), path: "/tmp/x/keep")),
                Case("chattr +i from a package script", Actor(Proc.line("/usr/bin/chattr", "chattr +i /etc/x"),
                        in: Trees.rootLogin.spawning(Proc.line("/usr/bin/dpkg", "dpkg -i x.deb")))
                    .activity(.fileFlags, value: immutableFlag, flags: .noResult, path: "/etc/x")),
            ]),
    ]
}

extension Fixtures {
    static let credentialStores: [RuleFixture] = [
        RuleFixture("credential-store-read-by-other-program",
            positives: [
                Case("cat of root's AWS credentials", Actor(Proc.line("/usr/bin/cat", "cat /root/.aws/credentials"), in: Trees.rootLogin).file(.openRead, "/root/.aws/credentials")),
                Case("a python stealer reading a user's kubeconfig", Actor(python, in: Trees.rootLogin).file(.openRead, "/home/alice/.kube/config")),
                Case("a copied tool reading docker registry auth", Actor(Proc("/tmp/.x/sysupd", ["sysupd"]), in: Trees.rootLogin).file(.openRead, "/home/bob/.docker/config.json")),
            ],
            negatives: [
                Case("the aws CLI (python) reading its own file", Actor(Proc.line("/usr/bin/python3", "/usr/bin/python3 /usr/local/bin/aws s3 ls"), in: Trees.userLogin).file(.openRead, "/home/alice/.aws/credentials")),
                Case("kubectl reading the kubeconfig", Actor(Proc.line("/usr/local/bin/kubectl", "kubectl get pods"), in: Trees.userLogin).file(.openRead, "/home/alice/.kube/config")),
                Case("git reading its credential file", Actor(Proc.line("/usr/lib/git-core/git-credential-store", "git credential-store get"), in: Trees.userLogin).file(.openRead, "/home/alice/.git-credentials")),
                Case("a project file with a store-like name", Actor(Proc.line("/usr/bin/cat", "cat fixtures/.kube/config"), in: Trees.userLogin).file(.openRead, "/home/alice/proj/fixtures/.kube/config")),
            ]),
    ]
}
