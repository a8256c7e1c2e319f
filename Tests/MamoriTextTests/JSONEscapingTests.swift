import Foundation
import MamoriText
import Testing

/// The one JSON string escaper: every control character gives valid JSON that decodes back
/// to the input (`mamori doctor --json` once printed raw control bytes).
@Suite struct TextJSONEscapingTests {
    @Test func everyControlCharacterDecodesBack() throws {
        let text = String(decoding: (0..<0x20).map { UInt8($0) } + Array("\"\\\u{7F}é".utf8), as: UTF8.self)
        let json = "\"" + JSONEscaping.escaped(text) + "\""
        #expect(!json.utf8.contains { $0 < 0x20 })
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed]) as? String
        #expect(decoded == text)
    }

    @Test func shortEscapesAndUnicodeEscapes() {
        #expect(JSONEscaping.escaped("a\"b\\c\nd\te\r\u{8}\u{C}") == #"a\"b\\c\nd\te\r\b\f"#)
        #expect(JSONEscaping.escaped("\u{1}\u{1F}\u{7F}") == #"\u0001\u001f\u007f"#)
    }

    @Test func invalidUTF8BecomesReplacementCharacters() {
        var bytes: [UInt8] = []
        JSONEscaping.append(utf8: [0x61, 0xFF, 0xC3, 0x28], to: &bytes)
        #expect(bytes == [0x61, 0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD, 0x28])
    }
}
