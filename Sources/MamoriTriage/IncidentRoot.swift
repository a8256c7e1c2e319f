import MamoriEvents
import MamoriProcess

/// Finds the causal root of a process: the ancestor an incident is grouped under.
///
/// Exists because alerts are only readable as a story when they hang off the thing an operator
/// recognises: the login session (an sshd-spawned shell is a session leader) or the systemd
/// service whose process spawned the chain (e.g. `postgresql.service` → sh → curl). Pure
/// function of the ancestry; any thread may use it.
public enum IncidentRoot {
    /// The root for `process` with `ancestry` (parent first):
    /// 1. the nearest process (itself included) that leads its session, or
    /// 2. the topmost ancestor that is still inside the same systemd unit as the process
    ///    (the service's main process), or
    /// 3. the topmost ancestor below pid 1.
    public static func root(of process: ProcessRecord, ancestry: [ProcessRecord]) -> ProcessRecord {
        let chain = [process] + ancestry
        for p in chain where p.pid > 1 && p.sessionId == p.pid {
            // A session leader: an interactive login or a daemon that called setsid.
            return p
        }
        if let unit = process.unit, unit.hasSuffix(".service") {
            var top = process
            for p in ancestry where p.pid > 1 && p.unit == unit { top = p }
            return top
        }
        var top = process
        for p in ancestry where p.pid > 1 { top = p }
        return top
    }
}
