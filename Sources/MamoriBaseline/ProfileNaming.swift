import MamoriProcess

/// Which profile an event belongs to: its systemd unit, else its cgroup (`cgroup:<path>`),
/// with every login session (`session-N.scope`, or a process with a terminal outside any
/// unit) pooled as `interactive`. Processes of the root cgroup outside a session (kernel
/// threads, early boot) are not profiled. Stateless; any thread.
public enum ProfileNaming {
    public static let interactive = "interactive"
    public static let cgroupPrefix = "cgroup:"

    public static func name(unit: String?, cgroupPath: String?, hasTTY: Bool) -> String? {
        if let unit {
            if unit.hasPrefix("session-") && unit.hasSuffix(".scope") { return interactive }
            return unit
        }
        if let path = cgroupPath, path != "/", !path.isEmpty { return cgroupPrefix + path }
        return hasTTY ? interactive : nil
    }
}
