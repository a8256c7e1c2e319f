import Glibc

/// The names in one directory (`opendir`/`readdir`), `.` and `..` left out.
///
/// Exists because /proc scans, cgroup walks and the configuration drop-in directory each read
/// `dirent.d_name` through raw pointers. Returns names, not paths; the order is the kernel's.
/// Stateless; any thread.
public enum DirectoryListing {
    /// The entry names of `path`.
    /// - Throws: the `Errno` of `opendir` (e.g. `.noSuchFileOrDirectory`, `.permissionDenied`).
    public static func names(at path: String) throws(Errno) -> [String] {
        guard let dir = opendir(path) else { throw Errno.current }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The entry names of `path`; empty when it cannot be listed.
    public static func namesOrEmpty(at path: String) -> [String] { (try? names(at: path)) ?? [] }
}

extension DirectoryListing {
    /// One entry: its name and whether `readdir` says it is (or may be) a directory
    /// (`DT_DIR`, or `DT_UNKNOWN` on file systems that do not fill `d_type`).
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let mayBeDirectory: Bool
    }

    /// The entries of `path` with their `d_type` hint, `.` and `..` left out.
    /// - Throws: the `Errno` of `opendir`.
    public static func entries(at path: String) throws(Errno) -> [Entry] {
        guard let dir = opendir(path) else { throw Errno.current }
        defer { closedir(dir) }
        var out: [Entry] = []
        while let entry = readdir(dir) {
            let type = entry.pointee.d_type
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            out.append(Entry(name: name, mayBeDirectory: type == UInt8(DT_DIR) || type == UInt8(DT_UNKNOWN)))
        }
        return out
    }
}
