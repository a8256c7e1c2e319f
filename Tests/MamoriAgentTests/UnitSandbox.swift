import Foundation
import Glibc

/// The sandbox of the shipped unit (dist/systemd/mamori.service), applied to a child process
/// without systemd: capability bounding set, no_new_privs, `ProtectSystem=strict` with its
/// `ReadWritePaths`, `ProtectHome=read-only` and `PrivateTmp` — read from the unit file itself,
/// so a change to the unit changes what the tests run under.
///
/// Exists because this VM and CI have no systemd as PID 1 (no `systemd-run`), yet prevention
/// must be proven under the settings operators actually get. Emulated with a private mount
/// namespace (`unshare --mount`) and `setpriv`. Not emulated (systemd-only seccomp and device
/// settings): MemoryDenyWriteExecute, RestrictAddressFamilies, SystemCallArchitectures,
/// RestrictNamespaces, PrivateDevices, ProtectKernel*, ProtectClock.
struct UnitSandbox {
    var capabilities: [String] = []
    var readWritePaths: [String] = []
    var protectSystemStrict = false
    var protectHomeReadOnly = false
    var privateTmp = false
    var noNewPrivileges = false

    static var unitPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("dist/systemd/mamori.service").path
    }

    /// Parses the `[Service]` settings that matter; throws when the file is missing.
    static func fromShippedUnit() throws -> UnitSandbox {
        let text = try String(contentsOfFile: unitPath, encoding: .utf8)
        var s = UnitSandbox()
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.hasPrefix("#"), let eq = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<eq]), value = String(line[line.index(after: eq)...])
            let words = value.split(separator: " ").map(String.init)
            switch key {
            case "CapabilityBoundingSet": s.capabilities = words.map { $0.lowercased().replacingOccurrences(of: "cap_", with: "") }
            case "ReadWritePaths": s.readWritePaths += words
            case "ProtectSystem": s.protectSystemStrict = value == "strict"
            case "ProtectHome": s.protectHomeReadOnly = value == "read-only" || value == "yes"
            case "PrivateTmp": s.privateTmp = value == "yes" || value == "true"
            case "NoNewPrivileges": s.noNewPrivileges = value == "yes" || value == "true"
            default: break
            }
        }
        return s
    }

    /// The shell script run inside the new mount namespace before exec'ing `argv`.
    func script(exec argv: [String]) -> String {
        let rw = readWritePaths.map(Self.quote).joined(separator: " ")
        var lines = ["set -e", "mount --make-rprivate /"]
        if privateTmp {
            // As systemd does: a private /tmp and /var/tmp for the service alone.
            lines += ["mount -t tmpfs -o mode=1777 tmpfs /tmp", "mount -t tmpfs -o mode=1777 tmpfs /var/tmp"]
        }
        if protectSystemStrict {
            lines += [
                "for p in \(rw); do if [ -d \"$p\" ]; then mount --bind \"$p\" \"$p\"; fi; done",
                // Every other mount read-only, except the API file systems (systemd leaves /proc,
                // /sys and /dev to other settings) and the writable paths.
                "awk '{print $5}' /proc/self/mountinfo | sort -u | while read -r mp; do",
                "  case \"$mp\" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue;; esac",
                "  skip=0; for p in \(rw); do case \"$mp\" in \"$p\"|\"$p\"/*) skip=1;; esac; done",
                "  [ \"$skip\" = 1 ] && continue",
                "  mount -o remount,bind,ro \"$mp\" 2>/dev/null || true",
                "done",
            ]
        }
        let caps = (["-all"] + capabilities.map { "+" + $0 }).joined(separator: ",")
        var setpriv = ["setpriv", "--bounding-set=\(caps)", "--inh-caps=-all", "--ambient-caps=-all"]
        if noNewPrivileges { setpriv.append("--no-new-privs") }
        lines.append("exec " + (setpriv + ["--"] + argv).map(Self.quote).joined(separator: " "))
        return lines.joined(separator: "\n")
    }

    /// A process running `argv` in the sandbox (not started).
    func process(_ argv: [String]) -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        p.arguments = ["--mount", "--", "/bin/sh", "-c", script(exec: argv)]
        return p
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
