import Glibc

/// The few filesystem operations the agent needs, without Foundation.
enum FileSystem {
    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// mkdir -p for the parent directory of `path` (mode 0750).
    static func makeParentDirectories(of path: String) {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        let dir = String(path[..<slash])
        var current = ""
        for part in dir.split(separator: "/") {
            current += "/" + part
            mkdir(current, 0o750)
        }
    }
}
