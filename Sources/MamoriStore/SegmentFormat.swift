/// Constants and the decoder of the event segment format (written: version 2; read: 1 and 2).
///
/// Exists so that the layout is defined in one place next to its limits. A segment is
/// `"MSEG"`, a version byte, a varint string count and that many length-prefixed UTF-8
/// strings, a varint event count, then:
/// - version 1: that many records in insertion order. A record is a varint field bitmap
///   (`SegmentField`), the wall-clock delta to the previous record and the delta of
///   (wall clock − boot time) to the previous record (zigzag varints), the kind and action
///   string indexes, the pid, then each present field in bitmap order: integers as varints
///   (the result zigzag), strings as dictionary indexes, `lastTsUnixNs` as a delta to the
///   record's own time.
/// - version 2: the first record's wall clock and (wall clock − boot time) (zigzag), a group
///   count, then one group per entity: entity string index + 1 (0: events without one), record
///   count, byte length, records. A record is as in version 1 except that the bitmap is
///   followed by its position delta (position in the batch − previous position in the group
///   − 1), times are deltas to the previous record of the group (the first to the base), and
///   the entity index is left out (the group's).
/// Stateless; any thread.
enum SegmentFormat {
    static let magic: [UInt8] = Array("MSEG".utf8)
    static let version: UInt8 = 2
    /// Events per segment; event ids are `segmentId × 65,536 + index`.
    static let maxEvents = 65_535
    static let idsPerSegment: Int64 = 65_536
    /// A segment closes once its dictionary and records reach this many bytes.
    static let maxBytes = 1 << 20
    /// Any string field (path, argv, executable, ...) is cut to this many UTF-8 bytes.
    static let maxFieldBytes = 4_096
    /// The ECS document of an event is cut to this many bytes.
    static let maxDocumentBytes = 65_536

    /// `s` cut to at most `maxBytes` UTF-8 bytes at a scalar boundary.
    static func bounded(_ s: String, maxBytes: Int) -> String {
        let utf8 = s.utf8
        guard utf8.count > maxBytes else { return s }
        var end = utf8.index(utf8.startIndex, offsetBy: maxBytes)
        while end > utf8.startIndex, UTF8.isContinuation(utf8[end]) { end = utf8.index(before: end) }
        return String(s[..<end])
    }

    /// What a read wants from a segment: the segments it cannot match are left unparsed.
    struct Want {
        /// Only the rows of these entity ids (nil: every row).
        var entities: Set<String>?
        /// A string the rows must contain (an exact path): a segment whose dictionary lacks it
        /// holds no matching row and is skipped before its records are read.
        var requiredString: String?

        static let all = Want()
    }

    /// Decodes a stored segment (format 1 or 2) into rows, ids assigned from `segmentId`.
    ///
    /// With `want.entities`, only those entities' rows are built: in format 2 the other
    /// processes' record groups are jumped over by their byte length; in format 1 their
    /// records are parsed and skipped.
    static func decode(_ bytes: [UInt8], segmentId: Int64, want: Want = .all) throws -> [EventRow] {
        var r = SegmentByteReader(bytes)
        guard bytes.count >= 5, Array(bytes[0..<4]) == magic else { throw SegmentCorruption(reason: "bad magic") }
        r.offset = 4
        let version = try r.byte()
        guard version == 1 || version == 2 else { throw SegmentCorruption(reason: "unknown format version \(version)") }
        var strings = try SegmentStrings(&r)
        let count = try r.bounded(maxEvents + 1, what: "event count")
        var pathIndex: Int?
        if let required = want.requiredString {
            guard let index = strings.index(of: required) else { return [] }
            pathIndex = index
        }
        var wanted: Set<Int>?
        if let entities = want.entities {
            let found = entities.compactMap { strings.index(of: $0) }
            if found.isEmpty { return [] }
            wanted = Set(found)
        }
        var rows: [EventRow]
        if version == 1 {
            rows = try decodeV1(&r, count: count, strings: &strings, segmentId: segmentId, wanted: wanted,
                                pathIndex: pathIndex)
        } else {
            rows = try decodeV2(&r, count: count, strings: &strings, segmentId: segmentId, wanted: wanted,
                                pathIndex: pathIndex)
        }
        guard r.atEnd else { throw SegmentCorruption(reason: "\(bytes.count - r.offset) bytes after the last record") }
        if version == 2 && (wanted == nil || wanted!.count > 1) { rows.sort { $0.id! < $1.id! } }
        return rows
    }

    /// Format 2: base times, then record groups per entity (see `SegmentEncoder.encoded`).
    private static func decodeV2(_ r: inout SegmentByteReader, count: Int, strings: inout SegmentStrings,
                                 segmentId: Int64, wanted: Set<Int>?, pathIndex: Int?) throws -> [EventRow] {
        let baseTs = try r.signed()
        let baseBootDiff = try r.signed()
        let groupCount = try r.bounded(count + 1, what: "group count")
        var rows = [EventRow]()
        rows.reserveCapacity(wanted == nil ? count : 64)
        var total = 0
        for _ in 0..<groupCount {
            let entityPlusOne = try r.bounded(strings.count + 1, what: "group entity")
            let records = try r.bounded(count - total + 1, what: "group record count")
            let length = try r.bounded(r.bytes.count - r.offset + 1, what: "group length")
            total += records
            let end = r.offset + length
            let entity = entityPlusOne - 1
            if let wanted, !wanted.contains(entity) {
                r.offset = end
                continue
            }
            var ts = baseTs, bootDiff = baseBootDiff, position = -1
            for _ in 0..<records {
                let flags = try r.varint()
                position += 1 + (try r.bounded(maxEvents + 1, what: "record position"))
                guard position < count else { throw SegmentCorruption(reason: "record position \(position) out of range") }
                ts &+= try r.signed()
                bootDiff &+= try r.signed()
                if let pathIndex, try !holdsPath(&r, flags: flags, pathIndex: pathIndex, entityStored: false) { continue }
                rows.append(try record(&r, flags: flags, id: segmentId &* idsPerSegment &+ Int64(position),
                                       ts: ts, bootDiff: bootDiff, strings: &strings, entity: entity))
            }
            guard r.offset == end else { throw SegmentCorruption(reason: "record group ends at \(r.offset), not \(end)") }
        }
        guard total == count else { throw SegmentCorruption(reason: "groups hold \(total) of \(count) records") }
        return rows
    }

    /// Format 1: records in insertion order, each with its entity index.
    private static func decodeV1(_ r: inout SegmentByteReader, count: Int, strings: inout SegmentStrings,
                                 segmentId: Int64, wanted: Set<Int>?, pathIndex: Int?) throws -> [EventRow] {
        var rows = [EventRow]()
        rows.reserveCapacity(wanted == nil ? count : 64)
        var ts: Int64 = 0
        var bootDiff: Int64 = 0
        for i in 0..<count {
            let flags = try r.varint()
            func has(_ f: SegmentField) -> Bool { flags & (1 << f.rawValue) != 0 }
            ts &+= try r.signed()
            bootDiff &+= try r.signed()
            if let wanted {
                // Parse the record without building it unless its entity is one asked for.
                let start = r.offset
                _ = try r.varint(); _ = try r.varint(); _ = try r.varint()  // kind, action, pid
                if has(.ppid) { _ = try r.varint() }
                let entityIndex = has(.entity) ? Int(try r.varint()) : -1
                if !wanted.contains(entityIndex) {
                    // Every later field is one varint: skip one per set bit above `entity`.
                    var rest = flags >> (SegmentField.entity.rawValue + 1)
                    while rest != 0 {
                        if rest & 1 != 0 { _ = try r.varint() }
                        rest >>= 1
                    }
                    continue
                }
                r.offset = start
            }
            if let pathIndex, try !holdsPath(&r, flags: flags, pathIndex: pathIndex, entityStored: true) { continue }
            rows.append(try record(&r, flags: flags, id: segmentId &* idsPerSegment &+ Int64(i),
                                   ts: ts, bootDiff: bootDiff, strings: &strings, entity: nil))
        }
        return rows
    }

    /// Whether the record at `r` (after its bitmap and times) has `pathIndex` as its path or
    /// rename target. Reads it through when not (every field after the pid is one varint), else
    /// leaves `r` where it was so the record can be built.
    private static func holdsPath(_ r: inout SegmentByteReader, flags: UInt64, pathIndex: Int,
                                  entityStored: Bool) throws -> Bool {
        let start = r.offset
        _ = try r.varint(); _ = try r.varint(); _ = try r.varint()  // kind, action, pid
        var found = false
        var rest = flags
        var bit: UInt64 = 0
        while rest != 0 {
            if rest & 1 != 0, bit != SegmentField.entity.rawValue || entityStored {
                let v = try r.varint()
                if (bit == SegmentField.path.rawValue || bit == SegmentField.target.rawValue) && v == UInt64(pathIndex) {
                    found = true
                }
            }
            rest >>= 1
            bit += 1
        }
        if found { r.offset = start }
        return found
    }

    /// One record after its bitmap and times. `entity` is the group's entity index (format 2,
    /// not stored in the record) or nil (format 1: the index follows the ppid).
    private static func record(_ r: inout SegmentByteReader, flags: UInt64, id: Int64, ts: Int64, bootDiff: Int64,
                               strings: inout SegmentStrings, entity: Int?) throws -> EventRow {
        func has(_ f: SegmentField) -> Bool { flags & (1 << f.rawValue) != 0 }
        func text() throws -> String { try strings.string(try r.bounded(strings.count, what: "string index")) }
        var e = EventRow(id: id, tsNs: UInt64(bitPattern: ts &- bootDiff), tsUnixNs: ts, kind: try text(),
                         action: try text(), pid: UInt32(truncatingIfNeeded: try r.varint()))
        if has(.ppid) { e.ppid = UInt32(truncatingIfNeeded: try r.varint()) }
        if let entity {
            if has(.entity) {
                guard entity >= 0 else { throw SegmentCorruption(reason: "entity flag in the group without entity") }
                e.entityId = try strings.string(entity)
            }
        } else if has(.entity) {
            e.entityId = try text()
        }
        if has(.parent) { e.parentEntityId = try text() }
        if has(.executable) { e.executable = try text() }
        if has(.commandLine) { e.commandLine = try text() }
        if has(.path) { e.path = try text() }
        if has(.target) { e.targetPath = try text() }
        if has(.srcIP) { e.srcIP = try text() }
        if has(.srcPort) { e.srcPort = UInt16(truncatingIfNeeded: try r.varint()) }
        if has(.dstIP) { e.dstIP = try text() }
        if has(.dstPort) { e.dstPort = UInt16(truncatingIfNeeded: try r.varint()) }
        if has(.transport) { e.transport = try text() }
        if has(.result) { e.result = Int32(truncatingIfNeeded: try r.signed()) }
        if has(.uid) { e.uid = UInt32(truncatingIfNeeded: try r.varint()) }
        if has(.unit) { e.unit = try text() }
        if has(.ecs) { e.ecsJSON = try text() }
        if has(.count) { e.count = Int(truncatingIfNeeded: try r.varint()) }
        if has(.lastTs) { e.lastTsUnixNs = ts &+ (try r.signed()) }
        return e
    }
}

/// A segment's string dictionary: byte ranges read up front, `String`s built on first use
/// (a filtered read touches few of them). One decode; not shared.
struct SegmentStrings {
    private let bytes: [UInt8]
    private var ranges: [Range<Int>] = []
    private var made: [String?]

    init(_ r: inout SegmentByteReader) throws {
        bytes = r.bytes
        let stringCount = try r.bounded(r.bytes.count, what: "string count")
        ranges.reserveCapacity(stringCount)
        for _ in 0..<stringCount {
            let length = try r.varint()
            guard length <= UInt64(r.bytes.count - r.offset) else {
                throw SegmentCorruption(reason: "string of \(length) bytes at \(r.offset) runs past the end")
            }
            ranges.append(r.offset..<r.offset + Int(length))
            r.offset += Int(length)
        }
        made = [String?](repeating: nil, count: stringCount)
    }

    var count: Int { ranges.count }

    /// The index of `value` (byte-wise equal), if the segment holds it.
    func index(of value: String) -> Int? {
        let utf8 = value.utf8
        return ranges.firstIndex { $0.count == utf8.count && bytes[$0].elementsEqual(utf8) }
    }

    mutating func string(_ i: Int) throws -> String {
        guard i >= 0 && i < ranges.count else { throw SegmentCorruption(reason: "string index \(i) out of range") }
        if let known = made[i] { return known }
        let s = String(decoding: bytes[ranges[i]], as: UTF8.self)
        made[i] = s
        return s
    }
}

/// The optional fields of a segment record, by bit position in its bitmap (stable: stored
/// segments depend on these numbers).
enum SegmentField: UInt64 {
    case ppid = 0, entity, parent, executable, commandLine, path, target, srcIP, srcPort, dstIP, dstPort,
         transport, result, uid, unit, ecs, count, lastTs

    /// Fields stored as dictionary indexes, counted for the encoder's recent-value cache
    /// (kind, action, entity, parent, executable, command line, path, target, source IP,
    /// destination IP, transport, unit, ECS document).
    static let stringFields = 13
}
