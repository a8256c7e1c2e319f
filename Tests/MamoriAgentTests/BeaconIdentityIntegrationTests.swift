import Foundation
import Glibc
@testable import MamoriAgent
import MamoriEvents
import Testing

/// Beaconing on the real kernel, whatever the protocol, and exclusions that trust identity,
/// not names (issue 13): a shell copied to a scratch directory under the name `telegraf` (a
/// "known periodic agent") checking in over TCP every 0.5 s is alerted; the same copy placed
/// where only root could have put it is excluded; a UDP beacon sent with sendto (no connect)
/// to a loopback port is alerted, which needs every datagram after a silence reported by the
/// kernel, not only a flow's first.
@Suite("Beaconing by identity", .serialized,
       .enabled(if: geteuid() == 0 || ProcessInfo.processInfo.environment["CI"] == "true"))
struct BeaconIdentityIntegrationTests {
    /// A loopback socket of `type` bound to a free port; TCP listens (the backlog completes
    /// the handshakes, nothing needs to accept).
    private func loopbackSocket(_ type: Int32) throws -> (fd: Int32, port: UInt16) {
        let fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound, type != Int32(SOCK_STREAM.rawValue) || listen(fd, 128) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        return (fd, UInt16(bigEndian: addr.sin_port))
    }

    /// Starts `exe` in a session of its own (setsid): its own lineage and incident, so triage
    /// does not fold its alert into another scenario's.
    private func start(_ exe: String, _ args: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        p.arguments = ["--wait", exe] + args
        try p.run()
        return p
    }

    /// Ten TCP check-ins 0.5 s apart by the shell itself (`exec 3<>/dev/tcp`).
    private func tcpBeacon(_ port: UInt16) -> [String] {
        ["-c", "for i in 1 2 3 4 5 6 7 8 9 10; do exec 3<>/dev/tcp/127.0.0.1/\(port); exec 3>&-; sleep 0.5; done"]
    }

    @Test("a renamed telegraf in a scratch dir is alerted, a root-installed one is not; UDP sendto beacons are seen")
    func beaconsAreJudgedByIdentity() throws {
        let dir = try TestAgent.scratch("beacon")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: TestAgent.packRule("command_and_control/regular-interval-beaconing.yml"),
                                         toPath: dir + "/rules/beacon.yml")
        // The impostor: a shell named telegraf where anyone could have put it.
        try FileManager.default.createDirectory(atPath: dir + "/x", withIntermediateDirectories: true)
        let impostor = dir + "/x/telegraf"
        try FileManager.default.copyItem(atPath: "/usr/bin/bash", toPath: impostor)
        // The installed agent: the same name in a directory only root can write (0700 root,
        // under /usr/local/lib), removed at the end.
        var template = Array("/usr/local/lib/mamori-beacon-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EACCES) }
        let installedDir = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: installedDir) }
        let installed = installedDir + "/telegraf"
        try FileManager.default.copyItem(atPath: "/usr/bin/bash", toPath: installed)
        chmod(installed, 0o755)
        #expect(ImageProtection.directoriesProtected(installed))
        #expect(!ImageProtection.directoriesProtected(impostor))

        let tcpA = try loopbackSocket(Int32(SOCK_STREAM.rawValue)), tcpB = try loopbackSocket(Int32(SOCK_STREAM.rawValue)), udp = try loopbackSocket(Int32(SOCK_DGRAM.rawValue))
        defer { close(tcpA.fd); close(tcpB.fd); close(udp.fd) }
        let agent = try TestAgent(directory: dir, configuration: TestAgent.configuration(directory: dir, store: false))
        defer { agent.stop() }

        let children = [
            try start(impostor, tcpBeacon(tcpA.port)),
            try start(installed, tcpBeacon(tcpB.port)),
            try start("/usr/bin/python3", ["-c", """
                import socket, time
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                for _ in range(10):
                    s.sendto(b"hb", ("127.0.0.1", \(udp.port))); time.sleep(0.5)
                """]),
        ]
        for child in children { child.waitUntilExit() }
        let title = "Regular-interval connections to one destination (beaconing)"
        let about = { (port: UInt16) in { (line: String) in line.contains(title) && line.contains("\"port\":\(port)") } }
        let lines = agent.waitForAlerts(seconds: 20) { $0.contains(where: about(tcpA.port)) && $0.contains(where: about(udp.port)) }
        usleep(1_000_000)  // the installed agent's beats were as early as the impostor's
        let all = agent.alertLines()
        #expect(lines.contains(where: about(tcpA.port)), "no beacon alert for the renamed telegraf in a scratch dir: \(lines)")
        #expect(lines.contains { about(tcpA.port)($0) && $0.contains(impostor) }, "the alert names the impostor's executable")
        #expect(lines.contains(where: about(udp.port)), "no beacon alert for the UDP sendto beacon: \(lines)")
        #expect(!all.contains(where: about(tcpB.port)), "the root-installed telegraf must stay excluded: \(all)")
    }
}

/// `ImageProtection`'s judgement of paths and modes (no privileges needed).
@Suite struct ImageProtectionTests {
    @Test func systemProgramsAreProtectedAndScratchCopiesAreNot() throws {
        #expect(ImageProtection.directoriesProtected("/usr/bin/true"))
        #expect(!ImageProtection.directoriesProtected("/tmp/x/telegraf"))       // /tmp: world-writable
        #expect(!ImageProtection.directoriesProtected("/dev/shm/telegraf"))
        #expect(!ImageProtection.directoriesProtected("relative/telegraf"))
        #expect(!ImageProtection.directoriesProtected("/usr/bin/telegraf (deleted)"))
        var st = stat()
        #expect(stat("/usr/bin/true", &st) == 0)
        #expect(ImageProtection.onlyRootWrites(st))
        st.st_mode |= S_IWOTH
        #expect(!ImageProtection.onlyRootWrites(st))
        st.st_mode &= ~S_IWOTH
        st.st_uid = 1000
        #expect(!ImageProtection.onlyRootWrites(st))
    }
}
