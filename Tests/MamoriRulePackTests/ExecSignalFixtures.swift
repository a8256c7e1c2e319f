import MamoriEvents

/// Fixtures of the exec-time and namespace signals: loader variables in the environment,
/// interpreters' inline code spawning shells, deletion of a running program's file, user
/// namespaces created by unprivileged users, setns into the host's namespaces.
extension Fixtures {
    static let CLONE_NEWUSER: Int32 = 0x1000_0000, CLONE_NEWNS: Int32 = 0x0002_0000, CLONE_NEWUTS: Int32 = 0x0400_0000
    /// The host's initial UTS namespace inode (PROC_UTS_INIT_INO).
    static let initialUTS: UInt64 = 0xEFFF_FFFE
    static let nobodyShell = Tree([Proc("/usr/bin/bash", ["bash"], unit: "session-4.scope", uid: 65534, pid: 2600, session: 2100)]
                                  + Trees.userLogin.ancestors)

    static let execSignals: [RuleFixture] = [
        RuleFixture("ld-preload-env-writable-path",
            positives: [
                Case("LD_PRELOAD=$PWD/libhook.so /bin/true in /tmp",
                     Actor(Proc("/usr/bin/true", ["/bin/true"]), in: Trees.rootLogin).exec(loaderEnvironment: ["LD_PRELOAD=/tmp/eval/libhook.so"])),
                Case("LD_AUDIT of a relative library",
                     Actor(Proc("/usr/bin/sudo", ["sudo", "-l"], uid: 1000), in: Trees.userLogin).exec(loaderEnvironment: ["LD_AUDIT=./a.so"])),
                Case("LD_PRELOAD list whose second entry is in /dev/shm",
                     Actor(Proc("/usr/sbin/sshd", ["sshd"]), in: Trees.rootLogin).exec(loaderEnvironment: ["LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2:/dev/shm/.h.so"])),
                Case("LD_LIBRARY_PATH to /dev/shm",
                     Actor(Proc("/usr/bin/ssh", ["ssh", "host"]), in: Trees.rootLogin).exec(loaderEnvironment: ["LD_LIBRARY_PATH=/dev/shm/.l"])),
            ],
            negatives: [
                Case("jemalloc preloaded from /usr/lib",
                     Actor(Proc("/usr/bin/redis-server", ["redis-server"]), in: Trees.rootLogin).exec(loaderEnvironment: ["LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"])),
                Case("a test runner's LD_LIBRARY_PATH to its build directory",
                     Actor(Proc("/tmp/build/test_app", ["./test_app"]), in: Trees.rootLogin).exec(loaderEnvironment: ["LD_LIBRARY_PATH=/tmp/build/lib"])),
                Case("a sanitizer runtime preloaded by make",
                     Actor(Proc("/home/alice/src/a.out", ["./a.out"]), in: Trees.userLogin.spawning(Proc("/usr/bin/make", ["make", "check"], uid: 1000)))
                        .exec(loaderEnvironment: ["LD_PRELOAD=/home/alice/src/libasan-shim.so"])),
                Case("no loader variable", Actor(Proc("/usr/bin/true", ["/bin/true"]), in: Trees.rootLogin).exec()),
            ]),

        RuleFixture("interpreter-inline-code-spawns-shell",
            positives: [
                Case("perl -e system(/bin/sh -c id)",
                     Actor(Proc.shell("id >/dev/null"), in: Trees.rootLogin.spawning(Proc("/usr/bin/perl", ["perl", "-e", "system(\"/bin/sh\", \"-c\", \"id >/dev/null\")"]))).exec()),
                Case("python3 -c os.system(...)",
                     Actor(Proc.shell("whoami"), in: Trees.rootLogin.spawning(Proc("/usr/bin/python3.11", ["python3", "-c", "import os; os.system('whoami')"]))).exec()),
                Case("ruby -e exec bash",
                     Actor(Proc("/usr/bin/bash", ["bash"]), in: Trees.rootLogin.spawning(Proc("/usr/bin/ruby3.1", ["ruby", "-e", "exec '/bin/bash'"]))).exec()),
            ],
            negatives: [
                Case("a perl script on disk running a shell command",
                     Actor(Proc.shell("ls"), in: Trees.rootLogin.spawning(Proc("/usr/bin/perl", ["perl", "/usr/local/bin/report.pl"]))).exec()),
                Case("python -c that runs no shell (its own exec is not a shell)",
                     Actor(Proc("/usr/bin/python3.11", ["python3", "-c", "import csv"]), in: Trees.rootLogin).exec()),
                Case("a configure script's perl one-liner under make",
                     Actor(Proc.shell("true"), in: Trees.rootLogin.spawning(Proc("/usr/bin/make", ["make"])).spawning(Proc("/usr/bin/perl", ["perl", "-e", "system('true')"]))).exec()),
            ]),

        RuleFixture("running-executable-deleted",
            positives: [
                Case("rm of a binary the shell started in the background",
                     Actor(Proc.line("/usr/bin/rm", "rm -f ./updater"), in: Trees.rootLogin)
                        .unlink("/tmp/case/updater", runningIn: Proc("/tmp/case/updater", ["./updater", "3"], pid: 4700))),
                Case("a payload unlinked by python",
                     Actor(Proc("/usr/bin/python3.11", ["python3", "-c", "import os; os.unlink('/dev/shm/.x')"]), in: Trees.rootLogin)
                        .unlink("/dev/shm/.x", runningIn: Proc("/dev/shm/.x", [".x"], pid: 4710))),
            ],
            negatives: [
                Case("a build removing a binary that is not running",
                     Actor(Proc.line("/usr/bin/rm", "rm -f app"), in: Trees.rootLogin).unlink("/tmp/proj/app", runningIn: nil)),
                Case("dpkg removing the old binary of a running daemon",
                     Actor(Proc.line("/usr/bin/dpkg", "dpkg --unpack"), in: Trees.dpkgTree)
                        .unlink("/usr/sbin/cron", runningIn: Trees.cronDaemon)),
                Case("an implant's own child removing the implant (the own-image rule instead)",
                     Actor(Proc.line("/usr/bin/rm", "rm -f /tmp/.x/implant"),
                           in: Trees.rootLogin.spawning(Proc("/tmp/.x/implant", ["implant"])))
                        .unlink("/tmp/.x/implant", runningIn: Proc("/tmp/.x/implant", ["implant"])),
                     also: ["activity-running-binary-deleted"]),
            ]),

        RuleFixture("activity-unprivileged-user-namespace",
            positives: [
                Case("nobody runs unshare -r",
                     Actor(Proc("/usr/bin/unshare", ["unshare", "-r", "id"], uid: 65534), in: nobodyShell)
                        .activity(.unshare, value: CLONE_NEWUSER, args: (0xEFFF_FFFD, 0, 0, 0))),
                Case("a user's exploit unshares user and mount namespaces",
                     Actor(Proc("/home/alice/.cache/x", ["x"], uid: 1000), in: Trees.userLogin)
                        .activity(.unshare, value: CLONE_NEWUSER | CLONE_NEWNS)),
            ],
            negatives: [
                Case("root creating a user namespace", Actor(Proc("/usr/bin/unshare", ["unshare", "-r", "id"]), in: Trees.rootLogin)
                    .activity(.unshare, value: CLONE_NEWUSER)),
                Case("a user unsharing only a mount namespace (refused without privilege)",
                     Actor(Proc("/usr/bin/unshare", ["unshare", "-m"], uid: 1000), in: Trees.userLogin).activity(.unshare, value: CLONE_NEWNS, result: -1)),
                Case("rootless podman", Actor(Proc("/usr/bin/podman", ["podman", "run", "alpine"], uid: 1000), in: Trees.userLogin)
                    .activity(.unshare, value: CLONE_NEWUSER)),
                Case("refused (unprivileged user namespaces disabled)",
                     Actor(Proc("/usr/bin/unshare", ["unshare", "-r"], uid: 1000), in: Trees.userLogin).activity(.unshare, value: CLONE_NEWUSER, result: -1)),
            ]),

        RuleFixture("activity-setns-into-host-namespace",
            positives: [
                Case("nsenter from a container into the host's UTS namespace",
                     Actor(Proc("/usr/bin/nsenter", ["nsenter", "-t", "1", "-u", "sh"]), in: Trees.rootLogin)
                        .activity(.setns, value: CLONE_NEWUTS, args: (initialUTS, UInt64(CLONE_NEWUTS), 4_026_532_999, 0))),
            ],
            negatives: [
                Case("ip netns exec joins a named network namespace",
                     Actor(Proc("/usr/bin/ip", ["ip", "netns", "exec", "blue", "sh"]), in: Trees.rootLogin)
                        .activity(.setns, value: 0x4000_0000, args: (4_026_533_100, 0x4000_0000, 4_026_531_833, 0))),
                Case("nsenter -t 1 from the host itself (nothing changes)",
                     Actor(Proc("/usr/bin/nsenter", ["nsenter", "-t", "1", "-u", "true"]), in: Trees.rootLogin)
                        .activity(.setns, value: CLONE_NEWUTS, args: (initialUTS, UInt64(CLONE_NEWUTS), initialUTS, 0)),
                     also: []),
                Case("a refused setns", Actor(Proc("/usr/bin/nsenter", ["nsenter", "-u"]), in: Trees.rootLogin)
                    .activity(.setns, value: CLONE_NEWUTS, result: -1, args: (initialUTS, UInt64(CLONE_NEWUTS), 4_026_532_999, 0))),
            ]),
    ]
}
