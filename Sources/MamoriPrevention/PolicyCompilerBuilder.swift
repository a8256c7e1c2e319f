import MamoriText
import MamoriPolicy

/// The mutable work area of one `PolicyCompiler.compile` call. Internal; one thread.
struct Builder {
    let policy: PreventionPolicy
    let inputs: PolicyCompiler.Inputs
    var out = PolicyCompiler.Output()
    private var nextId: UInt32 = 1
    private var execIndex: [KernelPolicy.Inode: Int] = [:]
    private var scopeIndex: [UInt64: Int] = [:]
    private var egressIndex: [EgressKey: Int] = [:]
    private var tags: [KernelPolicy.Inode: UInt32] = [:]

    private struct EgressKey: Hashable {
        var policy: KernelPolicy.EgressPolicy
        var address: [UInt8]
        var length: Int
    }

    init(policy: PreventionPolicy, inputs: PolicyCompiler.Inputs) {
        self.policy = policy
        self.inputs = inputs
    }

    private mutating func allocate(_ what: String) -> UInt32 {
        let id = nextId
        nextId += 1
        out.entries[id] = what
        return id
    }

    // MARK: Exec

    mutating func compileExec() {
        let ladder = policy.ladder
        for (i, entry) in policy.execDeny.enumerated() {
            let level = (entry.level ?? ladder.execDenyListFrom).rawValue
            switch entry.match {
            case .path(let path, let tree):
                guard let ino = inputs.inodes.inode(of: path) else {
                    out.notes.append("exec_deny[\(i)]: \(path) does not exist; skipped until it does")
                    continue
                }
                addExec(ino, tree ? .tree : .file, level, "exec_deny[\(i)] \(tree ? "dir" : "path") \(path)")
            case .sha256(let hex):
                let found = inputs.hashInodes[hex] ?? []
                if found.isEmpty {
                    out.notes.append("exec_deny[\(i)]: no executable with sha256 \(hex.prefix(12))… seen yet; it is added when first exec'd")
                }
                for ino in found { addExec(ino, .file, level, "exec_deny[\(i)] sha256 \(hex.prefix(12))…") }
            }
        }
        for dir in ladder.tempDirectories {
            guard let ino = inputs.inodes.inode(of: dir) else {
                out.notes.append("levels.temp_dirs: \(dir) does not exist; skipped")
                continue
            }
            addExec(ino, .tree, ladder.tempExecDenyFrom.rawValue, "temp dir \(dir)")
        }
        for shell in policy.shells {
            // Missing shells are normal (not every host has zsh): no note.
            guard let ino = inputs.inodes.inode(of: shell) else { continue }
            addExec(ino, .shell, ladder.daemonShellDenyFrom.rawValue, "shell \(shell)")
        }
    }

    private mutating func addExec(_ ino: KernelPolicy.Inode, _ kind: KernelPolicy.ExecEntry.Kind, _ level: UInt8, _ what: String) {
        if let existing = execIndex[ino] {
            let old = out.kernel.exec[existing]
            // The same shell under two names (/bin/sh -> dash, /usr/bin/sh) is one entry.
            if old.kind != kind || old.minLevel != level {
                out.notes.append("\(what): same file as \(out.entries[old.policyId] ?? "an earlier entry"); the earlier entry is kept")
            }
            return
        }
        execIndex[ino] = out.kernel.exec.count
        out.kernel.exec.append(.init(inode: ino, kind: kind, minLevel: level, policyId: allocate(what)))
    }

    // MARK: Scopes

    mutating func compileScopes() {
        let cg = inputs.cgroups
        let units = cg.unitPaths()
        let view = LevelView(policy: policy, state: inputs.state)
        if inputs.state.isolated {
            if let root = cg.cgroupId(path: "/") { withScope(root) { $0.isolated = true } }
            else { out.notes.append("isolation: the cgroup v2 root was not found; isolation not applied") }
        }
        for (target, level) in view.scopes.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            let ids = resolve(target, units)
            if ids.isEmpty { out.notes.append("scope \(target): not found; level \(level.rawValue) applies once it exists and the policy is recompiled") }
            for id in ids { withScope(id) { $0.level = level.rawValue } }
        }
        for name in units.keys.sorted() where policy.daemonUnits.contains(where: { PolicyCompiler.glob($0, matches: name) }) {
            for id in resolve(.unit(name), units) { withScope(id) { $0.daemon = true } }
        }
        for name in policy.protected.units {
            for id in resolve(.unit(name), units) { withScope(id) { $0.protected = true } }
        }
        if let agent = inputs.agentCgroupPath, agent != "/", let id = cg.cgroupId(path: agent) {
            withScope(id) { $0.protected = true }
        }
    }

    private func resolve(_ target: PreventionPolicy.ScopeTarget, _ units: [String: [String]]) -> [UInt64] {
        switch target {
        case .unit(let name): return (units[name] ?? []).compactMap { inputs.cgroups.cgroupId(path: $0) }
        case .cgroup(let path): return inputs.cgroups.cgroupId(path: path).map { [$0] } ?? []
        }
    }

    private mutating func withScope(_ id: UInt64, _ body: (inout KernelPolicy.Scope) -> Void) {
        if let i = scopeIndex[id] {
            body(&out.kernel.scopes[i])
            return
        }
        var scope = KernelPolicy.Scope(cgroupId: id)
        body(&scope)
        scopeIndex[id] = out.kernel.scopes.count
        out.kernel.scopes.append(scope)
    }

    // MARK: Egress

    mutating func compileEgress() {
        let ladder = policy.ladder
        for net in policy.managementNetworks {
            addEgress(.management, net, .allow, 0, .any, [], id: allocate("management \(net)"))
        }
        for (i, rule) in policy.egressDeny.enumerated() {
            let level = (rule.level ?? ladder.egressBlockListFrom).rawValue
            let id = allocate("egress_deny[\(i)]\(rule.comment.map { " (\($0))" } ?? "")")
            if rule.executables.isEmpty {
                for net in rule.networks { addEgress(.global, net, .deny, level, rule.ipProtocol, rule.ports, id: id) }
                continue
            }
            for exe in rule.executables {
                guard let ino = inputs.inodes.inode(of: exe) else {
                    out.notes.append("egress_deny[\(i)].executables: \(exe) does not exist; skipped")
                    continue
                }
                let tag = tagFor(ino)
                for net in rule.networks { addEgress(.executable(tag), net, .deny, level, rule.ipProtocol, rule.ports, id: id) }
            }
        }
        let units = inputs.cgroups.unitPaths()
        var listId: UInt32 = 1
        for unitPolicy in policy.unitEgress {
            if PolicyCompiler.sshUnits.contains(unitPolicy.unit) {
                out.notes.append("unit_egress.\(unitPolicy.unit): management SSH is always kept open; entry ignored")
                continue
            }
            let ids = resolve(.unit(unitPolicy.unit), units)
            if ids.isEmpty { out.notes.append("unit_egress.\(unitPolicy.unit): unit not running; skipped until recompiled") }
            let list = listId
            listId += 1
            let allow = unitPolicy.mode == .allowlist
            for (i, rule) in unitPolicy.rules.enumerated() {
                let id = allocate("unit_egress.\(unitPolicy.unit).rules[\(i)]")
                let level = (rule.level ?? ladder.unitEgressFrom).rawValue
                for net in rule.networks {
                    addEgress(.scope(list), net, allow ? .allow : .deny, allow ? 0 : level, rule.ipProtocol, rule.ports, id: id)
                }
            }
            if allow {
                for net in policy.managementNetworks {
                    addEgress(.scope(list), net, .allow, 0, .any, [], id: allocate("unit_egress.\(unitPolicy.unit) management \(net)"))
                }
            }
            for id in ids {
                withScope(id) {
                    $0.egressPolicy = list
                    $0.allowlist = allow
                    $0.allowlistMinLevel = allow ? ladder.unitEgressFrom.rawValue : 0
                }
            }
        }
    }

    private mutating func tagFor(_ ino: KernelPolicy.Inode) -> UInt32 {
        if let t = tags[ino] { return t }
        let t = UInt32(tags.count + 1)
        tags[ino] = t
        out.kernel.taggedExecutables.append(.init(inode: ino, tag: t))
        return t
    }

    private mutating func addEgress(_ p: KernelPolicy.EgressPolicy, _ net: CIDR, _ verdict: KernelPolicy.EgressEntry.Verdict,
                                    _ level: UInt8, _ proto: PreventionPolicy.IPProtocolMatch, _ ports: [UInt16], id: UInt32) {
        let key = EgressKey(policy: p, address: net.address, length: net.length)
        guard let i = egressIndex[key] else {
            egressIndex[key] = out.kernel.egress.count
            out.kernel.egress.append(.init(policy: p, address: net.address, prefixLength: net.length, verdict: verdict,
                                           minLevel: level, ipProtocol: proto.number, ports: ports, policyId: id))
            return
        }
        // The trie holds one value per (list, prefix): merge ports of otherwise equal entries.
        var e = out.kernel.egress[i]
        let merged = e.ports.isEmpty || ports.isEmpty ? [] : Array(Set(e.ports + ports)).sorted()
        if e.verdict == verdict, e.minLevel == level, e.ipProtocol == proto.number, merged.count <= 8 {
            e.ports = merged
            out.kernel.egress[i] = e
        } else {
            out.notes.append("\(out.entries[id] ?? "entry"): \(net) conflicts with \(out.entries[e.policyId] ?? "an earlier entry") for the same prefix; the earlier entry is kept")
        }
    }

    // MARK: Protected files

    mutating func compileProtectedFiles() {
        for path in policy.protectedFiles {
            guard let ino = inputs.inodes.inode(of: path) else { continue }
            out.kernel.protectedFiles.append(.init(inode: ino, policyId: allocate("protected file \(path)")))
        }
    }
}
