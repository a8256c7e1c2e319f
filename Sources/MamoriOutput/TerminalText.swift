/// Makes untrusted strings safe and readable on a terminal line.
///
/// Exists because argv, paths and `comm` are chosen by whoever runs the process: a file named
/// `"\e]0;pwned\a"` or an argument with a newline must not retitle the terminal, move the
/// cursor or forge a second event line. Control characters (C0, DEL, C1) and the bidirectional
/// overrides used in "Trojan Source" tricks are shown as visible escapes instead.
///
/// Stateless; callable from any thread.
enum TerminalText {
    /// `text` with every control or bidi-override character replaced by a visible escape
    /// (`\n`, `\t`, `\x1b`, `\u{202e}`); a backslash is doubled so escapes stay unambiguous.
    static func sanitize(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x100 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\x" + (hex.count == 1 ? "0" : "") + hex
                } else {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                }
            }
        }
        return out
    }

    /// Argument list joined by spaces; an empty argument or one containing whitespace or a
    /// quote is single-quoted so word boundaries stay visible.
    static func joinArgs(_ args: [String]) -> String {
        args.map { arg in
            let plain = !arg.isEmpty && !arg.contains(where: { $0 == " " || $0 == "'" || $0 == "\"" || $0.isWhitespace })
            if plain { return sanitize(arg) }
            return "'" + sanitize(arg).replacingQuotes() + "'"
        }.joined(separator: " ")
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true           // C0, DEL, C1
        case 0x5C: return true                                 // backslash (escape char)
        case 0x202A...0x202E, 0x2066...0x2069: return true   // bidi embeddings/overrides/isolates
        default: return false
        }
    }

    /// Names of the Linux errno values syscalls that the sensor reports commonly fail with.
    static func errnoName(_ code: Int32) -> String? {
        switch code {
        case 1: return "EPERM"
        case 2: return "ENOENT"
        case 4: return "EINTR"
        case 5: return "EIO"
        case 9: return "EBADF"
        case 11: return "EAGAIN"
        case 13: return "EACCES"
        case 17: return "EEXIST"
        case 20: return "ENOTDIR"
        case 21: return "EISDIR"
        case 22: return "EINVAL"
        case 24: return "EMFILE"
        case 28: return "ENOSPC"
        case 30: return "EROFS"
        case 97: return "EAFNOSUPPORT"
        case 98: return "EADDRINUSE"
        case 99: return "EADDRNOTAVAIL"
        case 101: return "ENETUNREACH"
        case 104: return "ECONNRESET"
        case 110: return "ETIMEDOUT"
        case 111: return "ECONNREFUSED"
        case 113: return "EHOSTUNREACH"
        case 114: return "EALREADY"
        case 115: return "EINPROGRESS"
        default: return nil
        }
    }
}

private extension String {
    /// Single quotes inside a single-quoted word, shell style: ' becomes '\''.
    func replacingQuotes() -> String {
        guard contains("'") else { return self }
        var out = ""
        for character in self {
            if character == "'" { out += "'\\''" } else { out.append(character) }
        }
        return out
    }
}
