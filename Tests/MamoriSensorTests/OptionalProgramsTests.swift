@testable import MamoriSensor
import Testing

/// How a verifier refusal becomes "load again without it": only activity and DNS programs qualify,
/// and an enter program leaves with its exit partner.
@Suite struct OptionalProgramsTests {
    let sections = [
        "mamori_act_kill_enter": "tracepoint/syscalls/sys_enter_kill",
        "mamori_act_kill_exit": "tracepoint/syscalls/sys_exit_kill",
        "mamori_act_memfd_enter": "tracepoint/syscalls/sys_enter_memfd_create",
        "mamori_act_memfd_create_exit": "tracepoint/syscalls/sys_exit_memfd_create",
        "mamori_openat_exit": "tracepoint/syscalls/sys_exit_openat",
        "mamori_dns_egress": "cgroup_skb/egress",
        "mamori_dns_ingress": "cgroup_skb/ingress",
    ]

    @Test func refusedNamesFromLibbpfLog() {
        let log = """
            libbpf: prog 'mamori_act_memfd_create_exit': BPF program load failed: Permission denied
            libbpf: prog 'mamori_act_memfd_create_exit': -- BEGIN PROG LOAD LOG --
            R1 invalid mem access 'scalar'
            libbpf: prog 'mamori_act_memfd_create_exit': failed to load: -13
            libbpf: failed to load object 'mamori_bpf'
            """
        #expect(OptionalPrograms.refusedPrograms(inLog: log) == ["mamori_act_memfd_create_exit"])
    }

    @Test func refusedActivityProgramTakesItsPartner() {
        let log = "libbpf: prog 'mamori_act_memfd_create_exit': failed to load: -13\n"
        let next = OptionalPrograms.exclusions(afterLog: log, sections: sections, already: [])
        #expect(next == ["mamori_act_memfd_create_exit", "mamori_act_memfd_enter"])
        // The same refusal again explains nothing new: the load error stands.
        #expect(OptionalPrograms.exclusions(afterLog: log, sections: sections, already: next ?? []) == nil)
    }

    /// Debian 12's 6.1 kernel refused `mamori_dns_ingress` (EINVAL) and with it the whole sensor.
    @Test func refusedDNSProgramTakesBothDirections() {
        let log = "libbpf: prog 'mamori_dns_ingress': BPF program load failed: Invalid argument\nlibbpf: prog 'mamori_dns_ingress': failed to load: -22\n"
        #expect(OptionalPrograms.exclusions(afterLog: log, sections: sections, already: []) == ["mamori_dns_egress", "mamori_dns_ingress"])
    }

    @Test func coreProgramRefusalIsFatal() {
        let log = """
            libbpf: prog 'mamori_openat_exit': failed to load: -13
            libbpf: prog 'mamori_act_kill_exit': failed to load: -13
            """
        #expect(OptionalPrograms.exclusions(afterLog: log, sections: sections, already: []) == nil)
        #expect(OptionalPrograms.exclusions(afterLog: "libbpf: failed to load object\n", sections: sections, already: []) == nil)
    }
}
