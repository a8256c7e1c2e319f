import Foundation

/// Moves suspicious files into a root-only directory with a manifest (sha256, original path,
/// owner, mode, origin), lists them, and restores them.
///
/// Why copy instead of rename: the quarantine may be on another filesystem, and reading the
/// file anyway gives the hash. The copy is fsynced before the original is unlinked, so a crash
/// loses nothing. Each entry is `<id>.bin` (mode 0400) plus `<id>.json` (its manifest, written
/// atomically), in a 0700 directory. Use from one thread (the agent's control handler).
public struct Quarantine: Sendable {
    public let directory: String

    public init(directory: String = "/var/lib/mamori/quarantine") { self.directory = directory }

    /// One quarantined file.
    public struct Entry: Sendable, Equatable, Codable {
        public var id: String
        public var originalPath: String
        public var sha256: String
        public var size: Int64
        public var uid: UInt32
        public var gid: UInt32
        public var mode: UInt32
        /// Who wrote it (process, incident), as the agent knows it.
        public var origin: String?
        public var quarantinedAtUnix: Double
    }

    /// A quarantine or restore that failed, naming the path; nothing is lost when it is thrown.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
        init(_ path: String, _ message: String) { self.path = path; self.message = message }
        init(_ path: String, errno e: Int32) { self.init(path, String(cString: strerror(e))) }
    }

    /// Moves `path` into quarantine and returns its manifest entry.
    public func quarantine(path: String, origin: String?, now: Double = Date().timeIntervalSince1970) throws(Failure) -> Entry {
        try ensureDirectory()
        var st = stat()
        guard lstat(path, &st) == 0 else { throw Failure(path, errno: errno) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw Failure(path, "not a regular file; only regular files are quarantined") }
        let id = Quarantine.newId(now)
        let stored = "\(directory)/\(id).bin"
        let sha = try Quarantine.copy(from: path, to: stored, mode: 0o400, exclusive: true)
        let entry = Entry(id: id, originalPath: path, sha256: sha, size: Int64(st.st_size), uid: st.st_uid,
                          gid: st.st_gid, mode: UInt32(st.st_mode & 0o7777), origin: origin, quarantinedAtUnix: now)
        do {
            let data = try JSONEncoder().encode(entry)
            try AtomicFile.write(data, to: "\(directory)/\(id).json", mode: 0o600)
        } catch {
            unlink(stored)
            throw Failure(directory, "cannot write the manifest: \(error)")
        }
        guard unlink(path) == 0 else {
            let e = errno
            // Keep the copy and manifest: the file is preserved either way; say what happened.
            throw Failure(path, "copied to quarantine as \(id) but could not remove the original: \(String(cString: strerror(e)))")
        }
        return entry
    }

    /// Every entry, oldest first; unreadable manifests are skipped.
    public func list() -> [Entry] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasSuffix(".json") }.compactMap { name -> Entry? in
            guard let data = FileManager.default.contents(atPath: "\(directory)/\(name)") else { return nil }
            return try? JSONDecoder().decode(Entry.self, from: data)
        }.sorted { ($0.quarantinedAtUnix, $0.id) < ($1.quarantinedAtUnix, $1.id) }
    }

    /// Puts entry `id` back where it came from (owner and mode restored). Refuses to replace an
    /// existing file unless `force`. Returns the restored path.
    @discardableResult
    public func restore(id: String, force: Bool = false) throws(Failure) -> String {
        guard let entry = list().first(where: { $0.id == id }) else { throw Failure(directory, "no quarantined file with id \(id)") }
        let stored = "\(directory)/\(id).bin"
        let target = entry.originalPath
        if !force, access(target, F_OK) == 0 {
            throw Failure(target, "exists; restore with force to overwrite it")
        }
        let sha = try Quarantine.copy(from: stored, to: target, mode: mode_t(entry.mode), exclusive: !force)
        guard sha == entry.sha256 else {
            unlink(target)
            throw Failure(stored, "content does not match the recorded sha256; not restored")
        }
        _ = chown(target, entry.uid, entry.gid)
        _ = chmod(target, mode_t(entry.mode))
        unlink(stored)
        unlink("\(directory)/\(id).json")
        return target
    }

    private func ensureDirectory() throws(Failure) {
        if mkdir(directory, 0o700) != 0, errno != EEXIST { throw Failure(directory, errno: errno) }
        guard chmod(directory, 0o700) == 0 else { throw Failure(directory, errno: errno) }
    }

    static func newId(_ now: Double) -> String {
        var bytes = [UInt8](repeating: 0, count: 4)
        for i in 0..<4 { bytes[i] = UInt8.random(in: 0...255) }
        return "q\(Int64(now * 1000))-" + bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// Copies with hashing; fsyncs the destination (and its directory). Returns the sha256.
    static func copy(from src: String, to dst: String, mode: mode_t, exclusive: Bool) throws(Failure) -> String {
        let input = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard input >= 0 else { throw Failure(src, errno: errno) }
        defer { close(input) }
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
        let output = open(dst, flags, mode)
        guard output >= 0 else { throw Failure(dst, errno: errno) }
        var sha = SHA256()
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        var failure: Failure?
        copying: while true {
            let n = buf.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; failure = Failure(src, errno: errno); break }
            if n == 0 { break }
            sha.update(buf[0..<n])
            var off = 0
            while off < n {
                let w = buf.withUnsafeBytes { Glibc.write(output, $0.baseAddress! + off, n - off) }
                if w < 0 { if errno == EINTR { continue }; failure = Failure(dst, errno: errno); break copying }
                off += w
            }
        }
        if failure == nil, fsync(output) != 0 { failure = Failure(dst, errno: errno) }
        close(output)
        if let failure {
            unlink(dst)
            throw failure
        }
        let dir = (dst as NSString).deletingLastPathComponent
        let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { fsync(dfd); close(dfd) }
        return sha.finalizeHex()
    }
}
