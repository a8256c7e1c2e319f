import MamoriText

/// Minimal JSON emission into a byte buffer, for the OTLP body.
///
/// Exists because MamoriExport does not depend on MamoriOutput's writer and Foundation's
/// JSONSerialization allocates per key; strings go through MamoriText's `JSONEscaping`. Value type; owned by one thread.
struct JSONBytes {
    var bytes: [UInt8] = []

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// A JSON string literal, escaped by MamoriText's `JSONEscaping` (the one escaper).
    mutating func string(_ text: String) {
        bytes.append(0x22)
        JSONEscaping.append(text, to: &bytes)
        bytes.append(0x22)
    }

    /// A JSON string literal of bytes that should be UTF-8 (invalid sequences become U+FFFD).
    mutating func string<S: Sequence>(_ utf8: S) where S.Element == UInt8 {
        bytes.append(0x22)
        JSONEscaping.append(utf8: Array(utf8), to: &bytes)
        bytes.append(0x22)
    }
}
