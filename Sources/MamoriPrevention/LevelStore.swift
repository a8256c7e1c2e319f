import MamoriSystem
import Foundation

/// Persists `LevelState` in /var/lib/mamori/state.json so the level survives an agent restart.
///
/// Exists to make the write atomic (temp file in the same directory, fsync, rename, 0600) and
/// the read forgiving: a missing file is the default state; a corrupt one yields the safe
/// default (monitor) plus an error saying what was wrong, never a crash. Use from one thread
/// (the agent's control handler); the file is the only shared thing.
public struct LevelStore: Sendable {
    public let path: String

    public init(path: String = "/var/lib/mamori/state.json") { self.path = path }

    /// What `load()` found.
    public struct Loaded: Sendable {
        public var state: LevelState
        /// Why the file was not used (corrupt, unreadable); nil when it was used or absent.
        public var problem: String?
    }

    public func load() -> Loaded {
        guard FileManager.default.fileExists(atPath: path) else { return Loaded(state: LevelState(), problem: nil) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return Loaded(state: LevelState(), problem: "\(path): cannot read the state file; using level 0 (monitor)")
        }
        do {
            return Loaded(state: try JSONDecoder().decode(LevelState.self, from: data), problem: nil)
        } catch {
            return Loaded(state: LevelState(),
                          problem: "\(path): corrupt state file (\(LevelStore.describe(error))); using level 0 (monitor) until the next change rewrites it")
        }
    }

    /// Writes `state` atomically; on failure the previous file is untouched.
    public func save(_ state: LevelState) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(state)
        try AtomicFile.write(data, to: path, mode: 0o600)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c): return c.debugDescription
        case DecodingError.keyNotFound(let k, _): return "missing key \(k.stringValue)"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "\(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        default: return "\(error)"
        }
    }
}

/// Write-temp-fsync-rename, the one way Mamori replaces small files.
///
/// Stateless; any thread.
enum AtomicFile {
    struct Failure: Error, CustomStringConvertible {
        var path: String
        var step: String
        var errno: Int32
        var description: String { "\(path): \(step) failed: \(String(cString: strerror(errno)))" }
    }

    static func write(_ data: Data, to path: String, mode: mode_t) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            guard mkdir(directory, 0o700) == 0 || errno == EEXIST else { throw Failure(path: directory, step: "mkdir", errno: errno) }
        }
        let temp = "\(path).tmp.\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Failure(path: temp, step: "open", errno: errno) }
        var ok = fchmod(fd, mode) == 0
        var failedStep = "fchmod"
        if ok {
            do { try FileDescriptor(rawValue: fd).writeAll([UInt8](data)) } catch {
                ok = false
                errno = error.rawValue
            }
            failedStep = "write"
        }
        if ok { ok = fsync(fd) == 0; failedStep = "fsync" }
        let savedErrno = errno
        close(fd)
        guard ok else {
            unlink(temp)
            throw Failure(path: temp, step: failedStep, errno: savedErrno)
        }
        guard rename(temp, path) == 0 else {
            let e = errno
            unlink(temp)
            throw Failure(path: path, step: "rename", errno: e)
        }
        if !directory.isEmpty {
            let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if dfd >= 0 { fsync(dfd); close(dfd) }
        }
    }
}
