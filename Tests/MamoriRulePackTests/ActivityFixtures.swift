import MamoriEvents

/// The `activity` rules (rules/*/activity-*.yml) and the exec/delete fileless rules: each
/// behaviour by whatever tool, and its benign twin (a debugger on its own child, a package
/// manager restoring times, a shell stopping its own jobs, ...).
extension Fixtures {
    static let sshdService = Proc("/usr/sbin/sshd", ["sshd: alice [priv]"], unit: "ssh.service", pid: 1901)
    static let postgresServer = Proc("/usr/lib/postgresql/15/bin/postgres", ["postgres"], unit: "postgresql.service", uid: 115, pid: 1500)
    static let utimeNow: UInt64 = (1 << 30) - 1
    static let proc_mem: Int32 = 1, proc_environ: Int32 = 2

    static func tool(_ line: String, exe: String = "/usr/bin/python3") -> Actor {
        Actor(Proc.line(exe, line), in: Trees.rootLogin)
    }

    static let activity: [RuleFixture] = [
        RuleFixture("activity-process-memory-read",
            positives: [
                Case("python process_vm_readv of sshd", tool("python3 dump.py 1901").activity(.vmRead, result: 4096, target: sshdService)),
                Case("dd of /proc/<pid>/mem of postgres",
                     tool("dd if=/proc/1500/mem", exe: "/usr/bin/dd").activity(.procAccess, value: proc_mem, flags: .read, target: postgresServer)),
            ],
            negatives: [
                Case("gdb reading the program it started",
                     tool("gdb ./a.out", exe: "/usr/bin/gdb").activity(.vmRead, result: 64, target: Proc("/home/alice/a.out", pid: 4200), descendant: true)),
            ]),
        RuleFixture("activity-process-memory-write",
            positives: [
                Case("/proc/<pid>/mem of sshd opened read-write",
                     tool("python3 inject.py").activity(.procAccess, value: proc_mem, flags: [.read, .write], target: sshdService)),
                Case("process_vm_writev into postgres", tool("python3 inject.py").activity(.vmWrite, result: 128, target: postgresServer)),
                Case("PTRACE_POKETEXT into sshd", tool("python3 inject.py").activity(.ptrace, value: 4, target: sshdService)),
            ],
            negatives: [
                Case("a process writing its own memory through /proc/self/mem",
                     tool("python3 jit.py").activity(.procAccess, value: proc_mem, flags: [.read, .write, .targetIsSelf],
                                                      target: Proc("/usr/bin/python3", ["python3", "jit.py"], pid: 4300), descendant: true)),
            ]),
        RuleFixture("activity-ptrace-attach-foreign",
            positives: [
                Case("strace -p of sshd", tool("strace -p 1901", exe: "/usr/bin/strace").activity(.ptrace, value: 0x4206, target: sshdService)),
                Case("gdb -p of postgres", tool("gdb -p 1500", exe: "/usr/bin/gdb").activity(.ptrace, value: 16, target: postgresServer)),
            ],
            negatives: [
                Case("strace of the command it starts",
                     tool("strace ls", exe: "/usr/bin/strace").activity(.ptrace, value: 0x4206, target: Proc("/usr/bin/ls", pid: 4400), descendant: true)),
            ]),
        RuleFixture("activity-fileless-memfd-exec",
            positives: [
                Case("exec from a memfd", Actor(Proc("/memfd:payload (deleted)", ["payload"]), in: Trees.rootLogin).exec(flags: [.exeDeleted, .exeMemfd])),
            ],
            negatives: [
                Case("an ordinary exec", Actor(Proc("/usr/bin/true", ["true"]), in: Trees.rootLogin).exec()),
            ]),
        RuleFixture("activity-deleted-binary-exec",
            positives: [
                Case("exec of an unlinked file through its fd", Actor(Proc("/tmp/x/dropper", ["dropper"]), in: Trees.rootLogin).exec(flags: [.exeDeleted])),
            ],
            negatives: [
                Case("exec of a file on disk", Actor(Proc("/tmp/x/dropper", ["dropper"]), in: Trees.rootLogin).exec()),
            ]),
        RuleFixture("activity-running-binary-deleted",
            positives: [
                Case("an implant's child removing the implant",
                     Actor(Proc.line("/usr/bin/rm", "rm -f /tmp/.x/implant"),
                           in: Trees.rootLogin.spawning(Proc("/tmp/.x/implant", ["implant"]))).file(.unlink, "/tmp/.x/implant")),
            ],
            negatives: [
                Case("rm of an unrelated file", Actor(Proc.line("/usr/bin/rm", "rm -f /tmp/build/a.out"), in: Trees.rootLogin).file(.unlink, "/tmp/build/a.out")),
                Case("dpkg replacing the binary of a running service",
                     Actor(Proc.line("/usr/bin/dpkg", "dpkg --unpack"), in: Trees.dpkgTree.spawning(Proc("/usr/bin/dpkg", ["/usr/bin/dpkg"]))).file(.unlink, "/usr/bin/dpkg")),
            ]),
        RuleFixture("activity-timestomp-system-path",
            positives: [
                Case("touch -r onto a planted binary",
                     tool("touch -r /usr/bin/ls /usr/bin/.helper", exe: "/usr/bin/touch").activity(.utimes, args: (978_307_200, 0, 978_307_200, 0), path: "/usr/bin/.helper")),
                Case("python os.utime on /etc/cron.d/job",
                     tool("python3 -c os.utime").activity(.utimes, args: (978_307_200, 0, 978_307_200, 0), path: "/etc/cron.d/job")),
            ],
            negatives: [
                Case("plain touch (now) on a system file",
                     tool("touch /etc/motd", exe: "/usr/bin/touch").activity(.utimes, flags: .timesNull, path: "/etc/motd")),
                Case("touch -d on a build file",
                     tool("touch -d 2001-01-01 /home/alice/src/a.c", exe: "/usr/bin/touch").activity(.utimes, args: (978_307_200, 0, 978_307_200, 0), path: "/home/alice/src/a.c")),
                Case("dpkg restoring times of what it unpacks",
                     Actor(Proc.line("/usr/bin/dpkg", "dpkg --unpack"), in: Trees.dpkgTree).activity(.utimes, args: (978_307_200, 0, 978_307_200, 0), path: "/usr/bin/ls")),
                Case("tar extracting into /usr/local",
                     tool("tar xf app.tgz -C /usr/local", exe: "/usr/bin/tar").activity(.utimes, args: (978_307_200, 0, 978_307_200, 0), path: "/usr/local/bin/app")),
            ]),
        RuleFixture("activity-security-sysctl-write",
            positives: [
                Case("ASLR turned off", tool("sysctl -w kernel.randomize_va_space=0", exe: "/usr/sbin/sysctl")
                    .activity(.sysctlWrite, flags: .write, path: "/proc/sys/kernel/randomize_va_space")),
                Case("core_pattern set to a pipe with echo", tool("bash -c echo", exe: "/usr/bin/bash")
                    .activity(.sysctlWrite, flags: .write, path: "/proc/sys/kernel/core_pattern")),
            ],
            negatives: [
                Case("an ordinary tuning sysctl", tool("sysctl -w vm.swappiness=10", exe: "/usr/sbin/sysctl")
                    .activity(.sysctlWrite, flags: .write, path: "/proc/sys/vm/swappiness")),
                Case("systemd-sysctl at boot", Actor(Proc("/usr/lib/systemd/systemd-sysctl", unit: "systemd-sysctl.service"), in: Tree([Trees.systemd]))
                    .activity(.sysctlWrite, flags: .write, path: "/proc/sys/kernel/kptr_restrict")),
            ]),
        RuleFixture("activity-kernel-module-load",
            positives: [
                Case("insmod of a module from /tmp", tool("insmod /tmp/.m.ko", exe: "/usr/bin/kmod")
                    .activity(.moduleLoad, result: -8, args: (0, 1, 0, 0), path: "/tmp/.m.ko")),
            ],
            negatives: [
                Case("udev loading a driver on hotplug",
                     Actor(Proc.line("/usr/bin/kmod", "modprobe -b pci:v00008086"), in: Tree([Proc("/usr/lib/systemd/systemd-udevd", unit: "systemd-udevd.service", pid: 400), Trees.systemd]))
                        .activity(.moduleLoad, args: (0, 1, 0, 0), path: "/usr/lib/modules/6.1.0/kernel/drivers/net/e1000e.ko")),
            ]),
        RuleFixture("activity-mass-process-kill",
            positives: [
                Case("kill -9 of six services", (0..<6).map { i in
                    tool("kill -9 ...", exe: "/usr/bin/kill").activity(.kill, value: 9, target: Proc("/usr/sbin/svc\(i)", unit: "svc\(i).service", pid: 1600 + UInt32(i)), at: 100 + Double(i))
                }),
            ],
            negatives: [
                Case("a shell stopping ten of its own jobs", (0..<10).map { i in
                    tool("bash", exe: "/usr/bin/bash").activity(.kill, value: 15, target: Proc("/usr/bin/sleep", pid: 5600 + UInt32(i)), descendant: true, at: 100 + Double(i))
                }),
                Case("killall of ten workers of one program", (0..<10).map { i in
                    tool("killall -9 chrome", exe: "/usr/bin/killall").activity(.kill, value: 9, target: Proc("/opt/google/chrome/chrome", pid: 5800 + UInt32(i)), at: 100 + Double(i))
                }),
                Case("one service signalled ten times", (0..<10).map { i in
                    tool("kill -HUP 1500", exe: "/usr/bin/kill").activity(.kill, value: 1, target: postgresServer, at: 100 + Double(i))
                }),
            ]),
        RuleFixture("activity-foreign-environ-read",
            positives: [
                Case("cat /proc/<pid>/environ of postgres", tool("cat /proc/1500/environ", exe: "/usr/bin/cat")
                    .activity(.procAccess, value: proc_environ, flags: .read, target: postgresServer)),
            ],
            negatives: [
                Case("a shell reading its child's environ", tool("bash", exe: "/usr/bin/bash")
                    .activity(.procAccess, value: proc_environ, flags: .read, target: Proc("/usr/bin/sleep", pid: 5700), descendant: true)),
                Case("ps reading environs while listing", Actor(Proc.line("/usr/bin/ps", "ps aux"), in: Trees.rootLogin)
                    .activity(.procAccess, value: proc_environ, flags: .read, target: postgresServer)),
                Case("cmdline of another process (ps)", tool("ps aux", exe: "/usr/bin/ps")
                    .activity(.procAccess, value: 7, flags: .read, target: postgresServer)),
            ]),
        RuleFixture("activity-block-device-mount-scratch",
            positives: [
                Case("loop image mounted under /tmp", tool("mount -o loop disk.img mnt", exe: "/usr/bin/mount")
                    .activity(.mount, name: "ext4", path: "/tmp/work/mnt", path2: "/dev/loop0")),
                Case("host disk mounted from a container",
                     Actor(Proc.line("/usr/bin/mount", "mount /dev/sda1 /mnt", unit: "docker-4f2a.scope"), in: Tree([Proc("/bin/sh", unit: "docker-4f2a.scope", pid: 7000)]))
                        .activity(.mount, name: "ext4", path: "/mnt", path2: "/dev/sda1")),
            ],
            negatives: [
                Case("an admin mounting a data disk on /srv", tool("mount /dev/sdb1 /srv/data", exe: "/usr/bin/mount")
                    .activity(.mount, name: "ext4", path: "/srv/data", path2: "/dev/sdb1")),
                Case("tmpfs under /tmp", tool("mount -t tmpfs tmpfs /tmp/x", exe: "/usr/bin/mount")
                    .activity(.mount, name: "tmpfs", path: "/tmp/x", path2: "tmpfs")),
            ]),
        RuleFixture("activity-cgroup-v1-mount",
            positives: [
                Case("mount -t cgroup -o rdma", tool("mount -t cgroup -o rdma cgroup cg", exe: "/usr/bin/mount")
                    .activity(.mount, result: -16, name: "cgroup", path: "/tmp/w/cg", path2: "cgroup")),
            ],
            negatives: [
                Case("cgroup2 mount", tool("mount -t cgroup2 none /sys/fs/cgroup", exe: "/usr/bin/mount")
                    .activity(.mount, name: "cgroup2", path: "/sys/fs/cgroup", path2: "none")),
            ]),
    ]
}
