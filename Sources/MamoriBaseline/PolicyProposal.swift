import MamoriStore

/// Turns a unit's learned profile into a lockdown proposal in the existing prevention policy
/// format (docs/prevention.md): the unit as a daemon unit (its shells denied in the kernel)
/// and its egress allowlist (`unit_egress.<unit>: mode: allowlist`) of the learned networks and
/// ports; the learned executables are listed as the exec allow-list the baseline enforces.
///
/// Exists as the bridge from learning to the levels: learn → alert on deviation → propose →
/// `mamori level simulate` → `mamori level set <n> --scope <unit>`. Pure text from stored rows,
/// so the CLI can write it without the agent. Stateless; any thread.
public enum PolicyProposal {
    /// Why a proposal cannot be written.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Units whose egress may never be narrowed (management SSH always stays open).
    static let egressExempt: Set<String> = ["ssh.service", "sshd.service"]

    /// A proposal: the policy itself (keys at the top level, as `PolicyParser.parse` and a
    /// standalone policy file take it) and the same as a config.d drop-in (under `prevention:`).
    public struct Proposal: Sendable, Equatable {
        public var policy: String
        public var dropIn: String
    }

    /// The proposal for `profile`, from its stored header and items.
    /// - Parameter daemonUnits: the daemon unit list in force (the file replaces the list, so
    ///   the proposal carries it plus this unit).
    public static func yaml(profile: String, state: String, items: [(category: String, key: String, detail: String?)],
                            daemonUnits: [String], generatedAt: String) throws(Refusal) -> Proposal {
        guard !profile.hasPrefix(ProfileNaming.cgroupPrefix), profile != ProfileNaming.interactive else {
            throw Refusal(description: "\(profile) is not a systemd unit: policies scope units (use `mamori level set --scope cgroup:PATH` for a cgroup)")
        }
        guard state != ProfileState.learning.rawValue else {
            throw Refusal(description: "profile \(profile) is still learning: a proposal from an incomplete baseline would block normal behaviour; wait until `mamori baseline status` shows it stable")
        }
        let executables = items.filter { $0.category == ProfileCategory.executable.rawValue }
        let runsShell = executables.contains { ExecutableClass.of($0.key) == .shell }
        var header: [String] = []
        var lines: [String] = []
        header.append("# Lockdown proposal for \(profile) from its behavioural baseline (\(state)), \(generatedAt).")
        header.append("# Written by `mamori baseline propose --unit \(profile)`. Review, then:")
        header.append("#   1. put it in /etc/mamori/config.d/ (or merge it into the prevention: section) and `mamori reload`;")
        header.append("#   2. `mamori level simulate lockdown --scope \(profile) --since 7d` shows what it would have blocked;")
        header.append("#   3. `mamori level set lockdown --scope \(profile)` applies it to this unit only.")
        header.append("# Shells are denied to daemon units from level \"daemon_shells\" (default 4, lockdown);")
        header.append("# the egress allowlist is enforced from level \"unit_egress\" (default 1).")
        header.append("#")
        header.append("# Exec allow-list (learned executables; any other is a baseline deviation alert):")
        for e in executables { header.append("#   \(e.key)" + (e.detail.map { "  [dev:inode \($0)]" } ?? "")) }
        if runsShell {
            lines.append("# \(profile) runs a shell normally: not made a daemon unit (its shells stay allowed).")
        } else {
            var units = daemonUnits
            if !units.contains(profile) { units.append(profile) }
            lines.append("daemon_units:")
            for u in units { lines.append("  - \(quote(u))") }
        }
        let destinations = items.filter { $0.category == ProfileCategory.destination.rawValue }.compactMap { DestinationKey(key: $0.key) }
        if egressExempt.contains(profile) {
            lines.append("# no unit_egress for \(profile): management SSH always stays open.")
            return finish(header, lines)
        }
        // Group ports by (network, protocol); loopback is always open and needs no entry.
        var groups: [String: (network: NetworkPrefix, proto: UInt16, ports: [UInt16])] = [:]
        for d in destinations where !d.network.address.isLoopback {
            let k = "\(d.network) \(d.proto)"
            var g = groups[k] ?? (d.network, d.proto, [])
            if !g.ports.contains(d.port) { g.ports.append(d.port) }
            groups[k] = g
        }
        lines.append("unit_egress:")
        lines.append("  \(quote(profile)):")
        lines.append("    mode: allowlist")
        if groups.isEmpty {
            lines.append("    rules: []   # the unit made no outbound connection but to loopback")
        } else {
            lines.append("    rules:")
            for key in groups.keys.sorted() {
                let g = groups[key]!
                let ports = g.ports.sorted()
                // The kernel keeps at most 8 ports per entry.
                for start in stride(from: 0, to: ports.count, by: 8) {
                    let chunk = ports[start..<min(start + 8, ports.count)]
                    lines.append("      - cidr: \(g.network)")
                    lines.append("        ports: [\(chunk.map(String.init).joined(separator: ", "))]")
                    lines.append("        protocol: \(g.proto == 17 ? "udp" : g.proto == 6 ? "tcp" : "any")")
                }
            }
        }
        return finish(header, lines)
    }

    static func finish(_ header: [String], _ body: [String]) -> Proposal {
        let h = header.joined(separator: "\n") + "\n"
        return Proposal(policy: h + body.joined(separator: "\n") + "\n",
                        dropIn: h + "prevention:\n" + body.map { "  " + $0 }.joined(separator: "\n") + "\n")
    }

    static func quote(_ s: String) -> String {
        let plain = s.allSatisfy { $0.isLetter || $0.isNumber || "._-@:".contains($0) }
        if plain { return s }
        var out = "\""
        for ch in s {
            if ch == "\"" || ch == "\\" { out.append("\\") }
            out.append(ch)
        }
        return out + "\""
    }
}

extension PolicyProposal {
    /// The stored items a proposal is built from: what the profile learned while learning.
    /// Items learned after it became stable were deviations (alerted, then accepted as
    /// medium/low novelty); they are left out unless `includeDeviations`, so a proposal never
    /// allow-lists what an attacker did after the baseline settled.
    public static func allowList(_ items: [BaselineItemRow], header: BaselineProfileRow,
                                 includeDeviations: Bool) -> [(category: String, key: String, detail: String?)] {
        let settled = header.state == ProfileState.learning.rawValue ? Int64.max : header.stateChangedUnixNs
        return items.filter { includeDeviations || $0.firstSeen <= settled }
            .map { (category: $0.category, key: $0.key, detail: $0.detail) }
    }
}
