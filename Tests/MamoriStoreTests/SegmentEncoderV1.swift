@testable import MamoriStore

/// The segment encoder of format version 1 (schema 4 as first released), kept in the tests so
/// that segments written by that format are proven readable by the current decoder.
struct SegmentEncoderV1 {
    private var dictionary: [String: UInt32] = [:]
    private var dictionaryBytes = SegmentByteWriter()
    private var records = SegmentByteWriter()
    /// Last string and index per field: rows of one process share their strings, so most
    /// lookups end at a pointer-equal comparison instead of a hash.
    private var recent = [(String, UInt32)?](repeating: nil, count: SegmentField.stringFields)
    private var entityIndexes = Set<UInt32>()
    private var previousTs: Int64 = 0
    private var previousBootDiff: Int64 = 0

    private(set) var count = 0
    /// Events the segment stands for (folded rows count `row.count`).
    private(set) var eventTotal = 0
    private(set) var firstUnixNs = Int64.max
    private(set) var lastUnixNs = Int64.min

    var isEmpty: Bool { count == 0 }
    var isFull: Bool {
        count >= SegmentFormat.maxEvents || dictionaryBytes.bytes.count + records.bytes.count >= SegmentFormat.maxBytes
    }

    /// The distinct entity ids of the segment's events.
    var entityIds: [String] {
        var byIndex = [String](repeating: "", count: dictionary.count)
        for (s, i) in dictionary { byIndex[Int(i)] = s }
        return entityIndexes.map { byIndex[Int($0)] }
    }

    mutating func append(_ e: EventRow) {
        var flags: UInt64 = 0
        func set(_ f: SegmentField, _ present: Bool) { if present { flags |= 1 << f.rawValue } }
        set(.ppid, e.ppid != nil); set(.entity, e.entityId != nil); set(.parent, e.parentEntityId != nil)
        set(.executable, e.executable != nil); set(.commandLine, e.commandLine != nil); set(.path, e.path != nil)
        set(.target, e.targetPath != nil); set(.srcIP, e.srcIP != nil); set(.srcPort, e.srcPort != nil)
        set(.dstIP, e.dstIP != nil); set(.dstPort, e.dstPort != nil); set(.transport, e.transport != nil)
        set(.result, e.result != nil); set(.uid, e.uid != nil); set(.unit, e.unit != nil)
        set(.ecs, e.ecsJSON != nil); set(.count, e.count != 1); set(.lastTs, e.lastTsUnixNs != nil)
        records.varint(flags)
        records.signed(e.tsUnixNs &- previousTs)
        previousTs = e.tsUnixNs
        let bootDiff = e.tsUnixNs &- Int64(bitPattern: e.tsNs)
        records.signed(bootDiff &- previousBootDiff)
        previousBootDiff = bootDiff
        string(e.kind, field: 0)
        string(e.action, field: 1)
        records.varint(UInt64(e.pid))
        if let v = e.ppid { records.varint(UInt64(v)) }
        if let v = e.entityId { entityIndexes.insert(string(v, field: 2)) }
        if let v = e.parentEntityId { string(v, field: 3) }
        if let v = e.executable { string(v, field: 4) }
        if let v = e.commandLine { string(v, field: 5) }
        if let v = e.path { string(v, field: 6) }
        if let v = e.targetPath { string(v, field: 7) }
        if let v = e.srcIP { string(v, field: 8) }
        if let v = e.srcPort { records.varint(UInt64(v)) }
        if let v = e.dstIP { string(v, field: 9) }
        if let v = e.dstPort { records.varint(UInt64(v)) }
        if let v = e.transport { string(v, field: 10) }
        if let v = e.result { records.signed(Int64(v)) }
        if let v = e.uid { records.varint(UInt64(v)) }
        if let v = e.unit { string(v, field: 11) }
        if let v = e.ecsJSON { string(v, field: 12, limit: SegmentFormat.maxDocumentBytes) }
        if e.count != 1 { records.varint(UInt64(max(0, e.count))) }
        if let v = e.lastTsUnixNs { records.signed(v &- e.tsUnixNs) }
        count += 1
        eventTotal += max(1, e.count)
        firstUnixNs = min(firstUnixNs, e.tsUnixNs)
        lastUnixNs = max(lastUnixNs, e.lastTsUnixNs ?? e.tsUnixNs, e.tsUnixNs)
    }

    /// Writes the dictionary index of `value` (adding it when new) and returns it.
    @discardableResult
    private mutating func string(_ value: String, field: Int, limit: Int = SegmentFormat.maxFieldBytes) -> UInt32 {
        if let (last, index) = recent[field], last == value {
            records.varint(UInt64(index))
            return index
        }
        let bounded = SegmentFormat.bounded(value, maxBytes: limit)
        let index: UInt32
        if let known = dictionary[bounded] {
            index = known
        } else {
            index = UInt32(dictionary.count)
            dictionary[bounded] = index
            dictionaryBytes.string(bounded.utf8)
        }
        recent[field] = (value, index)
        records.varint(UInt64(index))
        return index
    }

    /// The segment's bytes: magic, format version, dictionary, records.
    func encoded() -> [UInt8] {
        var out = SegmentByteWriter()
        out.bytes.reserveCapacity(dictionaryBytes.bytes.count + records.bytes.count + 16)
        out.bytes.append(contentsOf: SegmentFormat.magic)
        out.bytes.append(1)
        out.varint(UInt64(dictionary.count))
        out.bytes.append(contentsOf: dictionaryBytes.bytes)
        out.varint(UInt64(count))
        out.bytes.append(contentsOf: records.bytes)
        return out.bytes
    }
}
