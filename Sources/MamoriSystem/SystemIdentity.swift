import Glibc

/// What the running kernel and host say about themselves (`uname`), for `mamori doctor`, the
/// benchmark report and the selftest.
///
/// Exists so the fixed-size `utsname` arrays are read in one place. Stateless; any thread.
public enum SystemIdentity {
    /// The kernel release (`6.18.0-1-amd64`), `?` when uname fails.
    public static var kernelRelease: String {
        var u = utsname()
        guard uname(&u) == 0 else { return "?" }
        return withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}

/// A private directory created with `mkdtemp` (mode 0700, a name no other process can
/// predict or pre-create). Stateless; any thread.
public enum TemporaryDirectory {
    /// Creates `<parent>/<prefix>XXXXXX`.
    /// - Throws: the `Errno` of `mkdtemp`.
    public static func create(in parent: String = "/tmp", prefix: String) throws(Errno) -> String {
        var template = Array("\(parent)/\(prefix)XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { throw Errno.current }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
