import MamoriSystem
import CMamoriSys
import Foundation

/// Moves suspicious files into a root-only directory with a manifest (sha256, original path,
/// owner, mode, origin), lists them, and restores them.
///
/// Why copy instead of rename: the quarantine may be on another filesystem, and reading the
/// file anyway gives the hash. The copy is fsynced before the original is unlinked, so a crash
/// loses nothing. Each entry is `<id>.bin` (mode 0400) plus `<id>.json` (its manifest, written
/// atomically), in a 0700 directory.
///
/// Hostile paths: the file to quarantine and the place to restore to are chosen by whoever
/// wrote them, and root acting by path on them is a symlink race waiting to happen. So every
/// operation works on pinned directory fds: the parent directory is opened with openat2
/// `RESOLVE_NO_SYMLINKS` (a symlink in any component is refused), the file with `O_NOFOLLOW`,
/// the original is unlinked only if the name still holds the inode that was copied, a restore
/// writes a temporary file in the target directory, sets owner and mode with fchown/fchmod and
/// renames it into place with `RENAME_NOREPLACE` (unless forced). Use from one thread (the
/// agent's control handler).
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
        init(_ path: String, errno e: Int32) {
            self.init(path, e == ELOOP || e == EXDEV
                      ? "a component is a symlink (or leaves the tree): give the resolved path"
                      : String(cString: strerror(e)))
        }
    }

    /// Moves `path` into quarantine and returns its manifest entry.
    public func quarantine(path: String, origin: String?, now: Double = Date().timeIntervalSince1970) throws(Failure) -> Entry {
        let qfd = try openDirectory()
        defer { close(qfd) }
        let (parent, name) = try Self.split(path)
        let dfd = mamori_open_no_symlinks(AT_FDCWD, parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
        guard dfd >= 0 else { throw Failure(parent, errno: errno) }
        defer { close(dfd) }
        let input = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard input >= 0 else {
            let e = errno
            throw e == ELOOP ? Failure(path, "is a symlink; only regular files are quarantined") : Failure(path, errno: e)
        }
        defer { close(input) }
        var st = stat()
        guard fstat(input, &st) == 0 else { throw Failure(path, errno: errno) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw Failure(path, "not a regular file; only regular files are quarantined") }
        let id = Quarantine.newId(now)
        let output = openat(qfd, "\(id).bin", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o400)
        guard output >= 0 else { throw Failure("\(directory)/\(id).bin", errno: errno) }
        let sha: String
        do { sha = try Quarantine.copy(from: input, to: output, source: path, destination: "\(directory)/\(id).bin") } catch {
            unlinkat(qfd, "\(id).bin", 0)
            throw error
        }
        let entry = Entry(id: id, originalPath: path, sha256: sha, size: Int64(st.st_size), uid: st.st_uid,
                          gid: st.st_gid, mode: UInt32(st.st_mode & 0o7777), origin: origin, quarantinedAtUnix: now)
        do {
            try writeManifest(entry, in: qfd)
        } catch {
            unlinkat(qfd, "\(id).bin", 0)
            throw error
        }
        // Unlink only what was copied: the name must still hold the same inode (not a file
        // swapped in since). unlinkat on the pinned directory never follows a symlink.
        var current = stat()
        guard fstatat(dfd, name, &current, AT_SYMLINK_NOFOLLOW) == 0,
              current.st_dev == st.st_dev, current.st_ino == st.st_ino else {
            throw Failure(path, "changed while being quarantined: the copy is kept as \(id), the path was left as it is")
        }
        guard unlinkat(dfd, name, 0) == 0 else {
            let e = errno
            throw Failure(path, "copied to quarantine as \(id) but could not remove the original: \(String(cString: strerror(e)))")
        }
        return entry
    }

    /// Every entry, oldest first; unreadable manifests are skipped.
    public func list() -> [Entry] {
        guard let qfd = try? openDirectory(create: false) else { return [] }
        defer { close(qfd) }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasSuffix(".json") }.compactMap { readManifest(named: $0, in: qfd) }
            .sorted { ($0.quarantinedAtUnix, $0.id) < ($1.quarantinedAtUnix, $1.id) }
    }

    /// Puts entry `id` back where it came from (owner and mode restored). Refuses to replace an
    /// existing file unless `force`. Returns the restored path.
    @discardableResult
    public func restore(id: String, force: Bool = false) throws(Failure) -> String {
        guard !id.isEmpty, id.utf8.count <= 64,
              id.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) || $0 == 45 }) else {
            throw Failure(directory, "no quarantined file with id \(id)")
        }
        let qfd = try openDirectory(create: false)
        defer { close(qfd) }
        guard let entry = readManifest(named: "\(id).json", in: qfd), entry.id == id else {
            throw Failure(directory, "no quarantined file with id \(id)")
        }
        let stored = openat(qfd, "\(id).bin", O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard stored >= 0 else { throw Failure("\(directory)/\(id).bin", errno: errno) }
        defer { close(stored) }
        let target = entry.originalPath
        let (parent, name) = try Self.split(target)
        let dfd = mamori_open_no_symlinks(AT_FDCWD, parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
        guard dfd >= 0 else { throw Failure(parent, errno: errno) }
        defer { close(dfd) }
        var existing = stat()
        if !force, fstatat(dfd, name, &existing, AT_SYMLINK_NOFOLLOW) == 0 {
            throw Failure(target, "exists; restore with force to overwrite it")
        }
        let temporary = ".mamori-restore-\(id)"
        let output = openat(dfd, temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard output >= 0 else { throw Failure("\(parent)/\(temporary)", errno: errno) }
        var outputOpen = true
        func discard() { if outputOpen { close(output); outputOpen = false }; unlinkat(dfd, temporary, 0) }
        let sha: String
        do { sha = try Quarantine.copy(from: stored, to: output, source: "\(directory)/\(id).bin", destination: target, closing: false) } catch {
            discard()
            throw error
        }
        guard sha == entry.sha256 else {
            discard()
            throw Failure("\(directory)/\(id).bin", "content does not match the recorded sha256; not restored")
        }
        _ = fchown(output, entry.uid, entry.gid)
        _ = fchmod(output, mode_t(entry.mode))
        _ = fsync(output)
        close(output)
        outputOpen = false
        let moved = force ? renameat(dfd, temporary, dfd, name) : mamori_rename_noreplace(dfd, temporary, dfd, name)
        guard moved == 0 else {
            let e = errno
            discard()
            throw e == EEXIST ? Failure(target, "exists; restore with force to overwrite it") : Failure(target, errno: e)
        }
        _ = fsync(dfd)
        unlinkat(qfd, "\(id).bin", 0)
        unlinkat(qfd, "\(id).json", 0)
        return target
    }

    /// The quarantine directory as a pinned fd: created 0700 if missing, never a symlink.
    private func openDirectory(create: Bool = true) throws(Failure) -> Int32 {
        if create, mkdir(directory, 0o700) != 0, errno != EEXIST { throw Failure(directory, errno: errno) }
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw Failure(directory, errno: errno) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_uid == geteuid() else {
            close(fd)
            throw Failure(directory, "is not owned by this user; refusing to use it as the quarantine")
        }
        guard fchmod(fd, 0o700) == 0 else { let e = errno; close(fd); throw Failure(directory, errno: e) }
        return fd
    }

    private func writeManifest(_ entry: Entry, in qfd: Int32) throws(Failure) {
        let data: Data
        do { data = try JSONEncoder().encode(entry) } catch { throw Failure(directory, "cannot encode the manifest: \(error)") }
        let temporary = "\(entry.id).json.tmp"
        let fd = openat(qfd, temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw Failure("\(directory)/\(temporary)", errno: errno) }
        do { try FileDescriptor(rawValue: fd).writeAll([UInt8](data)) } catch {
            close(fd); unlinkat(qfd, temporary, 0); throw Failure(directory, errno: error.rawValue)
        }
        let synced = fsync(fd) == 0
        close(fd)
        guard synced, renameat(qfd, temporary, qfd, "\(entry.id).json") == 0 else {
            let e = errno
            unlinkat(qfd, temporary, 0)
            throw Failure(directory, "cannot write the manifest: \(String(cString: strerror(e)))")
        }
        _ = fsync(qfd)
    }

    private func readManifest(named name: String, in qfd: Int32) -> Entry? {
        let fd = openat(qfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        guard let data = try? handle.read(upToCount: 1 << 20) else { return nil }
        return try? JSONDecoder().decode(Entry.self, from: data)
    }

    /// An absolute path's parent directory and last component ("/a/b" → ("/a", "b")).
    static func split(_ path: String) throws(Failure) -> (String, String) {
        guard path.hasPrefix("/"), let slash = path.lastIndex(of: "/") else { throw Failure(path, "must be an absolute path") }
        let name = String(path[path.index(after: slash)...])
        guard !name.isEmpty, name != ".", name != ".." else { throw Failure(path, "must name a file") }
        let parent = slash == path.startIndex ? "/" : String(path[..<slash])
        return (parent, name)
    }

    static func newId(_ now: Double) -> String {
        var bytes = [UInt8](repeating: 0, count: 4)
        for i in 0..<4 { bytes[i] = UInt8.random(in: 0...255) }
        return "q\(Int64(now * 1000))-" + bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// Copies between open fds with hashing and fsyncs the destination; returns the sha256.
    /// Closes `output` unless `closing` is false.
    static func copy(from input: Int32, to output: Int32, source: String, destination: String,
                     closing: Bool = true) throws(Failure) -> String {
        var sha = FileDigest()
        var failure: Failure?
        do throws(Errno) {
            try FileDescriptor(rawValue: input).readChunks { chunk in
                sha.update(chunk)
                do throws(Errno) { try FileDescriptor(rawValue: output).writeAll(Array(chunk)) } catch {
                    failure = Failure(destination, errno: error.rawValue)
                    return false
                }
                return true
            }
        } catch {
            failure = Failure(source, errno: error.rawValue)
        }
        if failure == nil, fsync(output) != 0 { failure = Failure(destination, errno: errno) }
        if closing { close(output) }
        if let failure { throw failure }
        return sha.finalizeHex()
    }
}
