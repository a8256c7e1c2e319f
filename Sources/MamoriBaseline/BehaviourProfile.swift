/// An executable's identity as learned: device and inode (0 = not known, e.g. learned from
/// history, which stores paths only; the first live exec fills it in). Any thread.
public struct ExecIdentity: Hashable, Sendable {
    public var device: UInt32
    public var inode: UInt64
    public var isKnown: Bool { inode != 0 }
    public init(device: UInt32, inode: UInt64) { self.device = device; self.inode = inode }

    /// `8:1 1234` (major:minor inode), the stored detail.
    public var text: String { "\(device >> 20):\(device & 0xfffff) \(inode)" }
    public init?(text: String) {
        let parts = text.split(separator: " ")
        let dev = parts.first?.split(separator: ":")
        guard parts.count == 2, let dev, dev.count == 2, let major = UInt32(dev[0]), let minor = UInt32(dev[1]),
              let inode = UInt64(parts[1]) else { return nil }
        self.init(device: major << 20 | minor, inode: inode)
    }
}

/// A parent executable → child executable exec edge. Any thread.
public struct ExecEdge: Hashable, Sendable {
    public var parent: String
    public var child: String
    public init(parent: String, child: String) { self.parent = parent; self.child = child }
    /// Stored key: the two paths separated by U+001F.
    public var key: String { parent + "\u{1f}" + child }
    public init?(key: String) {
        let parts = key.split(separator: "\u{1f}", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        self.init(parent: String(parts[0]), child: String(parts[1]))
    }
}

/// What one unit (or cgroup, or the interactive sessions) normally does, learned from its
/// events: the sets the engine checks every event against, their caps, and the state.
///
/// Exists as the unit of learning, alerting, persistence and proposals. Lookups hash strings
/// the event already holds (no allocation); an insert allocates only for new behaviour. Every
/// set is capped (`ProfileLimits`); a full category refuses new entries and remembers that it
/// did (`full`, `overflow`). Owned by the pipeline worker: not thread-safe.
public final class BehaviourProfile {
    public let name: String
    /// A systemd service (or other non-session unit): novel shells score high here.
    public let isService: Bool
    /// The interactive-sessions profile: learned, never alerted.
    public let isInteractive: Bool
    public internal(set) var state: ProfileState = .learning
    public internal(set) var sinceUnixNs: Int64
    public internal(set) var stateChangedUnixNs: Int64
    public internal(set) var lastNewUnixNs: Int64
    public internal(set) var eventsSeen: UInt64 = 0
    public internal(set) var deviations: UInt64 = 0
    /// New entries refused because their category was full.
    public internal(set) var overflow: UInt64 = 0
    /// Events not learned because they raised a high-severity alert.
    public internal(set) var skippedHighSeverity: UInt64 = 0
    public internal(set) var full: Set<ProfileCategory> = []
    /// Header changed since last written.
    var dirty = true

    public internal(set) var executables: [String: ExecIdentity] = [:]
    public internal(set) var edges: Set<ExecEdge> = []
    /// argv shape hash → a readable example of the shape.
    public internal(set) var shapes: [Int64: String] = [:]
    public internal(set) var destinations: Set<DestinationKey> = []
    public internal(set) var listens: Set<ListenKey> = []
    /// Path pattern hash → the pattern.
    public internal(set) var files: [UInt64: String] = [:]
    public internal(set) var users: Set<UInt32> = []
    /// The last few written paths found in `files`: a file storm rewrites the same few paths,
    /// and the decoder hands the same interned string each time, so the check ends at a
    /// string comparison instead of the ignore list, the pattern hash and a lookup.
    private var recentFiles = [String](repeating: "", count: 4)
    private var recentFileNext = 0

    public init(name: String, nowUnixNs: Int64) {
        self.name = name
        self.isInteractive = name == ProfileNaming.interactive
        self.isService = !isInteractive && !name.hasPrefix(ProfileNaming.cgroupPrefix)
        self.sinceUnixNs = nowUnixNs
        self.stateChangedUnixNs = nowUnixNs
        self.lastNewUnixNs = nowUnixNs
    }

    /// Whether `path` is one of the recently checked paths known to `files` (entries are never
    /// removed from a profile, so a remembered path stays known).
    @inline(__always)
    func recentlyKnownFile(_ path: String) -> Bool {
        for known in recentFiles where known == path { return !path.isEmpty }
        return false
    }

    /// Remember a path just found in `files`.
    func rememberKnownFile(_ path: String) {
        recentFiles[recentFileNext] = path
        recentFileNext = (recentFileNext + 1) & 3
    }

    public func count(_ c: ProfileCategory) -> Int {
        switch c {
        case .executable: return executables.count
        case .edge: return edges.count
        case .argv: return shapes.count
        case .destination: return destinations.count
        case .listen: return listens.count
        case .file: return files.count
        case .user: return users.count
        }
    }

    public var itemCount: Int { ProfileCategory.allCases.reduce(0) { $0 + count($1) } }

    /// Adds a novelty's entry unless its category is at `limit`; false (and counted) if full.
    func learn(_ n: Novelty, limit: Int) -> Bool {
        if n.kind == .executableReplaced || (n.category == .executable && executables[n.key] != nil) {
            // Known path, identity learned now or replaced: update in place (no growth).
            executables[n.key] = n.detail.flatMap(ExecIdentity.init(text:)) ?? ExecIdentity(device: 0, inode: 0)
            return true
        }
        guard count(n.category) < limit else {
            overflow &+= 1
            if full.insert(n.category).inserted { dirty = true }
            return false
        }
        switch n.category {
        case .executable:
            executables[n.key] = n.detail.flatMap(ExecIdentity.init(text:)) ?? ExecIdentity(device: 0, inode: 0)
        case .edge:
            if let e = ExecEdge(key: n.key) { edges.insert(e) }
        case .argv:
            if let h = Int64(n.key) { shapes[h] = n.detail ?? "" }
        case .destination:
            if let d = DestinationKey(key: n.key) { destinations.insert(d) }
        case .listen:
            if let l = ListenKey(key: n.key) { listens.insert(l) }
        case .file:
            files[PathPattern.hash(n.key)] = n.key
        case .user:
            if let u = UInt32(n.key) { users.insert(u) }
        }
        dirty = true
        return true
    }

    /// A bounded, sorted sample of the entries of a category, as text (for alerts and `show`).
    public func entries(_ c: ProfileCategory, limit: Int = .max) -> [String] {
        let all: [String]
        switch c {
        case .executable: all = executables.keys.sorted()
        case .edge: all = edges.map { "\($0.parent.isEmpty ? "?" : $0.parent) → \($0.child)" }.sorted()
        case .argv: all = shapes.values.sorted()
        case .destination: all = destinations.map(\.description).sorted()
        case .listen: all = listens.map(\.description).sorted()
        case .file: all = files.values.sorted()
        case .user: all = users.sorted().map(String.init)
        }
        return Array(all.prefix(limit))
    }
}
