import Glibc

/// The system user and group databases (`getpwuid_r`, `getgrnam_r`, through NSS: files, sssd,
/// LDAP), the one place their reentrant buffers are handled.
///
/// Exists because the ECS encoder, the rule engine's `User` field and the control socket's
/// group check each wrote the same buffer-growing lookup with raw pointers. Lookups can be
/// slow (a directory service): callers cache the answers. Stateless; any thread.
public enum UserDatabase {
    /// The user name of `uid`; nil when the uid has no entry.
    public static func userName(uid: UInt32) -> String? {
        var size = 1024
        while size <= 1 << 20 {
            var entry = passwd()
            var result: UnsafeMutablePointer<passwd>? = nil
            var buffer = [CChar](repeating: 0, count: size)
            let status = getpwuid_r(uid_t(uid), &entry, &buffer, size, &result)
            if status == ERANGE { size *= 2; continue }
            // pw_name points into `buffer`, which is alive until the end of this iteration.
            guard status == 0, result != nil, let name = entry.pw_name else { return nil }
            return String(cString: name)
        }
        return nil
    }

    /// The group id of the group `name`; nil when there is no such group.
    public static func groupID(named name: String) -> UInt32? {
        var size = 4096
        while size <= 1 << 20 {
            var group = Glibc.group()
            var result: UnsafeMutablePointer<Glibc.group>?
            var buffer = [CChar](repeating: 0, count: size)
            let status = getgrnam_r(name, &group, &buffer, size, &result)
            if status == ERANGE { size *= 2; continue }
            guard status == 0, result != nil else { return nil }
            return group.gr_gid
        }
        return nil
    }
}
