import MamoriSystem
import Glibc

/// Reads configuration files and lists drop-in directories with plain syscalls (no
/// Foundation), turning every failure into a message an operator can act on. Any thread.
enum ConfigFiles {
    enum Failure: Error, CustomStringConvertible {
        case missing
        case unreadable(String)

        var description: String {
            switch self {
            case .missing: return "file not found"
            case .unreadable(let why): return why
            }
        }
    }

    /// Largest configuration file accepted (a guard against pointing --config at a disk image).
    static let maxBytes = 4 << 20

    static func read(_ path: String) -> Result<String, Failure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return .failure(errno == ENOENT ? .missing : .unreadable("cannot open: \(errorText())")) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { return .failure(.unreadable("is a directory")) }
        var bytes: [UInt8] = []
        do {
            try FileDescriptor(rawValue: fd).readChunks { chunk in
                bytes += chunk
                return bytes.count <= maxBytes
            }
        } catch {
            return .failure(.unreadable("cannot read: \(error)"))
        }
        if bytes.count > maxBytes { return .failure(.unreadable("larger than \(maxBytes >> 20) MiB")) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(.unreadable("is not UTF-8 text"))
        }
        return .success(text)
    }

    /// Names in `directory` ending in `suffix` (hidden files skipped), in byte order.
    static func list(directory: String, suffix: String) -> Result<[String], Failure> {
        let entries: [String]
        do { entries = try DirectoryListing.names(at: directory) } catch {
            return .failure(error == .noSuchFileOrDirectory ? .missing : .unreadable("cannot list directory: \(error)"))
        }
        let names = entries.filter { $0.hasSuffix(suffix) && !$0.hasPrefix(".") }
        return .success(names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
