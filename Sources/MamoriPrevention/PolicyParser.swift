import MamoriDetection
import Yams

/// Reads a `PreventionPolicy` from YAML: the `prevention:` section of /etc/mamori/config.yaml
/// (`parse(node:file:)`, for the config loader) or a standalone file (`load(path:)`).
///
/// Exists so the policy format is validated in one place: unknown keys, bad levels, CIDRs,
/// ports and durations are rejected with `file:line:column: key: message`, and a missing
/// section means the embedded defaults. Stateless; any thread.
public enum PolicyParser {
    static let topKeys: Set<String> = [
        "levels", "exec_deny", "egress_deny", "management_networks", "unit_egress", "daemon_units",
        "shells", "protected", "protected_files", "scopes", "guardrails", "quarantine_dir",
    ]

    /// The policy described by `node` (nil or null = the defaults).
    public static func parse(node: Node?, file: String) throws(PolicyError) -> PreventionPolicy {
        var policy = PreventionPolicy()
        guard let node, !isNull(node) else { return policy }
        let r = PolicyNodes(file: file)
        for (key, _, value) in try r.mapping(node, "", allowed: topKeys) {
            switch key {
            case "levels": policy.ladder = try ladder(value, r)
            case "exec_deny":
                policy.execDeny = try r.sequence(value, key).enumerated().map { (i, n) throws(PolicyError) in
                    try execDeny(n, "\(key)[\(i)]", r)
                }
            case "egress_deny":
                policy.egressDeny = try r.sequence(value, key).enumerated().map { (i, n) throws(PolicyError) in
                    try egressRule(n, "\(key)[\(i)]", r, executablesAllowed: true)
                }
            case "management_networks": policy.managementNetworks = try r.prefixes(value, key)
            case "unit_egress": policy.unitEgress = try unitEgress(value, r)
            case "daemon_units": policy.daemonUnits = try r.strings(value, key)
            case "shells": policy.shells = try r.absolutePaths(value, key)
            case "protected": policy.protected = try protected(value, r)
            case "protected_files":
                policy.protectedFiles = unique(PreventionPolicy.defaultProtectedFiles + (try r.absolutePaths(value, key)))
            case "scopes":
                policy.scopes = try r.sequence(value, key).enumerated().map { (i, n) throws(PolicyError) in
                    try scope(n, "\(key)[\(i)]", r)
                }
            case "guardrails": policy.guardrails = try guardrails(value, r)
            case "quarantine_dir": policy.quarantineDirectory = try r.absolutePath(value, key)
            default: break
            }
        }
        return policy
    }

    /// Parses YAML text holding a policy at its top level.
    public static func parse(yaml: String, file: String) throws(PolicyError) -> PreventionPolicy {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let e as YamlError {
            throw yamlError(e, file: file)
        } catch {
            throw PolicyError(file: file, line: 1, column: 1, message: "\(error)")
        }
        return try parse(node: node, file: file)
    }

    /// Loads a standalone policy file.
    public static func load(path: String) throws(PolicyError) -> PreventionPolicy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError(file: path, line: 1, column: 1, message: "cannot read the file")
        }
        return try parse(yaml: String(decoding: data, as: UTF8.self), file: path)
    }

    static func yamlError(_ e: YamlError, file: String) -> PolicyError {
        switch e {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return PolicyError(file: file, line: mark.line, column: mark.column, message: "YAML: \(problem)")
        default:
            return PolicyError(file: file, line: 1, column: 1, message: "YAML: \(e)")
        }
    }

    static func isNull(_ node: Node) -> Bool {
        if case .scalar(let s) = node { return s.isNullValue }
        return false
    }

    static func unique(_ xs: [String]) -> [String] {
        var seen = Set<String>()
        return xs.filter { seen.insert($0).inserted }
    }

    // MARK: - Sections

    static func ladder(_ node: Node, _ r: PolicyNodes) throws(PolicyError) -> LevelLadder {
        var l = LevelLadder()
        let keys: Set<String> = ["rules", "confidence_penalty", "exec_denylist", "egress_blocklist",
                                 "unit_egress", "temp_exec", "daemon_shells", "temp_dirs"]
        for (key, _, v) in try r.mapping(node, "levels", allowed: keys) {
            let path = "levels.\(key)"
            switch key {
            case "rules":
                let names = Set(RuleLevel.allCases.map(\.rawValue))
                l.rulesActFrom = [:]
                for (name, _, lv) in try r.mapping(v, path, allowed: names) {
                    if let level = try r.levelOrNever(lv, "\(path).\(name)") { l.rulesActFrom[RuleLevel(rawValue: name)!] = level }
                }
            case "confidence_penalty":
                for (name, _, pv) in try r.mapping(v, path, allowed: ["low", "medium", "high"]) {
                    l.confidencePenalty[RuleConfidence(rawValue: name)!] = try r.int(pv, "\(path).\(name)", range: 0...4)
                }
            case "exec_denylist": l.execDenyListFrom = try r.level(v, path)
            case "egress_blocklist": l.egressBlockListFrom = try r.level(v, path)
            case "unit_egress": l.unitEgressFrom = try r.level(v, path)
            case "temp_exec": l.tempExecDenyFrom = try r.level(v, path)
            case "daemon_shells": l.daemonShellDenyFrom = try r.level(v, path)
            case "temp_dirs": l.tempDirectories = try r.absolutePaths(v, path)
            default: break
            }
        }
        return l
    }

    static func execDeny(_ node: Node, _ key: String, _ r: PolicyNodes) throws(PolicyError) -> PreventionPolicy.ExecDeny {
        var match: PreventionPolicy.ExecDeny.Match?
        var entry = PreventionPolicy.ExecDeny(match: .sha256(""))
        for (name, k, v) in try r.mapping(node, key, allowed: ["path", "dir", "sha256", "level", "comment"]) {
            let path = "\(key).\(name)"
            switch name {
            case "path", "dir", "sha256":
                guard match == nil else { throw r.error(k, path, "give only one of path, dir, sha256") }
                if name == "sha256" {
                    let hex = try r.string(v, path).lowercased()
                    guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
                        throw r.error(v, path, "expected 64 hexadecimal digits")
                    }
                    match = .sha256(hex)
                } else {
                    match = .path(try r.absolutePath(v, path), tree: name == "dir")
                }
            case "level": entry.level = try r.level(v, path)
            case "comment": entry.comment = try r.string(v, path)
            default: break
            }
        }
        guard let match else { throw r.error(node, key, "needs one of path, dir, sha256") }
        entry.match = match
        return entry
    }

    static func egressRule(_ node: Node, _ key: String, _ r: PolicyNodes,
                           executablesAllowed: Bool) throws(PolicyError) -> PreventionPolicy.EgressRule {
        var rule = PreventionPolicy.EgressRule(networks: [])
        var keys: Set<String> = ["cidr", "ports", "protocol", "level", "comment"]
        if executablesAllowed { keys.insert("executables") }
        for (name, _, v) in try r.mapping(node, key, allowed: keys) {
            let path = "\(key).\(name)"
            switch name {
            case "cidr": rule.networks = try r.prefixes(v, path)
            case "ports": rule.ports = try r.ports(v, path)
            case "protocol":
                let text = try r.string(v, path).lowercased()
                guard let p = PreventionPolicy.IPProtocolMatch(rawValue: text) else {
                    throw r.error(v, path, "expected tcp, udp or any, got '\(text)'")
                }
                rule.ipProtocol = p
            case "executables": rule.executables = try r.absolutePaths(v, path)
            case "level": rule.level = try r.level(v, path)
            case "comment": rule.comment = try r.string(v, path)
            default: break
            }
        }
        guard !rule.networks.isEmpty else { throw r.error(node, key, "needs cidr (an address, a CIDR or a list)") }
        return rule
    }

    static func unitEgress(_ node: Node, _ r: PolicyNodes) throws(PolicyError) -> [PreventionPolicy.UnitEgress] {
        var out: [PreventionPolicy.UnitEgress] = []
        for (unit, _, v) in try r.mapping(node, "unit_egress") {
            let key = "unit_egress.\(unit)"
            var mode: PreventionPolicy.UnitEgress.Mode?
            var rules: [PreventionPolicy.EgressRule] = []
            for (name, _, value) in try r.mapping(v, key, allowed: ["mode", "rules"]) {
                if name == "mode" {
                    let text = try r.string(value, "\(key).mode")
                    guard let m = PreventionPolicy.UnitEgress.Mode(rawValue: text) else {
                        throw r.error(value, "\(key).mode", "expected allowlist or denylist, got '\(text)'")
                    }
                    mode = m
                } else {
                    rules = try r.sequence(value, "\(key).rules").enumerated().map { (i, n) throws(PolicyError) in
                        try egressRule(n, "\(key).rules[\(i)]", r, executablesAllowed: false)
                    }
                }
            }
            guard let mode else { throw r.error(v, key, "needs mode: allowlist or denylist") }
            out.append(.init(unit: unit, mode: mode, rules: rules))
        }
        return out
    }

    static func protected(_ node: Node, _ r: PolicyNodes) throws(PolicyError) -> PreventionPolicy.ProtectedProcesses {
        // Additive: the defaults (init, sshd, the agent) stay protected whatever the file says.
        var p = PreventionPolicy.ProtectedProcesses()
        for (name, _, v) in try r.mapping(node, "protected", allowed: ["executables", "comms", "units"]) {
            let path = "protected.\(name)"
            switch name {
            case "executables": p.executables = unique(p.executables + (try r.absolutePaths(v, path)))
            case "comms": p.comms = unique(p.comms + (try r.strings(v, path)))
            default: p.units = unique(p.units + (try r.strings(v, path)))
            }
        }
        return p
    }

    static func scope(_ node: Node, _ key: String, _ r: PolicyNodes) throws(PolicyError) -> PreventionPolicy.ScopeLevel {
        var target: PreventionPolicy.ScopeTarget?
        var level: PreventionLevel?
        for (name, k, v) in try r.mapping(node, key, allowed: ["unit", "cgroup", "level"]) {
            let path = "\(key).\(name)"
            switch name {
            case "unit", "cgroup":
                guard target == nil else { throw r.error(k, path, "give either unit or cgroup") }
                target = name == "unit" ? .unit(try r.string(v, path)) : .cgroup(try r.absolutePath(v, path))
            default: level = try r.level(v, path)
            }
        }
        guard let target else { throw r.error(node, key, "needs unit or cgroup") }
        guard let level else { throw r.error(node, key, "needs level") }
        return .init(target: target, level: level)
    }

    static func guardrails(_ node: Node, _ r: PolicyNodes) throws(PolicyError) -> GuardrailSettings {
        var g = GuardrailSettings()
        let keys: Set<String> = ["actions_per_minute", "burst", "breaker_actions", "breaker_window",
                                 "breaker_cooldown", "canary"]
        for (name, _, v) in try r.mapping(node, "guardrails", allowed: keys) {
            let path = "guardrails.\(name)"
            switch name {
            case "actions_per_minute": g.actionsPerMinute = try r.number(v, path)
            case "burst": g.burst = try r.int(v, path, range: 1...100_000)
            case "breaker_actions": g.breakerActions = try r.int(v, path, range: 1...1_000_000)
            case "breaker_window": g.breakerWindowSeconds = try r.seconds(v, path)
            case "breaker_cooldown":
                g.breakerCooldownSeconds = try r.string(v, path) == "0" ? 0 : try r.seconds(v, path)
            case "canary":
                for (cname, _, cv) in try r.mapping(v, path, allowed: ["enabled", "actions", "window"]) {
                    let cpath = "\(path).\(cname)"
                    switch cname {
                    case "enabled": g.canaryEnabled = try r.bool(cv, cpath)
                    case "actions": g.canaryActions = try r.int(cv, cpath, range: 0...1_000_000)
                    default: g.canaryWindowSeconds = try r.seconds(cv, cpath)
                    }
                }
            default: break
            }
        }
        return g
    }
}

import Foundation
