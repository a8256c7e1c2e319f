import FuzzSupport
@testable import MamoriStore

// Fuzzes `SegmentFormat.decode`, the reader of the event segments the store keeps on disk
// (a database file edited by whoever gains write access to it, or torn by a crash): every
// blob must decode or throw `SegmentCorruption`, never trap, read out of bounds (ASan) or
// allocate without bound from a lying count. A filtered read (one entity, a required string)
// must return a subset of the full read, and a decoded segment must survive re-encoding with
// the same number of rows.

func seedRows() -> [EventRow] {
    (0..<12).map { n in
        EventRow(tsNs: UInt64(1_000 + n), tsUnixNs: 1_700_000_000_000_000_000 + Int64(n) * 1_000,
                 kind: n % 4 == 0 ? "network" : "file", action: n % 3 == 0 ? "rename" : "open-write",
                 pid: UInt32(100 + n % 3), ppid: n % 5 == 0 ? nil : 1, entityId: "E\(n % 3)",
                 executable: "/usr/bin/tool", commandLine: "tool --n \(n)", path: "/srv/data/f-\(n % 4)",
                 targetPath: n % 3 == 0 ? "/srv/x/\(n)" : nil, dstIP: n % 4 == 0 ? "203.0.113.7" : nil,
                 dstPort: n % 4 == 0 ? 443 : nil, result: n % 2 == 0 ? 0 : -13, uid: 1000,
                 ecsJSON: n == 5 ? "{\"a\":1}" : nil, count: n == 7 ? 9 : 1,
                 lastTsUnixNs: n == 7 ? 1_700_000_000_000_900_000 : nil)
    }
}

func encode(_ rows: [EventRow]) -> [UInt8] {
    var encoder = SegmentEncoder()
    for row in rows { encoder.append(row) }
    return encoder.encoded()
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    let rows = seedRows()
    FuzzSeeds.emitIfAsked([
        ("segment-12", encode(rows)),
        ("segment-1", encode([rows[3]])),
        ("segment-empty", encode([])),
        ("segment-unicode", encode([EventRow(tsNs: 1, tsUnixNs: 5, kind: "file", action: "create", pid: 1,
                                             entityId: "E", path: "/tmp/caf\u{e9}-\u{1F600}\u{0}nul")])),
    ].map { (name: $0.0, bytes: $0.1) })
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(fuzzInput(data, size))
    guard let all = try? SegmentFormat.decode(bytes, segmentId: 1) else { return 0 }
    precondition(all.count <= SegmentFormat.maxEvents, "more rows than a segment holds")
    if let entity = all.first?.entityId {
        let some = (try? SegmentFormat.decode(bytes, segmentId: 1, want: .init(entities: [entity]))) ?? []
        precondition(some.allSatisfy { row in all.contains(row) }, "an entity read returned a row the full read does not have")
    }
    if let path = all.first?.path {
        let some = (try? SegmentFormat.decode(bytes, segmentId: 1, want: .init(requiredString: path))) ?? []
        precondition(some.count <= all.count, "a filtered read returned more rows")
    }
    let again = try? SegmentFormat.decode(encode(all), segmentId: 1)
    precondition(again?.count == all.count, "a decoded segment did not survive re-encoding")
    return 0
}
