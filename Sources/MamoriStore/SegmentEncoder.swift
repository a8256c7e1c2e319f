/// Packs a batch of events into one compact segment: a string dictionary followed by
/// varint records that refer to it (format in `docs/store.md`, "Event segments").
///
/// Exists because one SQLite row per event (seven indexes, the executable and command line
/// repeated in every row) cost ~390 bytes and most of the writer's time. A segment stores each
/// distinct string once, times as deltas, and absent fields as a clear bit, so a typical event
/// costs 10–30 bytes; SQLite keeps only one row per segment plus one per process in it
/// (`segment_entities`), which is what story/entity queries need to find it.
///
/// Since format version 2 the records are grouped by process (entity id) with a small header
/// per group (its entity, record count, byte length), so a read for one process jumps over
/// the other processes' records instead of parsing them; each record keeps its position in
/// the batch (a delta within its group), so ids and insertion order are unchanged.
///
/// Hostile strings are bounded: every field is cut to `SegmentFormat.maxFieldBytes` (the ECS
/// document to `maxDocumentBytes`) at a UTF-8 boundary, and a segment closes at
/// `maxEvents` events or `maxBytes` bytes. Used by the writer thread only; not thread-safe.
struct SegmentEncoder {
    private var dictionary: [String: UInt32] = [:]
    private var dictionaryBytes = SegmentByteWriter()
    /// Last string and index per field: rows of one process share their strings, so most
    /// lookups end at a pointer-equal comparison instead of a hash.
    private var recent = [(String, UInt32)?](repeating: nil, count: SegmentField.stringFields)
    /// Record groups, one per entity (dictionary index, or -1 for events without one).
    private var groups: [Group] = []
    private var groupOf: [Int64: Int] = [:]
    private var lastGroup = -1
    private var recordBytes = 0
    /// Time and (wall clock − boot time) of the segment's first record: every group's deltas
    /// start from these.
    private var baseTs: Int64 = 0
    private var baseBootDiff: Int64 = 0

    private struct Group {
        var entity: Int64
        var count = 0
        var records = SegmentByteWriter()
        var lastPosition = -1
        var previousTs: Int64
        var previousBootDiff: Int64
    }

    private(set) var count = 0
    /// Events the segment stands for (folded rows count `row.count`).
    private(set) var eventTotal = 0
    private(set) var firstUnixNs = Int64.max
    private(set) var lastUnixNs = Int64.min

    var isEmpty: Bool { count == 0 }
    var isFull: Bool {
        count >= SegmentFormat.maxEvents || dictionaryBytes.bytes.count + recordBytes >= SegmentFormat.maxBytes
    }

    /// The distinct entity ids of the segment's events.
    var entityIds: [String] {
        var byIndex = [String](repeating: "", count: dictionary.count)
        for (s, i) in dictionary { byIndex[Int(i)] = s }
        return groups.compactMap { $0.entity >= 0 ? byIndex[Int($0.entity)] : nil }
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
        let bootDiff = e.tsUnixNs &- Int64(bitPattern: e.tsNs)
        if count == 0 { baseTs = e.tsUnixNs; baseBootDiff = bootDiff }
        let entity: Int64 = e.entityId.map { Int64(string($0, field: 2)) } ?? -1
        let g: Int
        if lastGroup >= 0, groups[lastGroup].entity == entity {
            g = lastGroup
        } else if let known = groupOf[entity] {
            g = known
        } else {
            g = groups.count
            groups.append(Group(entity: entity, previousTs: baseTs, previousBootDiff: baseBootDiff))
            groupOf[entity] = g
        }
        lastGroup = g
        var out = groups[g].records
        groups[g].records = SegmentByteWriter()  // keep `out` uniquely referenced: appends in place
        let before = out.bytes.count
        out.varint(flags)
        out.varint(UInt64(count - groups[g].lastPosition - 1))
        groups[g].lastPosition = count
        out.signed(e.tsUnixNs &- groups[g].previousTs)
        groups[g].previousTs = e.tsUnixNs
        out.signed(bootDiff &- groups[g].previousBootDiff)
        groups[g].previousBootDiff = bootDiff
        out.varint(UInt64(string(e.kind, field: 0)))
        out.varint(UInt64(string(e.action, field: 1)))
        out.varint(UInt64(e.pid))
        if let v = e.ppid { out.varint(UInt64(v)) }
        if let v = e.parentEntityId { out.varint(UInt64(string(v, field: 3))) }
        if let v = e.executable { out.varint(UInt64(string(v, field: 4))) }
        if let v = e.commandLine { out.varint(UInt64(string(v, field: 5))) }
        if let v = e.path { out.varint(UInt64(string(v, field: 6))) }
        if let v = e.targetPath { out.varint(UInt64(string(v, field: 7))) }
        if let v = e.srcIP { out.varint(UInt64(string(v, field: 8))) }
        if let v = e.srcPort { out.varint(UInt64(v)) }
        if let v = e.dstIP { out.varint(UInt64(string(v, field: 9))) }
        if let v = e.dstPort { out.varint(UInt64(v)) }
        if let v = e.transport { out.varint(UInt64(string(v, field: 10))) }
        if let v = e.result { out.signed(Int64(v)) }
        if let v = e.uid { out.varint(UInt64(v)) }
        if let v = e.unit { out.varint(UInt64(string(v, field: 11))) }
        if let v = e.ecsJSON { out.varint(UInt64(string(v, field: 12, limit: SegmentFormat.maxDocumentBytes))) }
        if e.count != 1 { out.varint(UInt64(max(0, e.count))) }
        if let v = e.lastTsUnixNs { out.signed(v &- e.tsUnixNs) }
        recordBytes += out.bytes.count - before
        groups[g].records = out
        groups[g].count += 1
        count += 1
        eventTotal += max(1, e.count)
        firstUnixNs = min(firstUnixNs, e.tsUnixNs)
        lastUnixNs = max(lastUnixNs, e.lastTsUnixNs ?? e.tsUnixNs, e.tsUnixNs)
    }

    /// The dictionary index of `value` (added when new).
    private mutating func string(_ value: String, field: Int, limit: Int = SegmentFormat.maxFieldBytes) -> UInt32 {
        if let (last, index) = recent[field], last == value { return index }
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
        return index
    }

    /// The segment's bytes: magic, format version, dictionary, event count, base times, then
    /// the groups (entity index + 1 or 0, record count, byte length, records).
    func encoded() -> [UInt8] {
        var out = SegmentByteWriter()
        out.bytes.reserveCapacity(dictionaryBytes.bytes.count + recordBytes + 32 + 8 * groups.count)
        out.bytes.append(contentsOf: SegmentFormat.magic)
        out.bytes.append(SegmentFormat.version)
        out.varint(UInt64(dictionary.count))
        out.bytes.append(contentsOf: dictionaryBytes.bytes)
        out.varint(UInt64(count))
        out.signed(baseTs)
        out.signed(baseBootDiff)
        out.varint(UInt64(groups.count))
        for g in groups {
            out.varint(UInt64(g.entity + 1))
            out.varint(UInt64(g.count))
            out.varint(UInt64(g.records.bytes.count))
            out.bytes.append(contentsOf: g.records.bytes)
        }
        return out.bytes
    }
}
