import Glibc
import MamoriSystem

/// The file-system side of the control socket: parent directory, stale socket, ownership.
///
/// Exists so that `ControlServer` never deletes something that is not a dead socket and never
/// leaves a socket more open than configured. Stateless; any thread.
enum SocketFile {
    /// Creates missing parent directories (0755) and removes a stale socket at `path`.
    /// - Throws: `.alreadyRunning` when a live agent answers; `.notASocket` when a file of
    ///   another type is there.
    static func prepare(_ path: String) throws(ControlServerError) {
        guard path.utf8.count < 108 else { throw .pathTooLong(path: path) }
        try makeParents(of: path)
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else { throw .notASocket(path: path) }
        if let address = SocketAddress.unix(path),
           let probe = try? Socket.connected(to: address, nonBlocking: true, deadline: .after(1)) {
            probe.close()
            throw .alreadyRunning(path: path)
        }
        // Nothing answers (ECONNREFUSED) or nothing accepts in time: a dead agent's socket.
        if unlink(path) != 0 && errno != ENOENT {
            throw .system(call: "unlink (stale socket)", path: path, message: String(cString: strerror(errno)))
        }
    }

    /// chmod `mode` and chown to root (the current uid):`group` when that group exists.
    static func setOwnership(_ path: String, mode: UInt32, group: String?) throws(ControlServerError) {
        if chmod(path, mode_t(mode)) != 0 {
            throw .system(call: "chmod", path: path, message: String(cString: strerror(errno)))
        }
        guard let group, let gid = groupID(named: group) else { return }
        if chown(path, getuid(), gid) != 0 && errno != EPERM {
            throw .system(call: "chown", path: path, message: String(cString: strerror(errno)))
        }
    }

    /// Device and inode of `path`, so that `stop()` removes only the socket it created.
    static func identity(_ path: String) -> (dev: UInt, ino: UInt)? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return (UInt(info.st_dev), UInt(info.st_ino))
    }

    static func failure(_ call: String, _ path: String, _ error: IOFailure) -> ControlServerError {
        switch error {
        case .system(let code): return .system(call: call, path: path, message: String(cString: strerror(code.rawValue)))
        case .timedOut: return .system(call: call, path: path, message: "timed out")
        }
    }

    private static func makeParents(of path: String) throws(ControlServerError) {
        var components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        components.removeLast()
        var current = path.hasPrefix("/") ? "" : "."
        for c in components {
            current += "/" + c
            if mkdir(current, 0o755) == 0 {
                chmod(current, 0o755)  // exact mode whatever the umask
            } else if errno != EEXIST {
                throw .system(call: "mkdir", path: current, message: String(cString: strerror(errno)))
            }
        }
    }
}
