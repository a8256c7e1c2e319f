import MamoriEvents
import Testing
@testable import MamoriStore

@Suite struct EventQueryTests {
    /// Seven events of three processes, one second apart from `Rows.t0 + 1s`.
    static func seeded() throws -> (TempDir, EventStore) {
        let dir = TempDir()
        let store = try EventStore(path: dir.dbPath)
        let rows: [EventRow] = [
            Rows.event(1, kind: "exec", action: "exec", pid: 100, entity: "E100", path: "/usr/bin/curl"),
            Rows.event(2, kind: "file", action: "creation", pid: 100, entity: "E100", path: "/tmp/a.sh"),
            Rows.event(3, kind: "file", action: "rename", pid: 200, entity: "E200", path: "/tmp/b",
                       target: "/usr/local/bin/b"),
            Rows.event(4, kind: "network", action: "connect", pid: 200, entity: "E200",
                       src: "10.0.0.5", dst: "93.184.216.34"),
            Rows.event(5, kind: "network", action: "accept", pid: 300, entity: "E300",
                       src: "192.168.1.9", dst: "10.0.0.5"),
            Rows.event(6, kind: "file", action: "open-write", pid: 300, entity: "E300", path: "/etc/shadow"),
            Rows.event(7, kind: "exit", action: "exit", pid: 100, entity: "E100"),
        ]
        try store.write(rows.map { StoreItem.event($0) })
        return (dir, store)
    }

    static func numbers(_ rows: [EventRow]) -> [Int] {
        rows.map { Int(($0.tsUnixNs - Rows.t0) / Rows.second) }
    }

    @Test func noFilterReturnsAllInTimeOrder() throws {
        let (_, store) = try Self.seeded()
        #expect(Self.numbers(try store.events(filter: EventFilter())) == [1, 2, 3, 4, 5, 6, 7])
        let first = try store.events(filter: EventFilter(limit: 1))[0]
        #expect(first.id != nil && first.kind == "exec" && first.unit == "test.service" && first.uid == 1000)
    }

    @Test func timeRange() throws {
        let (_, store) = try Self.seeded()
        let f = EventFilter(since: Rows.t0 + 3 * Rows.second, until: Rows.t0 + 6 * Rows.second)
        #expect(Self.numbers(try store.events(filter: f)) == [3, 4, 5])  // since inclusive, until exclusive
    }

    @Test func pidAndEntity() throws {
        let (_, store) = try Self.seeded()
        #expect(Self.numbers(try store.events(filter: EventFilter(pid: 100))) == [1, 2, 7])
        #expect(Self.numbers(try store.events(filter: EventFilter(entityId: "E200"))) == [3, 4])
        #expect(try store.events(filter: EventFilter(pid: 999)).isEmpty)
    }

    @Test func kinds() throws {
        let (_, store) = try Self.seeded()
        #expect(Self.numbers(try store.events(filter: EventFilter(kinds: [.network]))) == [4, 5])
        #expect(Self.numbers(try store.events(filter: EventFilter(kinds: [.exec, .exit]))) == [1, 7])
    }

    @Test func pathPrefixContainsExact() throws {
        let (_, store) = try Self.seeded()
        #expect(Self.numbers(try store.events(filter: EventFilter(path: .prefix("/tmp/")))) == [2, 3])
        #expect(Self.numbers(try store.events(filter: EventFilter(path: .prefix("/usr/")))) == [1, 3])  // exec file, rename target
        #expect(Self.numbers(try store.events(filter: EventFilter(path: .contains("shad")))) == [6])
        #expect(Self.numbers(try store.events(filter: EventFilter(path: .exact("/tmp/b")))) == [3])
        #expect(Self.numbers(try store.events(filter: EventFilter(path: .exact("/tmp")))) == [])
        #expect(Self.numbers(try store.events(filter: EventFilter(path: .prefix("")))) == [1, 2, 3, 6])
    }

    @Test func prefixUsesTheIndex() throws {
        let (_, store) = try Self.seeded()
        let plan = try store.connection.prepare("""
            EXPLAIN QUERY PLAN SELECT id FROM events WHERE (path >= '/tmp/' AND path < '/tmp0')
                OR (target_path >= '/tmp/' AND target_path < '/tmp0')
            """).rows { $0.string(3) }.joined(separator: "\n")
        #expect(plan.contains("events_path") && plan.contains("events_target_path"), "\(plan)")
        #expect(EventStore.prefixUpperBound("/tmp/") == "/tmp0")
        #expect(EventStore.prefixUpperBound("a\u{10FFFF}") == "b")
        #expect(EventStore.prefixUpperBound("") == nil)
    }

    @Test func address() throws {
        let (_, store) = try Self.seeded()
        #expect(Self.numbers(try store.events(filter: EventFilter(address: "10.0.0.5"))) == [4, 5])
        #expect(Self.numbers(try store.events(filter: EventFilter(address: "93.184.216.34"))) == [4])
        let row = try store.events(filter: EventFilter(address: "93.184.216.34"))[0]
        #expect(row.dstPort == 443 && row.srcPort == 40000 && row.transport == "tcp")
    }

    @Test func limitOrderAndCombinations() throws {
        let (_, store) = try Self.seeded()
        #expect(Self.numbers(try store.events(filter: EventFilter(limit: 2, order: .newestFirst))) == [7, 6])
        #expect(Self.numbers(try store.events(filter: EventFilter(limit: 0))).count == 7)
        let combined = EventFilter(since: Rows.t0 + 2 * Rows.second, pid: 200, kinds: [.file], path: .prefix("/tmp"))
        #expect(Self.numbers(try store.events(filter: combined)) == [3])
    }

    @Test func storyTimelineForEntities() throws {
        let (_, store) = try Self.seeded()
        #expect(Self.numbers(try store.events(forEntities: ["E300", "E100", "E100"])) == [1, 2, 5, 6, 7])
        #expect(Self.numbers(try store.events(forEntities: ["E100"], since: Rows.t0 + 2 * Rows.second)) == [2, 7])
        #expect(Self.numbers(try store.events(forEntities: ["E100", "E200"], limit: 3)) == [1, 2, 3])
        #expect(try store.events(forEntities: []).isEmpty)
        // More ids than one chunk holds.
        let many = (0..<1_200).map { "X\($0)" } + ["E200"]
        #expect(Self.numbers(try store.events(forEntities: many)) == [3, 4])
    }

    @Test func rowsFromSensorEvents() throws {
        let header = EventHeader(kind: EventKind.network.rawValue, version: 1, size: 0, ktimeNs: 5_000,
                                 tgid: 42, tid: 42, startBoottimeNs: 1_000)
        let subject = Subject(ppid: 7, uid: 1000, gid: 1000, euid: 1000, cgroupId: 1, comm: "curl")
        let net = SensorEvent.network(NetworkEvent(
            header: header, subject: subject, op: .connect, family: .inet, proto: 6, socketType: 1, result: 0,
            source: IPAddress(family: .inet, bytes: [10, 0, 0, 1]), sourcePort: 5555,
            destination: IPAddress(family: .inet, bytes: [1, 1, 1, 1]), destinationPort: 53))
        let row = EventRow(net, process: nil, parentEntityId: "PARENT", realtimeOffsetNs: 1_000_000, ecsJSON: "{}")
        #expect(row.kind == "network" && row.action == "connect" && row.pid == 42 && row.ppid == 7)
        #expect(row.srcIP == "10.0.0.1" && row.dstIP == "1.1.1.1" && row.dstPort == 53 && row.transport == "tcp")
        #expect(row.tsNs == 5_000 && row.tsUnixNs == 1_005_000 && row.parentEntityId == "PARENT")

        var fileHeader = header
        fileHeader.kind = EventKind.file.rawValue
        let file = SensorEvent.file(FileEvent(
            header: fileHeader, subject: subject, op: .rename, result: -13, flags: [], openFlags: 0, mode: 0,
            ownerUid: nil, ownerGid: nil, inode: 1, device: 1, path: "/a", targetPath: "/b"))
        let fileRow = EventRow(file, process: nil, parentEntityId: nil, realtimeOffsetNs: 0)
        #expect(fileRow.action == "rename" && fileRow.path == "/a" && fileRow.targetPath == "/b" && fileRow.result == -13)

        let exit = SensorEvent.exit(ExitEvent(header: header, subject: subject, exitStatus: 9))  // SIGKILL
        #expect(EventRow(exit, process: nil, parentEntityId: nil, realtimeOffsetNs: 0).result == 137)

        let dir = TempDir()
        let store = try EventStore(path: dir.dbPath)
        let id = try store.insert(row)
        var expected = row
        expected.id = id
        #expect(try store.events(filter: EventFilter()) == [expected])
    }
}
