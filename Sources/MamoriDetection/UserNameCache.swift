import MamoriSystem

/// uid → user name for the `User` and `ParentUser` fields, resolved once per uid.
///
/// Exists because `getpwuid_r` may read files or ask NSS (sssd, LDAP): far too slow per event.
/// Bounded (cleared when full, so an attacker cycling uids cannot grow it); an unresolvable uid
/// is cached and shown as its decimal number. Owned by one `DetectionEngine` on the pipeline
/// worker thread.
struct UserNameCache {
    private var names: [UInt32: String] = [:]
    private let lookup: UserNameLookup
    private let capacity = 1024

    init(lookup: @escaping UserNameLookup) { self.lookup = lookup }

    mutating func name(for uid: UInt32) -> String {
        if let cached = names[uid] { return cached }
        let name = lookup(uid) ?? String(uid)
        if names.count >= capacity { names.removeAll(keepingCapacity: true) }
        names[uid] = name
        return name
    }

    mutating func removeAll() { names.removeAll() }
}

/// Resolves one uid to a user name; `nil` when the uid has no entry.
public typealias UserNameLookup = @Sendable (UInt32) -> String?

/// The system user database lookup (`getpwuid_r`), the default `UserNameLookup`.
///
/// Exists as a named default that tests can replace with a fixed table. Thread-safe (any
/// thread); the engine caches its answers, so it runs once per uid.
public enum SystemUserNames {
    public static let lookup: UserNameLookup = { uid in UserDatabase.userName(uid: uid) }
}
