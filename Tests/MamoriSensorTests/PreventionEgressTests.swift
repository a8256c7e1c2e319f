import CMamoriABI
import Foundation
import Glibc
import MamoriEvents
@testable import MamoriSensor
import Testing
import MamoriPolicy

/// Egress prevention against real sockets. The test process moves itself into a cgroup it
/// created, so the policy (a scope of that cgroup) applies to it alone. Destinations are
/// loopback, or documentation ranges (TEST-NET) whose connect the hook must refuse: the cgroup
/// connect/sendmsg hooks run before routing, so a refused call never emits a packet; the
/// management range is only UDP-connect()ed, which sends nothing either.
extension SensorIntegration {
@Suite("prevention: egress")
struct PreventionEgressTests {
    static let me = UInt32(getpid())

    func withScope(_ body: (SensorHarness, SensorProgram, TestCgroup) throws -> Void) throws {
        // The kernel never acts on pid 1: a VM init running the tests directly would be exempt.
        try #require(getpid() != 1, "run the integration tests in a child of init, not as pid 1")
        let h = try SensorHarness.get()
        let cg = try TestCgroup()
        defer {
            try? h.session.program.policy.apply(KernelPolicy())
            cg.remove()
        }
        try body(h, h.session.program, cg)
    }

    func blocked(_ h: SensorHarness, port: UInt16, count: Int = 1) -> [ActionEvent] {
        h.collect(filter: { ($0.actionEvent?.header.tgid == Self.me) && $0.actionEvent?.destinationPort == port },
                  until: { $0.count >= count }).compactMap(\.actionEvent)
    }

    @Test("denied 127.0.0.1/::1 ports get EPERM, other ports work; TCP and UDP; protocol honoured")
    func denyPorts() throws {
        try withScope { h, program, cg in
            let (l4, open4) = LoopbackSocket.listener(family: AF_INET)
            let (l6, open6) = LoopbackSocket.listener(family: AF_INET6)
            defer { close(l4); close(l6) }
            let denied: UInt16 = 40_001, udpOnly: UInt16 = 40_002
            var scope = KernelPolicy.Scope(cgroupId: cg.id, level: 1)
            scope.egressPolicy = 7
            var policy = KernelPolicy()
            policy.scopes = [scope]
            policy.egress = [
                .init(policy: .scope(7), address: [127, 0, 0, 0], prefixLength: 8, verdict: .deny, minLevel: 1,
                      ports: [denied], policyId: 70),
                .init(policy: .scope(7), address: [UInt8](repeating: 0, count: 15) + [1], prefixLength: 128,
                      verdict: .deny, minLevel: 1, ports: [denied], policyId: 71),
                .init(policy: .scope(7), address: [127, 0, 0, 1], prefixLength: 32, verdict: .deny, minLevel: 1,
                      ipProtocol: 17, ports: [udpOnly], policyId: 72),
            ]
            try program.policy.apply(policy)
            #expect(program.policy.readBack().egressEntries == 3)
            h.reset()
            try cg.inside {
                #expect(PolicySocket.connect("127.0.0.1", denied) == EPERM)
                #expect(PolicySocket.connect("127.0.0.5", denied) == EPERM) // the /8 covers it
                #expect(PolicySocket.connect("127.0.0.1", open4) == 0)
                #expect(PolicySocket.connect("::1", denied) == EPERM)
                #expect(PolicySocket.connect("::1", open6) == 0)
                #expect(PolicySocket.connect("::ffff:127.0.0.1", denied) == EPERM) // v4-mapped on a v6 socket
                #expect(PolicySocket.sendto("127.0.0.1", denied) == EPERM)
                #expect(PolicySocket.sendto("::1", denied) == EPERM)
                #expect(PolicySocket.sendto("127.0.0.1", denied + 10) == 0)
                // UDP-only entry: UDP refused, TCP passes the hook (refused by the stack instead).
                #expect(PolicySocket.sendto("127.0.0.1", udpOnly) == EPERM)
                #expect(PolicySocket.connect("127.0.0.1", udpOnly) != EPERM)
            }
            // Outside the cgroup (host level 0) the same connect is not refused.
            #expect(PolicySocket.connect("127.0.0.1", denied) != EPERM)

            let records = blocked(h, port: denied, count: 5)
            #expect(records.contains { $0.action == .blockConnect && $0.enforced && $0.destination?.description == "127.0.0.1" && $0.policyId == 70 })
            #expect(records.contains { $0.action == .blockConnect && $0.destination?.description == "::1" && $0.policyId == 71 })
            #expect(records.contains { $0.action == .blockSend && $0.enforced && $0.proto == 17 })
            #expect(records.allSatisfy { $0.reason == .egressDeny && $0.subject.cgroupId == cg.id })
            #expect(blocked(h, port: udpOnly).contains { $0.action == .blockSend && $0.policyId == 72 })
        }
    }

    @Test("a retry loop yields one record per destination per second, every call refused")
    func recordsAreRateLimited() throws {
        try withScope { h, program, cg in
            let port: UInt16 = 40_011
            var scope = KernelPolicy.Scope(cgroupId: cg.id, level: 1)
            scope.egressPolicy = 8
            var policy = KernelPolicy()
            policy.scopes = [scope]
            policy.egress = [.init(policy: .scope(8), address: [127, 0, 0, 1], prefixLength: 32, verdict: .deny,
                                   minLevel: 1, policyId: 80)]
            try program.policy.apply(policy)
            h.reset()
            let refused = try cg.inside { (0..<200).filter { _ in PolicySocket.connect("127.0.0.1", port) == EPERM }.count }
            #expect(refused == 200)
            let records = h.collect(timeout: 1, filter: { $0.actionEvent?.destinationPort == port && $0.actionEvent?.header.tgid == Self.me },
                                    until: { _ in false })
            #expect(records.count >= 1 && records.count < 20, "\(records.count) records for 200 refusals")
        }
    }

    @Test("executable-tag egress applies only to the tagged executable")
    func taggedExecutable() throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else { return } // /dev/tcp needs bash
        try withScope { h, program, cg in
            let dir = try makeTempDir("tag")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let tagged = try copyBinary("/bin/bash", to: dir + "/tagged-bash")
            let (lfd, port) = LoopbackSocket.listener(family: AF_INET)
            defer { close(lfd) }
            var policy = KernelPolicy()
            policy.scopes = [.init(cgroupId: cg.id, level: 1)]
            policy.taggedExecutables = [.init(inode: try #require(.of(path: tagged)), tag: 5)]
            policy.egress = [.init(policy: .executable(5), address: [127, 0, 0, 1], prefixLength: 32, verdict: .deny,
                                   minLevel: 1, ipProtocol: 6, ports: [port], policyId: 90)]
            try program.policy.apply(policy)
            h.reset()
            let script = "exec 3<>/dev/tcp/127.0.0.1/\(port)"
            let (taggedRun, plainRun, mine) = try cg.inside {
                (spawnAndWait(tagged, ["-c", script]), spawnAndWait("/bin/bash", ["-c", script]),
                 PolicySocket.connect("127.0.0.1", port))
            }
            // A fork of the tagged process keeps the tag; an exec of an untagged image drops it.
            let (forked, reexec) = try cg.inside {
                (spawnAndWait(tagged, ["-c", "( \(script) ); exit $?"]),
                 spawnAndWait(tagged, ["-c", "exec /bin/bash -c '\(script)'"]))
            }
            #expect(forked.exitCode == 1, "a forked subshell of the tagged bash keeps the tag: \(forked)")
            #expect(reexec.exitCode == 0, "exec of untagged bash clears the tag: \(reexec)")
            #expect(taggedRun.exitCode == 1, "the tagged bash must fail to connect: \(taggedRun)")
            #expect(plainRun.exitCode == 0, "untagged bash connects: \(plainRun)")
            #expect(mine == 0)
            let r = h.first { $0.actionEvent?.header.tgid == UInt32(taggedRun.pid) }?.actionEvent
            #expect(r?.policyId == 90 && r?.enforced == true && r?.action == .blockConnect)
        }
    }

    @Test("isolation: only loopback and management networks; undo restores")
    func isolation() throws {
        try withScope { h, program, cg in
            let (lfd, port) = LoopbackSocket.listener(family: AF_INET)
            defer { close(lfd) }
            var scope = KernelPolicy.Scope(cgroupId: cg.id, level: 0) // isolation ignores the level
            scope.isolated = true
            var policy = KernelPolicy()
            policy.scopes = [scope]
            policy.egress = [.init(policy: .management, address: [198, 51, 100, 0], prefixLength: 24, verdict: .allow,
                                   minLevel: 0, policyId: 99)]
            try program.policy.apply(policy)
            h.reset()
            try cg.inside {
                #expect(PolicySocket.connect("192.0.2.1", 80) == EPERM)           // TEST-NET-1, TCP
                #expect(PolicySocket.connect("192.0.2.1", 53, udp: true) == EPERM)
                #expect(PolicySocket.sendto("192.0.2.1", 53) == EPERM)
                #expect(PolicySocket.connect("2001:db8::1", 443) == EPERM)        // documentation v6
                #expect(PolicySocket.connect("127.0.0.1", port) == 0)             // loopback stays open
                #expect(PolicySocket.connect("198.51.100.7", 22, udp: true) != EPERM) // management
            }
            let r = h.first { $0.actionEvent?.destination?.description == "192.0.2.1" && $0.actionEvent?.header.tgid == Self.me }?.actionEvent
            #expect(r?.reason == .isolated && r?.enforced == true)

            try program.policy.apply(KernelPolicy())
            let after = program.policy.readBack()
            #expect(after.configFlags & EncodedPolicy.ownedFlags & ~UInt32(MAMORI_CFG_LSM_EXEC) == 0)
            #expect(after.scopes == 0 && after.egressEntries == 0 && after.execEntries == 0)
            try cg.inside {
                #expect(PolicySocket.connect("192.0.2.1", 53, udp: true) != EPERM)
            }
        }
    }
}
}

extension SensorIntegration {
@Suite("prevention: egress allowlist")
struct PreventionAllowlistTests {
    /// Allowlist scope: only loopback, management and ALLOW entries; enforced from its own level.
    /// Non-loopback destinations are only UDP-connect()ed (no packet is ever sent).
    @Test("allowlist: unlisted destinations refused at its level, reported below it")
    func allowlist() throws {
        try #require(getpid() != 1, "run the integration tests in a child of init, not as pid 1")
        let h = try SensorHarness.get()
        let program = h.session.program
        let cg = try TestCgroup()
        defer {
            try? program.policy.apply(KernelPolicy())
            cg.remove()
        }
        var scope = KernelPolicy.Scope(cgroupId: cg.id, level: 2)
        scope.egressPolicy = 11
        scope.allowlist = true
        scope.allowlistMinLevel = 2
        var policy = KernelPolicy()
        policy.scopes = [scope]
        policy.egress = [.init(policy: .scope(11), address: [198, 51, 100, 0], prefixLength: 24, verdict: .allow,
                               minLevel: 0, ipProtocol: 17, policyId: 111)]
        try program.policy.apply(policy)
        h.reset()
        try cg.inside {
            #expect(PolicySocket.connect("203.0.113.5", 53, udp: true) == EPERM)    // not listed
            #expect(PolicySocket.connect("198.51.100.9", 53, udp: true) != EPERM)   // allowed
            #expect(PolicySocket.connect("198.51.100.9", 443) == EPERM)             // allowed for UDP only
            #expect(PolicySocket.connect("::1", 9, udp: true) != EPERM)             // loopback stays open
        }
        let r = h.first { $0.actionEvent?.destination?.description == "203.0.113.5" }?.actionEvent
        #expect(r?.reason == .egressAllowlist && r?.enforced == true && r?.policyId == 11 && r?.neededLevel == 2)

        // Scope level 1, allowlist from 2: nothing refused, a would-have record instead.
        scope.level = 1
        policy.scopes = [scope]
        try program.policy.apply(policy)
        h.reset()
        try cg.inside {
            #expect(PolicySocket.connect("203.0.113.6", 53, udp: true) != EPERM)
        }
        let w = h.first { $0.actionEvent?.destination?.description == "203.0.113.6" }?.actionEvent
        #expect(w?.enforced == false && w?.level == 1 && w?.neededLevel == 2)
    }
}
}
