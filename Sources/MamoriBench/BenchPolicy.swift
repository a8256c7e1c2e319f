import Glibc
import MamoriPrevention

/// The policy of the benchmark's "prevention" mode: exec deny entries (a file and a directory
/// tree the workloads never execute from) and egress blocks for documentation networks
/// (TEST-NET-1, 2001:db8::/32) the workloads never reach, so every exec, connect and send is
/// checked against real entries and none is refused. Default entries (temp-dir trees, shells)
/// come with the embedded policy as usual.
enum BenchPolicy {
    static func policy(directory: String) throws -> PreventionPolicy {
        let deniedDir = directory + "/denied"
        mkdir(deniedDir, 0o700)
        let deniedFile = deniedDir + "/never-run"
        let fd = open(deniedFile, O_WRONLY | O_CREAT | O_TRUNC, 0o700)
        if fd >= 0 { close(fd) }
        return try PolicyParser.parse(yaml: """
            exec_deny:
              - path: \(deniedFile)
              - dir: \(deniedDir)
            egress_deny:
              - cidr: [192.0.2.0/24, 2001:db8::/32]
              - cidr: [198.51.100.0/24]
                ports: [4444, 31337]
                protocol: tcp
            """, file: "bench-prevention-policy")
    }
}
