import MamoriEvents

/// Fixtures of the behavioural rules: beaconing (regularity), brute force (repetition) and the
/// archive → encrypt → upload sequence, each with the routine work that looks most like it.
extension Fixtures {
    /// `count` connects to one destination starting at `start`, spaced by `intervals` (cycled).
    static func connects(_ actor: Actor, to address: String, _ port: UInt16, count: Int, intervals: [Double],
                         start: Double = 100, result: Int32 = 0) -> [Step] {
        var t = start
        var out: [Step] = []
        for i in 0..<count {
            out.append(actor.connect(address, port, result: result, at: t))
            t += intervals[i % intervals.count]
        }
        return out
    }

    static let behaviours: [RuleFixture] = [
        RuleFixture("regular-interval-beaconing",
            positives: [
                Case("implant checking in every 30 s over HTTPS",
                     connects(Actor(Proc("/tmp/.cache/upd", ["/tmp/.cache/upd"], uid: 33), in: Trees.webShell),
                              to: "203.0.113.50", 443, count: 8, intervals: [30, 30.4, 29.7, 30.2]),
                     also: ["service-child-connects-to-internet"]),
                Case("python loop beaconing every 5 s to a loopback port (lab)",
                     connects(Actor(Proc.line("/usr/bin/python3.11", "python3 beacon.py"), in: Trees.rootLogin),
                              to: "127.0.0.1", 8443, count: 10, intervals: [5, 5.1, 4.9])),
                Case("HTTP check-ins every 0.5 s on a loaded host: one came a beat late",
                     connects(Actor(Proc.line("/usr/bin/python3.11", "python3 -"), in: Trees.rootLogin),
                              to: "127.0.0.1", 8080, count: 9, intervals: [0.526, 0.516, 1.028, 0.505, 0.502, 0.504, 0.502, 0.519])),
                Case("an implant named telegraf in a scratch directory (issue 13: names are attacker-chosen)",
                     connects(Actor(Proc("/tmp/x/telegraf", ["/tmp/x/telegraf"], uid: 1000), in: Trees.userLogin),
                              to: "198.51.100.7", 8443, count: 8, intervals: [10])),
            ],
            negatives: [
                Case("a person browsing: bursts and pauses to one web server",
                     connects(Actor(Proc.line("/usr/bin/curl", "curl -s https://example.org/"), in: Trees.userLogin),
                              to: "93.184.216.34", 443, count: 12, intervals: [0.5, 12, 3, 45, 1, 20])),
                Case("a service polling its loopback redis every second",
                     connects(Actor(Proc("/srv/app/bin/worker", ["/srv/app/bin/worker"], unit: "app.service", uid: 998),
                                    in: Trees.unit("app.service", Proc("/srv/app/bin/worker", ["/srv/app/bin/worker"], unit: "app.service", uid: 998))),
                              to: "127.0.0.1", 6379, count: 20, intervals: [1])),
                Case("NTP client polling its server regularly",
                     connects(Actor(Proc("/usr/sbin/chronyd", ["/usr/sbin/chronyd", "-F", "1"], unit: "chrony.service"), in: Tree([Trees.systemd])),
                              to: "192.0.2.123", 123, count: 10, intervals: [64])),
                Case("telegraf installed by the package pushing metrics every 10 s",
                     connects(Actor(Proc("/usr/bin/telegraf", ["/usr/bin/telegraf", "--config", "/etc/telegraf/telegraf.conf"], unit: "telegraf.service"),
                                    in: Tree([Trees.systemd])),
                              to: "198.51.100.7", 8086, count: 10, intervals: [10])),
                Case("regular connections, but to a different port each time (not one destination)",
                     (0..<10).map { i in Actor(Proc.line("/usr/bin/python3.11", "python3 poll.py"), in: Trees.rootLogin)
                         .connect("127.0.0.1", UInt16(9000 + i), at: 100 + Double(i) * 5) }),
            ]),

        RuleFixture("ssh-connection-brute-force",
            positives: [
                Case("hydra guessing root's password against one host",
                     connects(Actor(Proc.line("/usr/bin/hydra", "hydra -l root -P rockyou.txt ssh://10.0.0.9"), in: Trees.rootLogin),
                              to: "10.0.0.9", 22, count: 14, intervals: [0.3])),
                Case("an sshpass loop over a word list (one ssh per guess)",
                     connects(Actor(Proc.line("/usr/bin/ssh", "ssh -o BatchMode=no root@10.0.0.9"), in: Trees.userLogin),
                              to: "10.0.0.9", 22, count: 13, intervals: [1]),
                     also: ["regular-interval-beaconing"]),
            ],
            negatives: [
                Case("git fetching over SSH a few times",
                     connects(Actor(Proc.line("/usr/bin/ssh", "ssh git@github.com git-upload-pack 'org/repo.git'", uid: 1000),
                                    in: Trees.userLogin.spawning(Proc.line("/usr/bin/git", "git fetch --all", uid: 1000))),
                              to: "140.82.112.3", 22, count: 14, intervals: [0.5]),
                     also: ["regular-interval-beaconing"]),
                Case("an admin opening three SSH sessions",
                     connects(Actor(Proc.line("/usr/bin/ssh", "ssh web1", uid: 1000), in: Trees.userLogin),
                              to: "10.0.0.21", 22, count: 3, intervals: [40])),
            ]),

        RuleFixture("su-password-guessing",
            positives: [
                Case("nobody tries su root with ten passwords",
                     (0..<10).map { i in Actor(Proc.line("/usr/bin/su", "su root -c id", uid: 65534), in: Trees.webShell).exec(at: 100 + Double(i)) }),
                Case("a sequential guesser slowed by PAM's failure delay: six attempts 3.3 s apart",
                     (0..<6).map { i in Actor(Proc.line("/usr/bin/su", "su root -c true", uid: 65534), in: Trees.webShell).exec(at: 100 + Double(i) * 3.3) }),
                Case("sudo -S fed guesses on stdin",
                     (0..<9).map { i in Actor(Proc.line("/usr/bin/sudo", "sudo -S id", uid: 1000), in: Trees.userLogin).exec(at: 100 + Double(i) * 2) }),
            ],
            negatives: [
                Case("root's backup script dumps ten databases as postgres",
                     (0..<10).map { i in Actor(Proc("/usr/bin/su", ["su", "postgres", "-c", "pg_dump db\(i)"]),
                                             in: Trees.cronJob("/usr/local/sbin/backup-db")).exec(at: 100 + Double(i)) }),
                Case("an admin mistypes the root password three times",
                     (0..<3).map { i in Actor(Proc.line("/usr/bin/su", "su -", uid: 1000), in: Trees.userLogin).exec(at: 100 + Double(i) * 5) }),
                Case("an admin becomes root twice",
                     (0..<2).map { i in Actor(Proc.line("/usr/bin/su", "su -", uid: 1000), in: Trees.userLogin).exec(at: 100 + Double(i) * 30) }),
            ]),

    ]
}
