/// A Sigma string value after wildcard parsing: literal bytes interleaved with `*` and `?`.
///
/// Exists so that escapes are resolved once (`\*`, `\?` and `\\` are literals; a backslash before
/// anything else is itself a literal) and value modifiers (`base64`, `windash`, `contains`, ...)
/// work on an unambiguous representation. Build-time only; any thread may use it.
struct SigmaString: Equatable, Sendable {
    enum Unit: Equatable, Sendable {
        case byte(UInt8)
        /// `*`: any run of characters, possibly empty.
        case anyRun
        /// `?`: exactly one character.
        case anyOne
    }

    var units: [Unit]

    init(units: [Unit]) { self.units = units }

    /// Parses Sigma wildcards and escapes.
    init(wildcarded text: String) {
        var units: [Unit] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\\"), i + 1 < bytes.count,
               [UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "\\")].contains(bytes[i + 1]) {
                units.append(.byte(bytes[i + 1]))
                i += 2
                continue
            }
            switch b {
            case UInt8(ascii: "*"): units.append(.anyRun)
            case UInt8(ascii: "?"): units.append(.anyOne)
            default: units.append(.byte(b))
            }
            i += 1
        }
        self.units = units
    }

    /// A value made only of literal bytes.
    init(literal bytes: [UInt8]) { self.units = bytes.map(Unit.byte) }

    var hasWildcards: Bool { units.contains { $0 == .anyRun || $0 == .anyOne } }

    /// The bytes when the value has no wildcard.
    var literalBytes: [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(units.count)
        for unit in units {
            guard case .byte(let b) = unit else { return nil }
            out.append(b)
        }
        return out
    }

    /// `contains`: wildcards on both ends unless already there.
    func wrapped(leading: Bool, trailing: Bool) -> SigmaString {
        var u = units
        if leading && u.first != .anyRun { u.insert(.anyRun, at: 0) }
        if trailing && u.last != .anyRun { u.append(.anyRun) }
        return SigmaString(units: u)
    }

    /// Lower-cases every literal run with the same folding the event side uses.
    func folded() -> SigmaString {
        var out: [Unit] = []
        out.reserveCapacity(units.count)
        var run: [UInt8] = []
        func flush() {
            if !run.isEmpty { out.append(contentsOf: CaseFolding.folded(run).map(Unit.byte)) }
            run.removeAll()
        }
        for unit in units {
            if case .byte(let b) = unit { run.append(b) } else { flush(); out.append(unit) }
        }
        flush()
        return SigmaString(units: out)
    }

    /// The cheapest matcher shape equivalent to this value.
    var shape: TextShape {
        // Collapse runs of `*`.
        var u: [Unit] = []
        for unit in units where !(unit == .anyRun && u.last == .anyRun) { u.append(unit) }
        if u == [.anyRun] { return .any }
        let leading = u.first == .anyRun, trailing = u.last == .anyRun && u.count > 1
        let core = Array(u.dropFirst(leading ? 1 : 0).dropLast(trailing ? 1 : 0))
        if let bytes = SigmaString(units: core).literalBytes {
            switch (leading, trailing) {
            case (false, false): return .exact(bytes)
            case (false, true): return .prefix(bytes)
            case (true, false): return .suffix(bytes)
            case (true, true): return .contains(bytes)
            }
        }
        // General glob: split on `*`; `?` inside segments becomes the 0xFF marker (never valid UTF-8).
        var segments: [[UInt8]] = [[]]
        for unit in core {
            switch unit {
            case .byte(let b): segments[segments.count - 1].append(b)
            case .anyOne: segments[segments.count - 1].append(GlobMatcher.anyOneMarker)
            case .anyRun: segments.append([])
            }
        }
        return .glob(segments: segments, anchoredStart: !leading, anchoredEnd: !trailing)
    }
}

/// What a string pattern compiles to, from cheapest to most general.
enum TextShape: Equatable, Sendable {
    case exact([UInt8]), prefix([UInt8]), suffix([UInt8]), contains([UInt8])
    /// `*` alone: any present value.
    case any
    /// Segments separated by `*`; `anchoredStart`/`anchoredEnd` when there is no `*` at that end.
    case glob(segments: [[UInt8]], anchoredStart: Bool, anchoredEnd: Bool)
}

/// The case folding shared by rule values and event fields: ASCII lower-casing, with a Unicode
/// fallback when a value contains non-ASCII bytes.
enum CaseFolding {
    static func folded(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.allSatisfy({ $0 < 0x80 }) {
            return bytes.map { ($0 &- 0x41) < 26 ? $0 | 0x20 : $0 }
        }
        return Array(String(decoding: bytes, as: UTF8.self).lowercased().utf8)
    }
}
