/// JSON string escaping straight into a byte buffer, with UTF-8 validation.
///
/// Exists because everything the sensor prints (argv, paths, comm) is attacker-controlled:
/// quotes, backslashes and control characters must never break the line framing, and bytes
/// that are not UTF-8 must come out as U+FFFD rather than as invalid JSON. Invalid input is
/// replaced per "maximal subpart" (Unicode §3.9, the same policy as `String(decoding:as:)`).
///
/// Stateless; callable from any thread.
public enum JSONEscaping {
    /// The escaped body of `string` (without quotes), for callers that build JSON text by hand.
    public static func escaped(_ string: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(string.utf8.count)
        append(string, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Appends the escaped body of `string` (without the surrounding quotes).
    ///
    /// A `String` is always valid UTF-8, so only ASCII specials need work; the common case
    /// (nothing to escape) is one scan plus one bulk copy.
    public static func append(_ string: String, to bytes: inout [UInt8]) {
        let utf8 = string.utf8
        guard utf8.contains(where: needsEscape) else {
            bytes.append(contentsOf: utf8)
            return
        }
        var runStart = utf8.startIndex  // start of bytes that are copied through unchanged
        var index = runStart
        while index != utf8.endIndex {
            let byte = utf8[index]
            let next = utf8.index(after: index)
            if needsEscape(byte) {
                bytes.append(contentsOf: utf8[runStart..<index])
                appendEscape(byte, to: &bytes)
                runStart = next
            }
            index = next
        }
        bytes.append(contentsOf: utf8[runStart..<utf8.endIndex])
    }

    /// Appends the escaped body of raw bytes that should be UTF-8 but may not be (for callers
    /// that hold kernel bytes rather than a `String`).
    public static func append(utf8 input: [UInt8], to bytes: inout [UInt8]) {
        var index = 0
        var runStart = 0
        while index < input.count {
            let byte = input[index]
            if byte < 0x80 {
                if needsEscape(byte) {
                    bytes.append(contentsOf: input[runStart..<index])
                    appendEscape(byte, to: &bytes)
                    runStart = index + 1
                }
                index += 1
                continue
            }
            let length = sequenceLength(at: index, in: input)
            if length > 0 {
                index += length
                continue
            }
            bytes.append(contentsOf: input[runStart..<index])
            bytes.append(contentsOf: replacement)
            index += -length
            runStart = index
        }
        bytes.append(contentsOf: input[runStart..<input.count])
    }

    /// ASCII bytes that cannot appear raw inside a JSON string (or should not: DEL).
    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F
    }

    private static func appendEscape(_ byte: UInt8, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                      hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
        }
    }

    /// Length of the well-formed UTF-8 sequence starting at `index` (a non-ASCII lead byte), or
    /// minus the length of the maximal ill-formed subpart to replace with one U+FFFD.
    static func sequenceLength(at index: Int, in input: [UInt8]) -> Int {
        let lead = input[index]
        func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            let position = index + offset
            return position < input.count && input[position] >= low && input[position] <= high
        }
        switch lead {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : -1
        case 0xE0...0xEF:
            // E0 excludes overlong forms, ED excludes UTF-16 surrogates.
            let low: UInt8 = lead == 0xE0 ? 0xA0 : 0x80
            let high: UInt8 = lead == 0xED ? 0x9F : 0xBF
            guard continuation(1, low, high) else { return -1 }
            return continuation(2) ? 3 : -2
        case 0xF0...0xF4:
            // F0 excludes overlong forms, F4 caps the code space at U+10FFFF.
            let low: UInt8 = lead == 0xF0 ? 0x90 : 0x80
            let high: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
            guard continuation(1, low, high) else { return -1 }
            guard continuation(2) else { return -2 }
            return continuation(3) ? 4 : -3
        default:
            // Stray continuation bytes, C0/C1 overlong leads, F5...FF.
            return -1
        }
    }
}
