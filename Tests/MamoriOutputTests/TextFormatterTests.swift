import MamoriEvents
import MamoriProcess
import Testing
@testable import MamoriOutput

/// `mamori watch` lines: one per event, aligned, safe for a terminal.
@Suite struct TextFormatterTests {
    let formatter = TextFormatter(clock: Fixture.clock)
    let time = "22:13:20.123456 "

    @Test func exec() {
        #expect(formatter.format(.exec(Fixture.exec()))
                == time + "exec     pid=1234 ppid=1200 uid=1000 /usr/bin/curl curl -s http://x  cwd=/root tty=pts/3")
        let truncated = Fixture.exec(args: ["ls", "my file", ""], flags: [.argsTruncated], tty: nil)
        #expect(formatter.format(.exec(truncated))
                == time + "exec     pid=1234 ppid=1200 uid=1000 /usr/bin/curl ls 'my file' ''  cwd=/root [truncated]")
        let reverse = Fixture.exec(args: ["sh", "-i"], tty: nil,
                                   stdio: StdioTypes(stdin: .socket, stdout: .socket, stderr: .socket))
        #expect(formatter.format(.exec(reverse))
                == time + "exec     pid=1234 ppid=1200 uid=1000 /usr/bin/curl sh -i  cwd=/root stdio=socket,socket,socket")
    }

    @Test func forkAndExit() {
        let fork = ForkEvent(header: Fixture.header(.fork), subject: Fixture.subject(comm: "bash"),
                             parentTgid: 1200, parentStartBoottimeNs: Fixture.parentStart)
        #expect(formatter.format(.fork(fork)) == time + "fork     pid=1234 ppid=1200 uid=1000 bash")
        #expect(formatter.format(.fork(fork), process: Fixture.parentRecord())
                == time + "fork     pid=1234 ppid=1200 uid=1000 bash /bin/bash")
        let exit = ExitEvent(header: Fixture.header(.exit), subject: Fixture.subject(), exitStatus: 2 << 8)
        #expect(formatter.format(.exit(exit)) == time + "exit     pid=1234 curl code=2")
        let killed = ExitEvent(header: Fixture.header(.exit), subject: Fixture.subject(), exitStatus: 15)
        #expect(formatter.format(.exit(killed)) == time + "exit     pid=1234 curl signal=15")
    }

    @Test func network() {
        #expect(formatter.format(.network(Fixture.network(.connect)))
                == time + "connect  pid=1234 curl tcp 127.0.0.1:40000 -> 127.0.0.1:8080 ok")
        #expect(formatter.format(.network(Fixture.network(.connect, result: -111)))
                == time + "connect  pid=1234 curl tcp 127.0.0.1:40000 -> 127.0.0.1:8080 err=ECONNREFUSED")
        #expect(formatter.format(.network(Fixture.network(.connect, result: -115)))
                == time + "connect  pid=1234 curl tcp 127.0.0.1:40000 -> 127.0.0.1:8080 in-progress")
        #expect(formatter.format(.network(Fixture.network(.connect, result: -999)))
                == time + "connect  pid=1234 curl tcp 127.0.0.1:40000 -> 127.0.0.1:8080 err=-999")
        let accept = Fixture.network(.accept, result: 4, local: Fixture.v4(10, 0, 0, 1), localPort: 22,
                                     remote: Fixture.v4(10, 0, 0, 9), remotePort: 50000)
        #expect(formatter.format(.network(accept))
                == time + "accept   pid=1234 curl tcp 10.0.0.9:50000 -> 10.0.0.1:22 ok")
        let listen = Fixture.network(.listen, local: Fixture.v4(0, 0, 0, 0), localPort: 8080)
        #expect(formatter.format(.network(listen)) == time + "listen   pid=1234 curl tcp 0.0.0.0:8080 ok")
        var loopback6 = [UInt8](repeating: 0, count: 16)
        loopback6[15] = 1
        let send = Fixture.network(.send, proto: 17, local: IPAddress(family: .inet6, bytes: loopback6),
                                   localPort: 5000, remote: IPAddress(family: .inet6, bytes: loopback6),
                                   remotePort: 53)
        #expect(formatter.format(.network(send)) == time + "send     pid=1234 curl udp [::1]:5000 -> [::1]:53 ok")
    }

    @Test func files() {
        #expect(formatter.format(.file(Fixture.file(.rename, path: "/tmp/a", target: "/tmp/b")))
                == time + "file rename pid=1234 mv /tmp/a -> /tmp/b")
        #expect(formatter.format(.file(Fixture.file(.chmod, path: "/tmp/x", mode: 0o100755)))
                == time + "file chmod pid=1234 mv /tmp/x mode=0755")
        #expect(formatter.format(.file(Fixture.file(.chown, owner: (0, nil))))
                == time + "file chown pid=1234 mv /tmp/a owner=0:-")
        #expect(formatter.format(.file(Fixture.file(.openRead, path: "/etc/shadow", result: -13)))
                == time + "file open-read pid=1234 mv /etc/shadow err=EACCES")
        #expect(formatter.format(.file(Fixture.file(.unlink)))
                == time + "file deletion pid=1234 mv /tmp/a")
    }

    @Test func gap() {
        let gap = GapEvent(header: Fixture.header(.gap), lane: 1, cpu: 1, lost: [0, 2, 0, 0, 0, 40, 0])
        #expect(formatter.format(.gap(gap)) == time + "gap      lane=bulk cpu=1 lost=42 exec=2 file=40")
    }

    @Test func terminalEscapesAreNeutralised() {
        let path = "/tmp/\u{1B}]0;owned\u{07}\nfake line\\\u{202E}txt.exe"
        let line = formatter.format(.file(Fixture.file(.create, path: path)))
        #expect(line == time + #"file creation pid=1234 mv /tmp/\x1b]0;owned\x07\nfake line\\\u{202e}txt.exe"#)
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(TerminalText.sanitize("\u{85}ok") == #"\x85ok"#)
        #expect(TerminalText.joinArgs(["it's", "a\"b"]) == #"'it'\''s' 'a"b'"#)
    }
}
