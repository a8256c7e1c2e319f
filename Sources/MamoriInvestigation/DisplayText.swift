/// Makes stored strings safe on an analyst's terminal and lines them up in columns.
///
/// Exists because everything in the store (argv, paths, unit names) was chosen by whoever ran
/// the process being investigated: a command line holding `ESC ]0;...` or a newline must not
/// retitle the terminal or forge a line of the story. Control characters (C0, DEL, C1) and
/// bidi overrides become visible escapes; a backslash is doubled so escapes stay unambiguous
/// (the same convention as `mamori watch`). Stateless; callable from any thread.
public enum DisplayText {
    /// `text` with control and bidi-override characters replaced by `\n`, `\x1b`, `\u{202e}`.
    public static func sanitize(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else { out.unicodeScalars.append(scalar); continue }
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let hex = String(scalar.value, radix: 16)
                out += scalar.value < 0x100 ? "\\x" + (hex.count == 1 ? "0" : "") + hex : "\\u{" + hex + "}"
            }
        }
        return out
    }

    /// `text` sanitized and cut to `limit` characters (with "…").
    public static func clip(_ text: String, _ limit: Int) -> String {
        let safe = sanitize(text)
        guard limit > 1, safe.count > limit else { return safe }
        return String(safe.prefix(limit - 1)) + "…"
    }

    /// The last path component of an executable (`/usr/bin/curl` → `curl`).
    public static func baseName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        let tail = path[path.index(after: slash)...]
        return tail.isEmpty ? path : String(tail)
    }

    /// Rows joined into left-aligned columns separated by two spaces; the last column is not
    /// padded. Cells are expected to be sanitized already.
    public static func table(header: [String], rows: [[String]]) -> String {
        let all = header.isEmpty ? rows : [header] + rows
        let columns = all.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in all { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for row in all {
            var line = ""
            for (i, cell) in row.enumerated() {
                if i > 0 { line += "  " }
                line += cell
                if i < row.count - 1 { line += String(repeating: " ", count: widths[i] - cell.count) }
            }
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        return out
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true           // C0, DEL, C1
        case 0x5C: return true                                 // backslash (the escape character)
        case 0x202A...0x202E, 0x2066...0x2069: return true   // bidi embeddings, overrides, isolates
        default: return false
        }
    }
}
