import Foundation
import MamoriEvents
import MamoriText
import Testing
@testable import MamoriOutput

/// Hostile strings must never break the JSON or the line framing.
@Suite struct JSONEscapingTests {
    private func escaped(_ text: String) -> String {
        var bytes: [UInt8] = []
        JSONEscaping.append(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private func escaped(raw: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        JSONEscaping.append(utf8: raw, to: &bytes)
        return bytes
    }

    /// Decodes `"<body>"` with JSONSerialization (fragments allowed).
    private func decode(_ body: [UInt8]) throws -> String? {
        let document = [UInt8(ascii: "\"")] + body + [UInt8(ascii: "\"")]
        return try JSONSerialization.jsonObject(with: Data(document), options: .fragmentsAllowed) as? String
    }

    /// The public string form (used by the CLI's hand-built JSON, e.g. `mamori doctor --json`)
    /// is the same escaper: control characters come out as valid JSON.
    @Test func publicEscapedStringParsesBackWithControlCharacters() throws {
        let hostile = "tab\there\u{01}\u{1b}[31mred\r\n\"q\" \\ é"
        let json = "{\"detail\":\"" + JSONEscaping.escaped(hostile) + "\"}"
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String]
        #expect(object?["detail"] == hostile)
    }

    @Test func quotesBackslashesAndShortEscapes() {
        #expect(escaped(#"say "hi""#) == #"say \"hi\""#)
        #expect(escaped(#"C:\dir\"#) == #"C:\\dir\\"#)
        #expect(escaped("a\nb\rc\td") == #"a\nb\rc\td"#)
        #expect(escaped("\u{08}\u{0C}") == #"\b\f"#)
        #expect(escaped("plain /usr/bin/curl") == "plain /usr/bin/curl")
        #expect(escaped("") == "")
    }

    @Test func otherControlCharactersUseUnicodeEscapes() {
        #expect(escaped("\u{00}") == #"\u0000"#)
        #expect(escaped("\u{1B}[31m") == #"\u001b[31m"#)
        #expect(escaped("\u{1F}") == #"\u001f"#)
        #expect(escaped("\u{7F}") == #"\u007f"#)
        #expect(escaped("\u{20}") == " ")
    }

    @Test func validMultibyteUTF8PassesThrough() throws {
        let text = "日本語 café 🙂 \u{10FFFF}"
        #expect(escaped(text) == text)
        #expect(try decode(Array(escaped(text).utf8)) == text)
    }

    @Test func invalidUTF8BecomesReplacementCharacters() throws {
        let cases: [[UInt8]] = [
            [0x66, 0xFF, 0x6F],                 // invalid byte
            [0x80, 0x41],                       // stray continuation
            [0xC0, 0xAF],                       // overlong "/"
            [0xE0, 0x80, 0xAF],                 // overlong 3-byte
            [0xED, 0xA0, 0x80],                 // UTF-16 surrogate
            [0xF4, 0x90, 0x80, 0x80],           // beyond U+10FFFF
            [0xE6, 0x97],                       // truncated 3-byte sequence at the end
            [0xF0, 0x9F, 0x99, 0x41],           // truncated 4-byte sequence before ASCII
            [0xC3, 0x22],                       // lead byte then a quote that must be escaped
        ]
        for raw in cases {
            let body = escaped(raw: raw)
            let decoded = try decode(body)
            // Same replacement policy as the standard library's decoder.
            #expect(decoded == String(decoding: raw, as: UTF8.self), "\(raw)")
            #expect(String(validating: body, as: UTF8.self) != nil, "\(raw)")
        }
        #expect(escaped(raw: [0x66, 0xFF, 0x6F]) == [0x66, 0xEF, 0xBF, 0xBD, 0x6F])
    }

    @Test func randomBytesAlwaysRoundTripLikeTheStandardDecoder() throws {
        var generator = SplitMix64(seed: 0x6D616D6F7269)
        for _ in 0..<2_000 {
            let count = Int(generator.next() % 24)
            // Bias towards interesting bytes: controls, quotes, lead and continuation bytes.
            let palette: [UInt8] = [0x00, 0x0A, 0x1B, 0x22, 0x5C, 0x41, 0x7F, 0x80, 0xBF, 0xC2, 0xC0,
                                    0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xA0, 0x9F, 0x90]
            let raw = (0..<count).map { _ in
                generator.next() % 3 == 0 ? UInt8(truncatingIfNeeded: generator.next())
                    : palette[Int(generator.next() % UInt64(palette.count))]
            }
            let decoded = try decode(escaped(raw: raw))
            #expect(decoded == String(decoding: raw, as: UTF8.self), "\(raw)")
        }
    }

    @Test func hostileArgumentsKeepTheLineParseable() throws {
        var encoder = Fixture.encoder()
        let args = ["sh", "-c", "echo \"pwned\"\n{\"fake\":1}\\", "\u{1B}]0;title\u{07}", "tab\there"]
        var exec = Fixture.exec(args: args)
        exec.executable = "/tmp/evil\"\n"
        exec.cwd = "/tmp/\u{00}dir"
        exec.subject.comm = String(decoding: [0x62, 0xFF, 0x64], as: UTF8.self)
        let text = encoder.encodeLine(.exec(exec))
        let line = try ParsedLine(text)
        #expect(line.strings("process.args") == args)
        #expect(line.string("process.command_line") == args.joined(separator: " "))
        #expect(line.string("process.executable") == "/tmp/evil\"\n")
        #expect(line.string("process.name") == "evil\"\n")
        #expect(line.string("process.working_directory") == "/tmp/\u{00}dir")
        #expect(!text.dropLast().contains("\n"))
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }

    @Test func hostNameAndUnitAreEscapedToo() throws {
        var encoder = Fixture.encoder()
        encoder.hostName = "h\"o\\st"
        var record = Fixture.record()
        record.unit = "evil\n.service"
        let line = try ParsedLine(encoder.encodeLine(.exec(Fixture.exec()), process: record))
        #expect(line.string("host.name") == "h\"o\\st")
        #expect(line.string("mamori.unit") == "evil\n.service")
    }
}

/// Small deterministic PRNG so the fuzz cases are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
