import MamoriSystem

/// A small, bounded cache of uid → user name for `user.name`.
///
/// Exists because `getpwuid_r` may read `/etc/passwd` or even ask a directory service (NSS:
/// sssd, LDAP) — far too slow to do per event. Each uid is resolved once; unknown uids are
/// cached as unknown, so a flood of events from an unmapped uid costs one lookup. The cache holds
/// at most `capacity` entries and evicts an arbitrary one when full, which keeps memory bounded
/// even when an attacker cycles through uids. Call `removeAll()` after the user database changes.
///
/// A value type owned by one encoder on one thread (not shared, so no locking).
public struct UserNames: Sendable {
    /// Resolves one uid; `nil` when the uid has no passwd entry.
    public typealias Lookup = @Sendable (UInt32) -> String?

    /// Maximum number of cached uids (resolved and unresolved).
    public let capacity: Int
    private var cache: [UInt32: String?] = [:]
    private let lookup: Lookup

    /// - Parameters:
    ///   - capacity: entries to keep; at least 1.
    ///   - lookup: the resolver; tests inject a fixed table, production uses `getpwuid_r`.
    public init(capacity: Int = 512, lookup: @escaping Lookup = UserNames.passwdLookup) {
        self.capacity = Swift.max(1, capacity)
        self.lookup = lookup
    }

    /// The user name for `uid`, resolving and caching it on first use.
    public mutating func name(for uid: UInt32) -> String? {
        if let cached = cache[uid] { return cached }
        let resolved = lookup(uid)
        if cache.count >= capacity { cache.remove(at: cache.startIndex) }
        cache[uid] = .some(resolved)
        return resolved
    }

    /// Number of cached uids.
    public var count: Int { cache.count }

    /// Forgets every cached name (e.g. on SIGHUP, after the user database changed).
    public mutating func removeAll() { cache.removeAll(keepingCapacity: true) }

    /// Resolves a uid through the system user database (MamoriSystem's `UserDatabase`).
    public static let passwdLookup: Lookup = { uid in UserDatabase.userName(uid: uid) }
}
