/// Text from the agent (alert names, responses: partly attacker-chosen, e.g. a process name or
/// path) made safe to print on a terminal: C0 controls, DEL and C1 controls become `\xNN`, so
/// an alert cannot move the cursor, rewrite earlier lines or send terminal escape sequences.
///
/// Pure function; any thread.
public enum TerminalText {
    public static func sanitize(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for u in text.unicodeScalars {
            let v = u.value
            if v < 0x20 || v == 0x7f || (0x80...0x9f).contains(v) {
                let hex = String(v, radix: 16, uppercase: true)
                out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
