import MamoriSystem
import MamoriText
import ArgumentParser
import Glibc
import MamoriOutput
import MamoriProcess
import MamoriSensor

/// `mamori doctor`: probe the kernel and say, capability by capability, what works.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Probe the kernel's BPF capabilities and report what Mamori will use.",
        discussion: "Exit status: 0 when every required capability is present, 1 otherwise.")

    @Flag(name: .long, help: "One JSON object instead of a table.")
    var json = false

    @Flag(name: .long, help: ArgumentHelp(
        "Remove the fail-closed pins under <bpffs>/mamori (prevention left in force by a dead agent) and exit.",
        discussion: "Example: sudo mamori doctor --unpin"))
    var unpin = false

    @Option(name: .long, help: ArgumentHelp("Pin directory for --unpin (default: <bpffs mount>/mamori).", visibility: .hidden))
    var pinDirectory: String?

    func run() throws {
        if unpin {
            guard let dir = pinDirectory ?? PreventionPins.defaultDirectory() else {
                print("no bpffs mounted: nothing is pinned")
                return
            }
            let removed = PreventionPins(directory: dir).unpinAll()
            print(removed.isEmpty ? "no pins in \(dir)" : "removed \(removed.count) pins from \(dir): \(removed.joined(separator: " "))")
            return
        }
        _ = try? SystemMounts.ensure()
        let cgroup = CgroupResolver.discover().mountPoint
        let probe = KernelProbe.run(cgroup2Mount: cgroup)
        let mechanism: PreventionMechanism = probe.available("bpf_lsm") ? .lsm : .signalAtExec
        let release = SystemIdentity.kernelRelease
        let openTier: FileOpenTier = probe.available("file_open_fexit") ? .fexit : .syscallTracepoints
        if json {
            var parts = ["\"version\":\"\(MamoriVersion.string)\"", "\"kernel\":\"\(release)\""]
            let caps = probe.capabilities.map {
                "{\"name\":\"\($0.name)\",\"available\":\($0.available),\"required\":\($0.required),\"detail\":\"\(jsonEscape($0.detail))\"}"
            }
            parts.append("\"capabilities\":[\(caps.joined(separator: ","))]")
            parts.append("\"exec_deny\":\"\(execDenyMechanism(probe))\"")
            parts.append("\"prevention_mechanism\":\"\(mechanism.rawValue)\"")
            parts.append("\"file_open_tier\":\"\(openTier.rawValue)\"")
            parts.append("\"file_protection\":\"\(jsonEscape(mechanism.fileProtection))\"")
            print("{" + parts.joined(separator: ",") + "}")
        } else {
            print("mamori \(MamoriVersion.string) on Linux \(release)")
            for c in probe.capabilities {
                let mark = c.available ? "ok  " : (c.required ? "FAIL" : "no  ")
                print("  [\(mark)] \(c.name + String(repeating: " ", count: max(1, 21 - c.name.count)))\(c.detail)")
            }
            print("  exec deny mechanism: \(mechanism.execDenial)")
            print("  protected files:     \(mechanism.fileProtection)")
            print("  file open hook:      \(openTier.description)")
        }
        if probe.capabilities.contains(where: { $0.required && !$0.available }) { throw ExitCode(1) }
    }

    private func execDenyMechanism(_ p: KernelProbe) -> String {
        if p.available("bpf_lsm") { return "bpf-lsm (exec fails with EPERM)" }
        if p.available("bpf_send_signal") && p.available("tp_btf") { return "sigkill-at-exec (process dies before its first instruction)" }
        return "userspace-kill"
    }
}

/// One JSON escaper for the whole tool (control characters included): MamoriOutput's.
func jsonEscape(_ s: String) -> String { JSONEscaping.escaped(s) }
