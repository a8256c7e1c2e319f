/// Lexical normalisation of absolute paths ("/a/./b/../c" -> "/a/c", "//" -> "/").
///
/// Exists because file records combine a directory the kernel resolved with the path the
/// process passed, so "..", "." and doubled slashes reach userspace; rules match on clean
/// paths. Purely lexical, like Go's `path.Clean` for rooted paths: symlinks are not resolved,
/// ".." at the root stays at the root, a trailing slash is dropped. Relative paths are returned
/// unchanged (there is no directory to resolve them against). Works on UTF-8 bytes without
/// Foundation: '/' and '.' never occur inside a multi-byte sequence, so byte-level editing is
/// safe. Stateless: any thread may call it.
public enum PathNormalizer {
    /// The lexically normalised form of `path` (unchanged when relative or already clean).
    public static func normalize(_ path: String) -> String {
        var path = path
        return path.withUTF8 { decode($0) }
    }

    /// True when `path` is absolute and normalisation could change it.
    public static func needsNormalization(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { needsWork($0) }
    }

    /// Decodes UTF-8 bytes into a `String`, normalising on the way when the path is absolute and
    /// contains "//" or "/." or ends in "/". Invalid UTF-8 is repaired with U+FFFD. One pass to
    /// check, and when needed one pass that writes straight into the new string's storage.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard needsWork(bytes) else { return String(decoding: bytes, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: bytes.count) { out in
            clean(bytes, into: out)
        }
    }

    private static let slash = UInt8(ascii: "/")
    private static let dot = UInt8(ascii: ".")

    /// Cheap pre-check: absolute and contains "//", "/." or a trailing "/" (longer than "/").
    static func needsWork(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = p.count
        guard n > 1, p[0] == slash else { return false }
        if p[n - 1] == slash { return true }
        var i = 0
        while i < n - 1 {
            if p[i] == slash {
                let next = p[i + 1]
                if next == slash || next == dot { return true }
            }
            i += 1
        }
        return false
    }

    /// Writes the cleaned form of the absolute path `p` into `out` (capacity >= p.count) and
    /// returns its length. The output is never longer than the input: every component copied
    /// was preceded by at least one slash in the input.
    private static func clean(_ p: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let n = p.count
        out[0] = slash
        var w = 1
        var r = 1
        while r < n {
            let c = p[r]
            if c == slash {
                r += 1  // collapse "//"
            } else if c == dot && (r + 1 == n || p[r + 1] == slash) {
                r += 1  // "."
            } else if c == dot && p[r + 1] == dot && (r + 2 == n || p[r + 2] == slash) {
                r += 2  // "..": drop the last component, never past the root
                if w > 1 {
                    w -= 1
                    while w > 1 && out[w] != slash { w -= 1 }
                }
            } else {
                if w != 1 { out[w] = slash; w += 1 }
                while r < n && p[r] != slash {
                    out[w] = p[r]
                    w += 1
                    r += 1
                }
            }
        }
        return w
    }
}
