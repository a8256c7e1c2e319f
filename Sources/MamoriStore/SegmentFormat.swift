/// Constants and the decoder of the event segment format (version 1).
///
/// Exists so that the layout is defined in one place next to its limits. A segment is
/// `"MSEG"`, a version byte, a varint string count and that many length-prefixed UTF-8
/// strings, a varint event count and that many records. A record is a varint field bitmap
/// (`SegmentField`), the wall-clock delta to the previous record and the delta of
/// (wall clock − boot time) to the previous record (zigzag varints), the kind and action
/// string indexes, the pid, then each present field in bitmap order: integers as varints
/// (the result zigzag), strings as dictionary indexes, `lastTsUnixNs` as a delta to the
/// record's own time. Stateless; any thread.
enum SegmentFormat {
    static let magic: [UInt8] = Array("MSEG".utf8)
    static let version: UInt8 = 1
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

    /// Decodes a stored segment into rows (ids assigned from `segmentId`).
    ///
    /// With `entity`, only that entity's rows are built (the others are parsed and skipped):
    /// a story reads each process's events from segments shared with the whole machine.
    static func decode(_ bytes: [UInt8], segmentId: Int64, entity: String? = nil) throws -> [EventRow] {
        var r = SegmentByteReader(bytes)
        guard bytes.count >= 5, Array(bytes[0..<4]) == magic else { throw SegmentCorruption(reason: "bad magic") }
        r.offset = 4
        let version = try r.byte()
        guard version == Self.version else { throw SegmentCorruption(reason: "unknown format version \(version)") }
        let stringCount = try r.bounded(bytes.count, what: "string count")
        // Strings are built on first use: a filtered read touches few of them.
        var ranges = [Range<Int>]()
        ranges.reserveCapacity(stringCount)
        for _ in 0..<stringCount {
            let length = try r.varint()
            guard length <= UInt64(bytes.count - r.offset) else {
                throw SegmentCorruption(reason: "string of \(length) bytes at \(r.offset) runs past the end")
            }
            ranges.append(r.offset..<r.offset + Int(length))
            r.offset += Int(length)
        }
        var strings = [String?](repeating: nil, count: stringCount)
        let count = try r.bounded(maxEvents + 1, what: "event count")
        var wanted: Int?
        if let entity {
            guard let index = ranges.firstIndex(where: { bytes[$0].elementsEqual(entity.utf8) }) else { return [] }
            wanted = index
        }
        var rows = [EventRow]()
        rows.reserveCapacity(count)
        var ts: Int64 = 0
        var bootDiff: Int64 = 0
        func text() throws -> String {
            let i = try r.bounded(ranges.count, what: "string index")
            if let known = strings[i] { return known }
            let made = String(decoding: bytes[ranges[i]], as: UTF8.self)
            strings[i] = made
            return made
        }
        for i in 0..<count {
            let flags = try r.varint()
            func has(_ f: SegmentField) -> Bool { flags & (1 << f.rawValue) != 0 }
            ts &+= try r.signed()
            bootDiff &+= try r.signed()
            if let wanted {
                // Parse the record without building it unless its entity is the one asked for.
                let start = r.offset
                _ = try r.varint(); _ = try r.varint(); _ = try r.varint()  // kind, action, pid
                if has(.ppid) { _ = try r.varint() }
                let entityIndex = has(.entity) ? Int(try r.varint()) : -1
                if entityIndex != wanted {
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
            var e = EventRow(id: segmentId &* idsPerSegment &+ Int64(i), tsNs: UInt64(bitPattern: ts &- bootDiff),
                             tsUnixNs: ts, kind: try text(), action: try text(),
                             pid: UInt32(truncatingIfNeeded: try r.varint()))
            if has(.ppid) { e.ppid = UInt32(truncatingIfNeeded: try r.varint()) }
            if has(.entity) { e.entityId = try text() }
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
            rows.append(e)
        }
        guard r.atEnd else { throw SegmentCorruption(reason: "\(bytes.count - r.offset) bytes after the last record") }
        return rows
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
