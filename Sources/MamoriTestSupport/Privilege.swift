import Glibc

/// When the root/BPF integration tests run: as root, and always under `CI=true` — where a
/// missing privilege is then a failure, never a skip (non-negotiable 2).
///
/// Exists because the same check was copied into four test-support files and seventeen suites.
/// Read-only values; any thread.
public enum Privilege {
    public static let isRoot = geteuid() == 0
    public static let isCI = getenv("CI").map { String(cString: $0) } == "true"
    /// The value for `.enabled(if:)` on every root integration suite.
    public static let integrationEnabled = isRoot || isCI
}
