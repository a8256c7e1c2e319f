import MamoriText

/// Appends one JSON document to a byte buffer, member by member, without building a tree.
///
/// Exists so that the hot export path costs no `JSONEncoder`, no `Codable` boxing and no
/// intermediate `String`s: keys are `StaticString`s copied as bytes, numbers are formatted in
/// place, strings are escaped straight into the buffer. Structure is the caller's job (open and
/// close what you open); the writer only tracks where a comma is needed.
///
/// A value type used by one thread at a time (whoever owns the encoder).
struct JSONWriter {
    var bytes: [UInt8]
    /// Whether the next member or array element must be preceded by a comma.
    private var needsComma = false

    init(bytes: [UInt8]) { self.bytes = bytes }

    // MARK: Structure

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func beginObject(_ key: StaticString) {
        writeKey(key)
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func beginArray(_ key: StaticString) {
        writeKey(key)
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    // MARK: Members

    mutating func string(_ key: StaticString, _ value: String) {
        writeKey(key)
        appendQuoted(value)
    }

    /// A member whose value is a known-safe ASCII constant (no escaping needed).
    mutating func literal(_ key: StaticString, _ value: StaticString) {
        writeKey(key)
        bytes.append(UInt8(ascii: "\""))
        appendStatic(value)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func number(_ key: StaticString, _ value: UInt64) {
        writeKey(key)
        appendDecimal(value)
    }

    mutating func number(_ key: StaticString, _ value: Int64) {
        writeKey(key)
        appendDecimal(value)
    }

    mutating func number(_ key: StaticString, _ value: UInt32) { number(key, UInt64(value)) }
    mutating func number(_ key: StaticString, _ value: Int32) { number(key, Int64(value)) }
    mutating func number(_ key: StaticString, _ value: UInt16) { number(key, UInt64(value)) }

    /// An integer written as a JSON string (ECS keywords such as `user.id`).
    mutating func decimalString(_ key: StaticString, _ value: UInt64) {
        writeKey(key)
        bytes.append(UInt8(ascii: "\""))
        appendDecimal(value)
        bytes.append(UInt8(ascii: "\""))
    }

    /// An integer in octal with a leading zero, as a JSON string (`file.mode`: "0644").
    mutating func octalString(_ key: StaticString, _ value: UInt32) {
        writeKey(key)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: "0"))
        if value != 0 {
            let digits = (UInt32.bitWidth - value.leadingZeroBitCount + 2) / 3
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
            var rest = value
            var index = start + digits - 1
            while rest != 0 {
                bytes[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest & 7)
                rest >>= 3
                index -= 1
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func bool(_ key: StaticString, _ value: Bool) {
        writeKey(key)
        appendStatic(value ? "true" : "false")
    }

    /// A member whose value is an RFC 3339 UTC timestamp string.
    mutating func timestamp(_ key: StaticString, unixNanoseconds: Int64) {
        writeKey(key)
        bytes.append(UInt8(ascii: "\""))
        RFC3339.append(unixNanoseconds: unixNanoseconds, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func stringArray(_ key: StaticString, _ values: [String]) {
        beginArray(key)
        for value in values { element(value) }
        endArray()
    }

    /// A number member whose key is only known at run time (escaped like any string).
    mutating func number(dynamicKey key: String, _ value: UInt64) {
        separate()
        appendQuoted(key)
        bytes.append(UInt8(ascii: ":"))
        needsComma = true
        appendDecimal(value)
    }

    // MARK: Strings built in pieces

    /// Writes `"key":` so the caller can stream the value (`openString` ... `closeString`).
    mutating func beginMember(_ key: StaticString) { writeKey(key) }

    mutating func openString() { bytes.append(UInt8(ascii: "\"")) }

    /// Appends escaped text inside a string opened with `openString`.
    mutating func appendStringContent(_ text: String) { JSONEscaping.append(text, to: &bytes) }

    mutating func closeString() { bytes.append(UInt8(ascii: "\"")) }

    // MARK: Array elements

    mutating func element(_ value: String) {
        separate()
        appendQuoted(value)
        needsComma = true
    }

    mutating func element(_ value: UInt64) {
        separate()
        appendDecimal(value)
        needsComma = true
    }

    mutating func element(_ value: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        appendStatic(value)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Ends the document with a newline (JSON lines framing).
    mutating func endLine() {
        bytes.append(UInt8(ascii: "\n"))
        needsComma = false
    }

    // MARK: Primitives

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func writeKey(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        appendStatic(key)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = true
    }

    private mutating func appendStatic(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func appendQuoted(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        JSONEscaping.append(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func appendDecimal(_ value: UInt64) {
        Self.appendDecimal(value, to: &bytes)
    }

    mutating func appendDecimal(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            Self.appendDecimal(value.magnitude, to: &bytes)
        } else {
            Self.appendDecimal(UInt64(value), to: &bytes)
        }
    }

    /// Appends the decimal digits of `value`, optionally zero-padded to `minimumDigits`.
    /// Digits are written by index into pre-appended zeros: no temporary, no slice copy.
    static func appendDecimal(_ value: UInt64, minimumDigits: Int = 1, to bytes: inout [UInt8]) {
        var digits = 1
        var scan = value
        while scan >= 10 {
            scan /= 10
            digits += 1
        }
        let width = Swift.max(digits, minimumDigits)
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        var rest = value
        var index = start + width - 1
        while rest != 0 {
            bytes[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
            index -= 1
        }
    }
}
