/// Varint byte writer and bounds-checked reader for event segments.
///
/// Exists so that the segment encoder and decoder share one definition of the wire
/// primitives: LEB128 unsigned varints, zigzag for signed values, length-prefixed byte strings.
/// The reader never traps on hostile or corrupt input: every read is bounds-checked and a
/// short or overlong field throws `SegmentCorruption`. Value types; one thread at a time.
struct SegmentByteWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func signed(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func string(_ utf8: some Collection<UInt8>) {
        varint(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }
}

/// Why a stored segment could not be read (a bug, a disk error, or a file edited by hand).
struct SegmentCorruption: Error, CustomStringConvertible {
    var reason: String
    var description: String { "corrupt event segment: \(reason)" }
}

struct SegmentByteReader {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { offset >= bytes.count }

    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw SegmentCorruption(reason: "truncated at byte \(offset)") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw SegmentCorruption(reason: "varint longer than 10 bytes at \(offset)") }
            value |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return value }
            shift += 7
        }
    }

    mutating func signed() throws -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    /// A count or index that must fit below `limit` (so a corrupt length cannot ask for a huge
    /// allocation).
    mutating func bounded(_ limit: Int, what: String) throws -> Int {
        let v = try varint()
        guard v < UInt64(limit) else { throw SegmentCorruption(reason: "\(what) \(v) out of range (< \(limit))") }
        return Int(v)
    }

    mutating func string() throws -> String {
        let declared = try varint()
        guard declared <= UInt64(bytes.count - offset) else {
            throw SegmentCorruption(reason: "string of \(declared) bytes at \(offset) runs past the end")
        }
        let length = Int(declared)
        defer { offset += length }
        return String(decoding: bytes[offset..<offset + length], as: UTF8.self)
    }
}
