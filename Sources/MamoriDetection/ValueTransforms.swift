/// The Sigma value-transforming modifiers: `base64`, `base64offset`, `windash` and the UTF-16
/// encodings. Each turns one value into one or more values before the match-type modifiers
/// (`contains`, `startswith`, `endswith`) wrap them. Build-time only; any thread may use it.
enum ValueTransforms {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 with padding.
    static func base64(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= input.count {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int((n >> UInt32(shift)) & 63)]) }
            i += 3
        }
        let rest = input.count - i
        if rest > 0 {
            var n = UInt32(input[i]) << 16
            if rest == 2 { n |= UInt32(input[i + 1]) << 8 }
            out.append(alphabet[Int((n >> 18) & 63)])
            out.append(alphabet[Int((n >> 12) & 63)])
            out.append(rest == 2 ? alphabet[Int((n >> 6) & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return out
    }

    /// The three encodings of `input` as it appears inside a longer base64 text, depending on
    /// its offset modulo 3 (same offsets as pySigma: the unstable leading/trailing characters
    /// are cut).
    static func base64Offsets(_ input: [UInt8]) -> [[UInt8]] {
        let startOffsets = [0, 2, 3]
        let endOffsets = [0, 3, 2]   // characters cut at the end, by (count + shift) % 3
        var variants: [[UInt8]] = []
        for shift in 0..<3 {
            let encoded = base64([UInt8](repeating: UInt8(ascii: " "), count: shift) + input)
            let start = startOffsets[shift]
            let end = encoded.count - endOffsets[(input.count + shift) % 3]
            variants.append(start < end ? Array(encoded[start..<end]) : [])
        }
        return variants
    }

    /// UTF-16 little endian code units of UTF-8 `input`.
    static func utf16LE(_ input: [UInt8]) -> [UInt8] {
        String(decoding: input, as: UTF8.self).utf16.flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] }
    }

    /// UTF-16 big endian code units of UTF-8 `input`.
    static func utf16BE(_ input: [UInt8]) -> [UInt8] {
        String(decoding: input, as: UTF8.self).utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }

    /// UTF-16 little endian with a byte order mark.
    static func utf16BOM(_ input: [UInt8]) -> [UInt8] { [0xff, 0xfe] + utf16LE(input) }

    /// Dash characters `windash` substitutes: hyphen, slash, en dash, em dash, horizontal bar.
    private static let dashes: [[UInt8]] = ["-", "/", "\u{2013}", "\u{2014}", "\u{2015}"].map { Array($0.utf8) }

    /// Every variant of `value` in which each option-introducing `-` or `/` (at the start or
    /// after a non-word character, and followed by a word character) is replaced by each dash.
    static func windash(_ value: SigmaString) -> [SigmaString] {
        var positions: [Int] = []
        let units = value.units
        func isWord(_ unit: SigmaString.Unit?) -> Bool {
            guard case .byte(let b)? = unit else { return false }
            return (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7a) || b == 0x5f || b >= 0x80
        }
        for (i, unit) in units.enumerated() {
            guard unit == .byte(UInt8(ascii: "-")) || unit == .byte(UInt8(ascii: "/")) else { continue }
            let before = i > 0 ? units[i - 1] : nil
            let after = i + 1 < units.count ? units[i + 1] : nil
            if !isWord(before) && isWord(after) { positions.append(i) }
        }
        guard !positions.isEmpty, positions.count <= 4 else { return [value] }
        var results: [SigmaString] = []
        var choice = [Int](repeating: 0, count: positions.count)
        while true {
            var out: [SigmaString.Unit] = []
            var p = 0
            for (i, unit) in units.enumerated() {
                if p < positions.count && positions[p] == i {
                    out.append(contentsOf: dashes[choice[p]].map(SigmaString.Unit.byte))
                    p += 1
                } else {
                    out.append(unit)
                }
            }
            results.append(SigmaString(units: out))
            var k = 0
            while k < choice.count {
                choice[k] += 1
                if choice[k] < dashes.count { break }
                choice[k] = 0
                k += 1
            }
            if k == choice.count { break }
        }
        return results
    }
}
