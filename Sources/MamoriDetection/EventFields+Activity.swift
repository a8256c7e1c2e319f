import MamoriEvents

/// Field producers of the `activity` category (and the two fileless fields of exec and
/// delete events), kept apart from the Sysmon-schema producers in EventFields.swift.
extension EventFields {
    mutating func appendActivity(_ field: RuleField, _ input: EventInput) -> Bool {
        switch field {
        case .imageBacking:
            guard case .exec(let e) = input.event else { return false }
            return put(e.flags.contains(.exeMemfd) ? "memfd" : e.flags.contains(.exeDeleted) ? "deleted" : "file")
        case .loaderEnvironment:
            guard case .exec(let e) = input.event, !e.loaderEnvironment.isEmpty else { return false }
            for (i, entry) in e.loaderEnvironment.enumerated() {
                if i > 0 { arena.append(UInt8(ascii: "\n")) }
                arena.append(contentsOf: entry.utf8)
            }
            return true
        case .targetIsRunningImage:
            guard case .file(let f) = input.event, f.op == .unlink, !f.path.isEmpty else { return false }
            return put(input.target?.executable == f.path ? "true" : "false")
        case .targetIsOwnImage:
            guard case .file(let f) = input.event, f.op == .unlink, !f.path.isEmpty else { return false }
            let own = input.process?.executable == f.path || input.ancestry.contains { $0.executable == f.path }
            return put(own ? "true" : "false")
        default:
            break
        }
        guard case .activity(let a) = input.event else { return false }
        switch field {
        case .activityType: return put(a.action)
        case .targetImage: return put(input.target?.executable)
        case .targetIsDescendant:
            guard let d = input.targetIsDescendant else { return false }
            return put(d ? "true" : "false")
        case .procEntry: return put(a.procEntry)
        case .accessMode: return put(a.accessMode)
        case .sysctlName: return put(a.sysctlName)
        case .activityPath: return put(a.path)
        case .activitySource: return put(a.path2)
        case .fsType: return a.op == .mount ? put(a.name) : false
        case .timesExplicit:
            guard let e = a.explicitTimes else { return false }
            return put(e ? "true" : "false")
        case .activityResult:
            // Records emitted at syscall enter (fileattr.bpf.c) carry no result.
            return a.flags.contains(.noResult) ? put("attempt") : put(a.result >= 0 ? "success" : "failure")
        case .fileCapabilities: return put(a.grantedCapabilities)
        case .fileAttributes: return put(a.newFileFlags)
        case .namespaces: return put(a.namespaces)
        case .namespaceTarget:
            guard let joined = a.joinedNamespace else { return false }
            if joined.previous == joined.inode { return put("same") }
            return put(HostNamespaces.isInitial(inode: joined.inode, kind: joined.kind) ? "initial" : "other")
        default: return false
        }
    }

    private mutating func put(_ s: String?) -> Bool {
        guard let s, !s.isEmpty else { return false }
        arena.append(contentsOf: s.utf8)
        return true
    }

    private mutating func put(_ s: StaticString) -> Bool {
        s.withUTF8Buffer { arena.append(contentsOf: $0) }
        return true
    }
}
