/// One rung of the prevention ladder: 0 monitor, 1 known-bad, 2 critical, 3 high, 4 lockdown.
///
/// Exists so that every layer (CLI text, state file, kernel maps, decisions) speaks of levels
/// through one validated type instead of raw integers. An immutable value; any thread.
public struct PreventionLevel: RawRepresentable, Sendable, Hashable, Comparable, Codable,
                               CustomStringConvertible {
    public let rawValue: UInt8

    public init?(rawValue: UInt8) {
        guard rawValue <= PreventionLevel.maximum.rawValue else { return nil }
        self.rawValue = rawValue
    }

    private init(unchecked: UInt8) { rawValue = unchecked }

    public static let monitor = PreventionLevel(unchecked: 0)
    public static let knownBad = PreventionLevel(unchecked: 1)
    public static let critical = PreventionLevel(unchecked: 2)
    public static let high = PreventionLevel(unchecked: 3)
    public static let lockdown = PreventionLevel(unchecked: 4)
    public static let maximum = lockdown
    /// Every level, lowest first.
    public static let all: [PreventionLevel] = [.monitor, .knownBad, .critical, .high, .lockdown]

    /// The level `n`, or nil outside 0...4.
    public init?(_ n: Int) {
        guard n >= 0, n <= Int(PreventionLevel.maximum.rawValue) else { return nil }
        self.rawValue = UInt8(n)
    }

    /// The level `n` clamped into 0...4 (a rule's `actAtLevel: 9` means "never below lockdown").
    public static func clamped(_ n: Int) -> PreventionLevel {
        PreventionLevel(unchecked: UInt8(max(0, min(n, Int(maximum.rawValue)))))
    }

    /// The canonical name (`mamori level set lockdown`).
    public var name: String { PreventionLevel.names[Int(rawValue)] }

    public var description: String { "\(rawValue) (\(name))" }

    /// The level after this one, or nil at lockdown.
    public var next: PreventionLevel? { PreventionLevel(Int(rawValue) + 1) }

    static let names = ["monitor", "known-bad", "critical", "high", "lockdown"]
    /// Accepted spellings besides the number and the canonical name.
    static let aliases: [String: UInt8] = [
        "alert": 0, "alerts": 0, "off": 0, "audit": 0,
        "knownbad": 1, "known_bad": 1, "deny": 1, "denylist": 1, "block": 1,
        "crit": 2, "critical-rules": 2,
        "high-rules": 3,
        "lock": 4, "max": 4, "maximum": 4,
    ]

    /// Parses "4", "lockdown", "Known-Bad", "max"; nil for anything else.
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let n = Int(t) {
            self.init(n)
            return
        }
        if let i = PreventionLevel.names.firstIndex(of: t) {
            self.init(unchecked: UInt8(i))
            return
        }
        guard let v = PreventionLevel.aliases[t] else { return nil }
        self.init(unchecked: v)
    }

    public static func < (a: PreventionLevel, b: PreventionLevel) -> Bool { a.rawValue < b.rawValue }

    // Codable as the plain number, so state.json reads `"hostLevel": 2`.
    public init(from decoder: any Decoder) throws {
        let n = try decoder.singleValueContainer().decode(Int.self)
        guard let level = PreventionLevel(n) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "level \(n) is outside 0...4"))
        }
        self = level
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Int(rawValue))
    }
}

import Foundation
