/// The effective prevention level of a process: the host level, or the deepest scope override
/// (a systemd unit or cgroup subtree) that contains the process's cgroup.
///
/// Exists so the live `ResponseDecision`, the simulator and the kernel (which walks the cgroup
/// ancestry deepest first, see docs/prevention.md) agree on "which level applies here".
/// Operator overrides (`LevelState.scopes`) win over the policy's `scopes:` for the same
/// target. An immutable value; any thread.
public struct LevelView: Sendable, Equatable {
    public var hostLevel: PreventionLevel
    /// Merged scope levels: policy scopes, replaced by state overrides of the same target.
    public var scopes: [PreventionPolicy.ScopeTarget: PreventionLevel]

    public init(hostLevel: PreventionLevel, scopes: [PreventionPolicy.ScopeTarget: PreventionLevel] = [:]) {
        self.hostLevel = hostLevel; self.scopes = scopes
    }

    public init(policy: PreventionPolicy, state: LevelState) {
        var merged: [PreventionPolicy.ScopeTarget: PreventionLevel] = [:]
        for s in policy.scopes { merged[s.target] = s.level }
        for s in state.scopes { merged[s.target] = s.level }
        self.init(hostLevel: state.hostLevel, scopes: merged)
    }

    /// The level for a process in cgroup `cgroupPath` (relative to the mount) and/or `unit`.
    public func effectiveLevel(cgroupPath: String?, unit: String?) -> PreventionLevel {
        guard !scopes.isEmpty else { return hostLevel }
        guard let cgroupPath, cgroupPath.hasPrefix("/") else {
            if let unit, let level = scopes[.unit(unit)] { return level }
            return hostLevel
        }
        let components = cgroupPath.split(separator: "/")
        var best: (depth: Int, level: PreventionLevel)?
        for (target, level) in scopes {
            let depth: Int?
            switch target {
            case .unit(let name):
                depth = components.lastIndex { $0 == name }.map { $0 + 1 }
            case .cgroup(let path):
                let p = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
                if p == "/" { depth = 0 }
                else if cgroupPath == p || cgroupPath.hasPrefix(p + "/") { depth = p.split(separator: "/").count }
                else { depth = nil }
            }
            // Deepest wins; at equal depth (a unit and its own cgroup path) the cgroup entry wins.
            if let depth, best == nil || depth > best!.depth || (depth == best!.depth && { if case .cgroup = target { return true }; return false }()) {
                best = (depth, level)
            }
        }
        return best?.level ?? hostLevel
    }
}
