/// Collapses a written file's path into a pattern, so that a unit's numbered logs, per-date
/// files and temporary names are one learned entry, not one per file.
///
/// Rules, applied to every maximal run of ASCII letters and digits (other bytes are kept):
/// - only digits → `#`                         (`app.log.3` → `app.log.#`, `2026-12-07` → `#-#-#`)
/// - ≥ 6 characters mixing letters and digits → `*` (`tmp.a8Xk2q`, hashes, ids)
/// - ≥ 6 letters whose case changes ≥ 4 times → `*` (mkstemp's `XXXXXX` drawn from letters)
/// - otherwise letters are kept and each digit run inside becomes `#` (`log2` → `log#`).
/// Collapsing is idempotent (`#` and `*` are not letters or digits), so a stored pattern
/// hashes to the same value as the raw paths it stands for. The hash is FNV-1a-64 of the
/// collapsed bytes, computed without allocating. Stateless; any thread.
public enum PathPattern {
    /// FNV-1a-64 of `collapse(path)`, without building it. Cost: two passes over the bytes.
    public static func hash(_ path: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        walk(path) { h = (h ^ UInt64($0)) &* 0x0000_0100_0000_01b3 }
        return h
    }

    /// The collapsed pattern as text (allocates; called only for new patterns).
    public static func collapse(_ path: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(path.utf8.count)
        walk(path) { out.append($0) }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }
    @inline(__always) static func isLower(_ b: UInt8) -> Bool { b >= 97 && b <= 122 }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isUpper(b) || isLower(b) }

    /// Emits the collapsed bytes of `path` in order.
    static func walk(_ path: String, _ emit: (UInt8) -> Void) {
        let u = path.utf8
        var i = u.startIndex
        while i != u.endIndex {
            let b = u[i]
            guard isAlnum(b) else { emit(b); i = u.index(after: i); continue }
            // Measure the run.
            var j = i
            var length = 0, digits = 0, letters = 0, caseChanges = 0
            var lastUpper: Bool? = nil
            while j != u.endIndex, isAlnum(u[j]) {
                let c = u[j]
                if isDigit(c) { digits += 1 } else {
                    letters += 1
                    let up = isUpper(c)
                    if let l = lastUpper, l != up { caseChanges += 1 }
                    lastUpper = up
                }
                length += 1
                j = u.index(after: j)
            }
            if letters == 0 {
                emit(UInt8(ascii: "#"))
            } else if length >= 6 && (digits > 0 || caseChanges >= 4) {
                emit(UInt8(ascii: "*"))
            } else {
                var k = i
                while k != j {
                    if isDigit(u[k]) {
                        while k != j, isDigit(u[k]) { k = u.index(after: k) }
                        emit(UInt8(ascii: "#"))
                    } else {
                        emit(u[k]); k = u.index(after: k)
                    }
                }
            }
            i = j
        }
    }
}
