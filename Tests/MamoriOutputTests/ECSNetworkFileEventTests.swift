import Foundation
import MamoriEvents
import MamoriProcess
import Testing
@testable import MamoriOutput

/// Network, file and gap lines: every ECS field per operation.
@Suite struct ECSNetworkFileEventTests {
    private func line(_ event: SensorEvent, process: ProcessRecord? = nil) throws -> ParsedLine {
        var encoder = Fixture.encoder()
        return try ParsedLine(encoder.encodeLine(event, process: process, parent: Fixture.parentRecord()))
    }

    @Test func connectIsEgressFromLocalToRemote() throws {
        let parsed = try line(.network(Fixture.network(.connect)), process: Fixture.record())
        ECSProcessEventTests.expectCommon(parsed, action: "connect", category: "network")
        #expect(parsed.strings("event.type") == ["connection", "start"])
        #expect(parsed.string("event.outcome") == "success")
        #expect(parsed.string("source.ip") == "127.0.0.1")
        #expect(parsed.int("source.port") == 40000)
        #expect(parsed.string("destination.ip") == "127.0.0.1")
        #expect(parsed.int("destination.port") == 8080)
        #expect(parsed.string("network.transport") == "tcp")
        #expect(parsed.string("network.iana_number") == "6")
        #expect(parsed.string("network.type") == "ipv4")
        #expect(parsed.string("network.direction") == "egress")
        #expect(parsed.int("process.pid") == 1234)
        #expect(parsed.string("process.entity_id") == "ent-1234")
        #expect(parsed.string("process.executable") == "/usr/bin/curl")
        #expect(parsed.string("process.parent.entity_id") == "ent-1200")
        #expect(parsed.string("mamori.kind") == "network")
        #expect(parsed.int("mamori.result") == 0)
        #expect(parsed.string("mamori.unit") == "sshd.service")
    }

    @Test func connectFailuresAndInProgress() throws {
        let refused = try line(.network(Fixture.network(.connect, result: -111)))
        #expect(refused.string("event.outcome") == "failure")
        #expect(refused.int("mamori.result") == -111)
        let pending = try line(.network(Fixture.network(.connect, result: -115)))
        #expect(pending.string("event.outcome") == "unknown")
        #expect(pending.int("mamori.result") == -115)
    }

    @Test func acceptIsIngressFromRemoteToLocal() throws {
        let event = Fixture.network(.accept, result: 5, local: Fixture.v4(10, 0, 0, 1), localPort: 22,
                                    remote: Fixture.v4(192, 168, 1, 50), remotePort: 51000)
        let parsed = try line(.network(event))
        #expect(parsed.string("event.action") == "accept")
        #expect(parsed.strings("event.type") == ["connection", "start"])
        #expect(parsed.string("event.outcome") == "success")
        #expect(parsed.string("source.ip") == "192.168.1.50")
        #expect(parsed.int("source.port") == 51000)
        #expect(parsed.string("destination.ip") == "10.0.0.1")
        #expect(parsed.int("destination.port") == 22)
        #expect(parsed.string("network.direction") == "ingress")
        #expect(parsed.int("mamori.result") == 5)
        // Without a record the process comes from the header and subject.
        #expect(parsed.string("process.name") == "curl")
        #expect(!parsed.has("process.entity_id"))
    }

    @Test func listenHasOnlyTheLocalAddressAndNoDirection() throws {
        let event = Fixture.network(.listen, local: Fixture.v4(0, 0, 0, 0), localPort: 8080,
                                    remote: Fixture.v4(0, 0, 0, 0), remotePort: 0)
        let parsed = try line(.network(event))
        #expect(parsed.string("event.action") == "listen")
        #expect(parsed.strings("event.type") == ["start"])
        #expect(parsed.string("source.ip") == "0.0.0.0")
        #expect(parsed.int("source.port") == 8080)
        #expect(!parsed.has("destination"))
        #expect(!parsed.has("network.direction"))
        #expect(parsed.string("network.type") == "ipv4")
    }

    @Test func sendOverIPv6UDP() throws {
        var dns = [UInt8](repeating: 0, count: 16)
        dns[0] = 0x20; dns[1] = 0x01; dns[2] = 0x48; dns[3] = 0x60; dns[14] = 0x88; dns[15] = 0x88
        var local = [UInt8](repeating: 0, count: 16)
        local[15] = 1
        let event = Fixture.network(.send, proto: 17, local: IPAddress(family: .inet6, bytes: local),
                                    localPort: 53000, remote: IPAddress(family: .inet6, bytes: dns),
                                    remotePort: 53)
        let parsed = try line(.network(event))
        #expect(parsed.string("event.action") == "send")
        #expect(parsed.string("source.ip") == "::1")
        #expect(parsed.string("destination.ip") == "2001:4860::8888")
        #expect(parsed.int("destination.port") == 53)
        #expect(parsed.string("network.transport") == "udp")
        #expect(parsed.string("network.iana_number") == "17")
        #expect(parsed.string("network.type") == "ipv6")
        #expect(parsed.string("network.direction") == "egress")
    }

    @Test func fileOperationsMapToECSTypes() throws {
        let cases: [(FileOp, String, String)] = [
            (.create, "creation", "creation"), (.openWrite, "open-write", "change"),
            (.truncate, "truncate", "change"), (.rename, "rename", "change"),
            (.unlink, "deletion", "deletion"), (.chmod, "chmod", "change"),
            (.chown, "chown", "change"), (.openRead, "open-read", "access"),
        ]
        for (op, action, type) in cases {
            let parsed = try line(.file(Fixture.file(op)), process: Fixture.record())
            ECSProcessEventTests.expectCommon(parsed, action: action, category: "file")
            #expect(parsed.strings("event.type") == [type], "\(op)")
            #expect(parsed.string("event.outcome") == "success")
            #expect(parsed.string("file.path") == "/tmp/a")
            #expect(parsed.string("file.name") == "a")
            #expect(parsed.string("file.inode") == "99")
            #expect(parsed.string("mamori.kind") == "file")
            #expect(parsed.int("mamori.result") == 0)
            #expect(parsed.string("process.entity_id") == "ent-1234")
        }
    }

    /// ECS / Elastic Defend: a rename's `file.path` is the new path, the old one is
    /// `file.Ext.original.path`; `file.target_path` is reserved for symlink targets.
    @Test func renameWritesTheNewPathAndTheOriginal() throws {
        let parsed = try line(.file(Fixture.file(.rename, path: "/tmp/a", target: "/tmp/b", inode: 0)))
        #expect(parsed.string("file.path") == "/tmp/b")
        #expect(parsed.string("file.name") == "b")
        #expect(parsed.string("file.Ext.original.path") == "/tmp/a")
        #expect(parsed.string("file.Ext.original.name") == "a")
        #expect(!parsed.has("file.target_path"))
        #expect(!parsed.has("file.inode"))
        #expect(!parsed.has("file.mode"))
    }

    @Test func chmodCreateAndChownDetails() throws {
        let chmod = try line(.file(Fixture.file(.chmod, mode: 0o100755)))
        #expect(chmod.string("file.mode") == "0755")
        let setuid = try line(.file(Fixture.file(.chmod, mode: 0o4711)))
        #expect(setuid.string("file.mode") == "04711")
        let create = try line(.file(Fixture.file(.create, openFlags: 0o101, mode: 0o600)))
        #expect(create.string("file.mode") == "0600")
        #expect(create.int("mamori.open_flags") == 0o101)
        let write = try line(.file(Fixture.file(.openWrite)))
        #expect(!write.has("file.mode"))
        #expect(!write.has("mamori.open_flags"))
        let chown = try line(.file(Fixture.file(.chown, owner: (0, nil))))
        #expect(chown.string("file.uid") == "0")
        #expect(!chown.has("file.gid"))
    }

    @Test func failedTruncatedRelativeAndWatchedFiles() throws {
        let flags: FileFlags = [.pathTruncated, .pathRelative, .watched]
        let parsed = try line(.file(Fixture.file(.openRead, path: "etc/shadow", result: -13, flags: flags)))
        #expect(parsed.string("event.outcome") == "failure")
        #expect(parsed.int("mamori.result") == -13)
        #expect(parsed.bool("mamori.truncated") == true)
        #expect(parsed.bool("mamori.path_relative") == true)
        #expect(parsed.bool("mamori.watched") == true)
        #expect(parsed.string("file.name") == "shadow")
        let plain = try line(.file(Fixture.file(.openRead)))
        #expect(!plain.has("mamori.truncated"))
        #expect(!plain.has("mamori.path_relative"))
        #expect(!plain.has("mamori.watched"))
    }

    @Test func gapDescribesTheLossAndNoProcess() throws {
        let gap = GapEvent(header: Fixture.header(.gap), lane: 1, cpu: 3, lost: [0, 2, 0, 0, 0, 40, 0])
        let parsed = try line(.gap(gap))
        #expect(parsed.string("@timestamp") == Fixture.eventTime)
        #expect(parsed.string("event.kind") == "event")
        #expect(!parsed.has("event.category"))
        #expect(parsed.strings("event.type") == ["info"])
        #expect(parsed.string("event.action") == "gap")
        #expect(!parsed.has("event.outcome"))
        #expect(parsed.string("mamori.kind") == "gap")
        #expect(parsed.string("mamori.gap.lane") == "bulk")
        #expect(parsed.int("mamori.gap.cpu") == 3)
        #expect(parsed.int("mamori.gap.lost") == 42)
        #expect(parsed.int("mamori.gap.lost_by_kind.exec") == 2)
        #expect(parsed.int("mamori.gap.lost_by_kind.file") == 40)
        #expect(parsed.keys("mamori.gap.lost_by_kind") == ["exec", "file"])
        #expect(!parsed.has("mamori.cgroup_id"))
        #expect(parsed.keys("") == ["@timestamp", "event", "host", "ecs", "mamori"])

        let odd = GapEvent(header: Fixture.header(.gap), lane: 7, cpu: 0, lost: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5])
        let oddParsed = try line(.gap(odd))
        #expect(oddParsed.string("mamori.gap.lane") == "7")
        #expect(oddParsed.int("mamori.gap.lost_by_kind.kind_0") == 1)
        #expect(oddParsed.int("mamori.gap.lost_by_kind.kind_11") == 5)
    }
}

/// Activity lines: the actor in `process.*`, the target and op details in `mamori.activity`.
@Suite struct ECSActivityEventTests {
    private func line(_ event: SensorEvent) throws -> ParsedLine {
        var encoder = Fixture.encoder()
        return try ParsedLine(encoder.encodeLine(event, process: Fixture.record(), parent: Fixture.parentRecord()))
    }

    @Test func procAccessCarriesTargetAndEntry() throws {
        let a = ActivityEvent(header: Fixture.header(.activity), subject: Fixture.subject(comm: "cat"), op: .procAccess,
                              flags: .read, value: 2, targetPid: 1500, targetTgid: 1500, targetUid: 115,
                              name: "postgres", path: "environ")
        let parsed = try line(.activity(a))
        #expect(parsed.string("event.action") == "proc_access")
        #expect(parsed.strings("event.category") == ["process"])
        #expect(parsed.int("mamori.activity.target_pid") == 1500)
        #expect(parsed.string("mamori.activity.proc_entry") == "environ")
        #expect(parsed.string("mamori.activity.access") == "read")
        #expect(parsed.string("mamori.activity.target_name") == "postgres")
    }

    @Test func utimesWritesFileAndMtime() throws {
        let a = ActivityEvent(header: Fixture.header(.activity), subject: Fixture.subject(comm: "touch"), op: .utimes,
                              arg0: 978_307_200, arg1: 0, arg2: 978_307_200, arg3: 0, path: "/usr/bin/x")
        let parsed = try line(.activity(a))
        #expect(parsed.string("file.path") == "/usr/bin/x")
        #expect(parsed.string("file.mtime")?.hasPrefix("2001-01-01T00:00:00") == true)
        #expect(parsed.bool("mamori.activity.explicit_times") == true)
    }

    @Test func capabilityWriteIsAFileChangeWithCapabilitiesAndNoResult() throws {
        let a = ActivityEvent(header: Fixture.header(.activity), subject: Fixture.subject(comm: "setcap"), op: .xattrSet,
                              flags: .noResult, arg0: 0x0200_0001, arg1: 1 << 7, arg3: 0xffff_ffff, path: "/tmp/x/py")
        let parsed = try line(.activity(a))
        #expect(parsed.string("event.action") == "capability_set")
        #expect(parsed.strings("event.category") == ["file"])
        #expect(parsed.string("event.outcome") == "unknown")
        #expect(parsed.string("file.path") == "/tmp/x/py")
        #expect(parsed.string("mamori.activity.capabilities") == "cap_setuid")
        #expect(parsed.bool("mamori.activity.capability_effective") == true)
        #expect(parsed.int("mamori.activity.result") == nil, "an enter-only record has no result")
    }

    @Test func fileFlagsCarryNewAndOldFlags() throws {
        let a = ActivityEvent(header: Fixture.header(.activity), subject: Fixture.subject(comm: "chattr"), op: .fileFlags,
                              flags: .noResult, value: 0x10, arg0: 0x4008_6602, path: "/tmp/x/keep")
        let parsed = try line(.activity(a))
        #expect(parsed.string("event.action") == "file_flags")
        #expect(parsed.string("mamori.activity.flags") == "immutable")
        #expect(parsed.string("mamori.activity.old_flags") == "")
    }
}
