import Yams

/// The `prevention` section, kept raw: `MamoriPrevention` owns its schema and parser
/// (docs/prevention.md). Holds the section's original text from the file that set it last
/// (drop-ins replace the section as a whole), blanked before the value so that line N,
/// column C of `text` is line N + `lineOffset`, column C of `file`: the prevention parser's
/// positions map straight back to the operator's file. Sendable value; any thread.
public struct PreventionSection: Sendable, Equatable {
    /// The file the section came from ("" when no file set it).
    public var file: String
    /// Add to a line of `text` (or of `node()`'s marks) to get the line in `file`.
    public var lineOffset: Int
    /// The section's YAML (the value of `prevention:`), columns preserved.
    public var text: String

    public init(file: String, lineOffset: Int, text: String) {
        self.file = file; self.lineOffset = lineOffset; self.text = text
    }

    public static let empty = PreventionSection(file: "", lineOffset: 0, text: "")

    public var isEmpty: Bool { node == nil }

    /// The section as a Yams node (nil when absent or empty). Marks are relative to `text`:
    /// add `lineOffset` to a mark's line for the line in `file`.
    public var node: Node? {
        guard let parsed = try? Yams.compose(yaml: text) else { return nil }
        if case .scalar(let s) = parsed, ["", "~", "null"].contains(s.string) { return nil }
        return parsed
    }

    /// Cuts the value of a top-level `prevention:` key out of `source`: from the value's first
    /// character up to (not including) `endLine`, the line of the next top-level key (nil: EOF).
    static func extract(from source: String, file: String, valueLine: Int, valueColumn: Int,
                        endLine: Int?) -> PreventionSection {
        var lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let last = min(lines.count, (endLine ?? lines.count + 1) - 1)
        guard valueLine >= 1, valueLine <= last else { return PreventionSection(file: file, lineOffset: 0, text: "") }
        lines = Array(lines[(valueLine - 1)..<last])
        let first = lines[0].unicodeScalars
        let keep = first.dropFirst(max(0, valueColumn - 1))
        lines[0] = String(repeating: " ", count: first.count - keep.count) + String(String.UnicodeScalarView(keep))
        return PreventionSection(file: file, lineOffset: valueLine - 1, text: lines.joined(separator: "\n"))
    }
}
