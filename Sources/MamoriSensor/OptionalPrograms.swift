import CLibbpf

/// Which programs the sensor can run without, and how a verifier rejection of one of them is
/// turned into "load again without it" instead of a failed start.
///
/// Exists because every program of the sensor is one BPF object: a single program the verifier
/// refuses makes `bpf_object__load` fail for all of them. The activity signals
/// (bpf/activity.bpf.c, issue 11) are additions to the core telemetry, so a kernel that refuses
/// one of them (a helper, a BTF field or a tracepoint format it lacks) costs that one signal,
/// reported by `mamori doctor` and the agent's start line, never the sensor. Core programs
/// DNS programs are optional for the same reason. Core programs
/// (process, file, network, prevention, tamper) stay mandatory: their absence is a hard error.
enum OptionalPrograms {
    /// Programs whose refusal leaves the sensor running (by name prefix): the activity signals
    /// and DNS on the packet path (bpf/dns.bpf.c; without it connects carry no domain).
    static func isOptional(program: String) -> Bool {
        program.hasPrefix("mamori_act_") || program.hasPrefix(dnsPrefix)
    }

    static let dnsPrefix = "mamori_dns_"

    /// The syscall a tracepoint section hooks ("tracepoint/syscalls/sys_enter_kill" → "kill"),
    /// so that an enter program and its exit are left out together (an enter without its exit
    /// would only fill the pending map).
    static func syscall(ofSection section: String) -> String? {
        for prefix in ["tracepoint/syscalls/sys_enter_", "tracepoint/syscalls/sys_exit_"] where section.hasPrefix(prefix) {
            return String(section.dropFirst(prefix.count))
        }
        return nil
    }

    /// Names of the programs libbpf reported as refused in `log` ("prog 'NAME': BPF program
    /// load failed" / "prog 'NAME': failed to load").
    static func refusedPrograms(inLog log: String) -> Set<String> {
        var names = Set<String>()
        for sub in log.split(separator: "\n") {
            let line = String(sub)
            guard line.contains("BPF program load failed") || line.contains("failed to load") else { continue }
            // The name sits between the first "prog '" and the next quote.
            let parts = line.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].hasSuffix("prog ") else { continue }
            names.insert(String(parts[1]))
        }
        return names
    }

    /// What to leave out on the next attempt after a failed load, or nil when the failure is not
    /// one an optional program explains (then the load error stands). `sections` maps every
    /// program name of the object to its SEC() name; `already` is what earlier attempts left out.
    static func exclusions(afterLog log: String, sections: [String: String],
                           already: Set<String>) -> Set<String>? {
        let refused = refusedPrograms(inLog: log)
        guard !refused.isEmpty, refused.allSatisfy(isOptional(program:)) else { return nil }
        var out = already
        for name in refused {
            out.insert(name)
            // The DNS programs go together (egress without ingress would report queries but
            // never their answers).
            if name.hasPrefix(dnsPrefix) {
                for other in sections.keys where other.hasPrefix(dnsPrefix) { out.insert(other) }
            }
            // Its syscall partner (enter ↔ exit) goes too.
            if let sc = sections[name].flatMap(syscall(ofSection:)) {
                for (other, section) in sections where isOptional(program: other) && syscall(ofSection: section) == sc {
                    out.insert(other)
                }
            }
        }
        return out == already ? nil : out
    }

    /// Every program of a (not yet loaded) object with its SEC() name.
    static func sections(of obj: OpaquePointer?) -> [String: String] {
        var out: [String: String] = [:]
        var prog = bpf_object__next_program(obj, nil)
        while let p = prog {
            out[String(cString: bpf_program__name(p))] = String(cString: bpf_program__section_name(p))
            prog = bpf_object__next_program(obj, p)
        }
        return out
    }
}
