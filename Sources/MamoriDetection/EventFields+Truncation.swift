import MamoriEvents

/// `Truncated`: which kernel bounds an event hit, as rule text (see `RuleField.truncated`).
extension EventFields {
    /// `Truncated`: the kernel bounds the event hit, comma-separated; false when none was.
    mutating func appendTruncation(_ event: SensorEvent) -> Bool {
        var parts: [StaticString] = []
        switch event {
        case .exec(let e):
            if e.flags.contains(.exeTruncated) { parts.append("exe") }
            if e.flags.contains(.argsTruncated) { parts.append("args") }
            if e.flags.contains(.cwdTruncated) { parts.append("cwd") }
        case .file(let f):
            if f.flags.contains(.pathTruncated) { parts.append("path") }
            if f.flags.contains(.path2Truncated) { parts.append("path2") }
        default:
            break
        }
        guard !parts.isEmpty else { arena.append(contentsOf: "false".utf8); return true }
        for (i, p) in parts.enumerated() {
            if i > 0 { arena.append(UInt8(ascii: ",")) }
            p.withUTF8Buffer { arena.append(contentsOf: $0) }
        }
        return true
    }
}
