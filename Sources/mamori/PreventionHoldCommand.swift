import ArgumentParser
import Glibc
import MamoriProcess
import MamoriSensor
import MamoriPolicy

/// `mamori prevention-hold` (hidden): load the sensor, deny one executable inside one cgroup,
/// print "ready" and sleep until killed.
///
/// Exists so that the fail-open/fail-closed behaviour can be proven with a real process that
/// holds the kernel programs and dies by SIGKILL (Tests/MamoriSensorTests/FailModeTests), and
/// so that an operator can check that pins survive on a given kernel. Runs on the main thread.
struct PreventionHoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prevention-hold",
        abstract: "Hold an exec-deny policy scoped to one cgroup until killed (fail-mode testing).",
        shouldDisplay: false)

    @Option(name: .long, help: "Executable whose inode is denied.")
    var denyExe: String

    @Option(name: .long, help: "cgroup v2 directory the denial is scoped to.")
    var cgroup: String

    @Option(name: .long, help: "bpffs directory for the pins.")
    var pinDirectory: String

    @Flag(name: .long, help: "Pin the prevention links and maps (agent.fail_mode: closed).")
    var failClosed = false

    func run() throws {
        _ = try? SystemMounts.ensure()
        var options = SensorOptions()
        options.pinDirectory = pinDirectory
        options.failClosed = failClosed
        options.fileEvents = false
        let program = try SensorProgram(options: options)
        try program.attach(cgroupRoot: CgroupResolver.discover().mountPoint)
        guard let inode = KernelPolicy.Inode.of(path: denyExe) else {
            throw ValidationError("\(denyExe): cannot stat")
        }
        var st = stat()
        guard stat(cgroup, &st) == 0 else { throw ValidationError("\(cgroup): cannot stat") }
        var policy = KernelPolicy()
        policy.exec = [.init(inode: inode, kind: .file, minLevel: 1, policyId: 7)]
        policy.scopes = [.init(cgroupId: UInt64(st.st_ino), level: 1)]
        try program.policy.apply(policy)
        // write(2), not print: stdout is a pipe (fully buffered) and the reader waits for this line.
        _ = "ready\n".withCString { write(1, $0, strlen($0)) }
        while true { pause() }
    }
}
