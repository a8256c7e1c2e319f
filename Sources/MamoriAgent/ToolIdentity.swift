import Glibc
import MamoriEvents
import MamoriPolicy
import MamoriPrevention

/// Recognises copies of well-known tools by content, whatever they are called: a shell copied
/// to `/tmp/.x/sshd`, `nc` renamed `systemd-helper`, curl as `update`.
///
/// Why: attackers rename tools because rules and allow-lists look at names; a file's content
/// does not change with its name. At start the agent hashes the tools it knows (shells,
/// interpreters, downloaders, netcat-likes, tunnelling and recon tools) found on this host.
/// On exec, an executable is compared by size first (a stat, cached per file version), and
/// hashed only when its size equals a known tool's — so ordinary binaries cost one dictionary
/// lookup after their first exec, and a copy costs one SHA-256 of a few MiB once. An attacker
/// can force hashing only by producing files of exactly a known tool's size, and that is
/// capped at `hashesPerSecond`. Owned by the pipeline worker.
final class ToolIdentity {
    /// Canonical name → candidate paths (first existing one is the reference).
    static let knownTools: [(name: String, paths: [String])] = [
        ("bash", ["/usr/bin/bash", "/bin/bash"]), ("dash", ["/usr/bin/dash", "/bin/dash"]),
        ("zsh", ["/usr/bin/zsh", "/bin/zsh"]), ("ksh", ["/usr/bin/ksh93", "/usr/bin/ksh", "/bin/ksh"]),
        ("busybox", ["/usr/bin/busybox", "/bin/busybox"]),
        ("python3", ["/usr/bin/python3"]), ("perl", ["/usr/bin/perl"]), ("ruby", ["/usr/bin/ruby"]),
        ("php", ["/usr/bin/php"]), ("lua", ["/usr/bin/lua5.4", "/usr/bin/lua"]),
        ("curl", ["/usr/bin/curl"]), ("wget", ["/usr/bin/wget"]),
        ("nc", ["/usr/bin/nc.openbsd", "/bin/nc.openbsd", "/usr/bin/nc.traditional", "/usr/bin/nc"]),
        ("ncat", ["/usr/bin/ncat"]), ("socat", ["/usr/bin/socat"]), ("telnet", ["/usr/bin/telnet.netkit", "/usr/bin/telnet"]),
        ("ssh", ["/usr/bin/ssh"]), ("scp", ["/usr/bin/scp"]), ("openssl", ["/usr/bin/openssl"]),
        ("nmap", ["/usr/bin/nmap"]), ("gdb", ["/usr/bin/gdb"]), ("strace", ["/usr/bin/strace"]),
        ("base64", ["/usr/bin/base64"]), ("xxd", ["/usr/bin/xxd"]), ("dd", ["/usr/bin/dd", "/bin/dd"]),
        ("tar", ["/usr/bin/tar", "/bin/tar"]), ("nsenter", ["/usr/bin/nsenter"]), ("chisel", ["/usr/bin/chisel"]),
    ]

    /// Larger references are not hashed (interpreters like node are tens of MiB).
    static let maxReferenceBytes: Int64 = 16 << 20

    private struct Version: Hashable { var dev: UInt32; var ino: UInt64; var size: Int64; var mtimeNs: Int64 }

    private var bySize: [Int64: [(sha: String, name: String)]] = [:]
    private var references: [KernelPolicy.Inode: String] = [:]
    private var cache: [Version: String] = [:]  // "" = known not to be a tool
    private let cacheCapacity: Int
    private let hashesPerSecond: Int
    private var hashWindowStart = 0.0
    private var hashesInWindow = 0
    private(set) var hashed = 0
    private(set) var skippedForBudget = 0

    init(cacheCapacity: Int = 8192, hashesPerSecond: Int = 20, tools: [(name: String, paths: [String])] = ToolIdentity.knownTools) {
        self.cacheCapacity = cacheCapacity
        self.hashesPerSecond = hashesPerSecond
        for tool in tools {
            guard let path = tool.paths.first(where: { access($0, X_OK) == 0 }) else { continue }
            var st = stat()
            guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int64(st.st_size) <= Self.maxReferenceBytes,
                  let sha = ExecutableHasher.sha256(path: path) else { continue }
            let inode = KernelPolicy.Inode(dev: KernelDevice.encode(st.st_dev), ino: UInt64(st.st_ino))
            if references[inode] != nil { continue }  // nc → nc.openbsd already seen
            references[inode] = tool.name
            bySize[Int64(st.st_size), default: []].append((sha, tool.name))
        }
    }

    /// Number of reference tools found on this host.
    var referenceCount: Int { references.count }

    /// The tool `e`'s executable is a copy of, or nil. `now` is a monotonic second count.
    func identify(_ e: ExecEvent, now: Double) -> String? {
        let inode = KernelPolicy.Inode(dev: e.exeDevice, ino: e.exeInode)
        if let name = references[inode] { return name }
        // The file the process runs: /proc/<pid>/exe while it is the reported inode.
        let proc = "/proc/\(e.header.tgid)/exe"
        var st = stat()
        let path: String
        if stat(proc, &st) == 0, KernelDevice.encode(st.st_dev) == inode.dev, UInt64(st.st_ino) == inode.ino {
            path = proc
        } else if stat(e.executable, &st) == 0, KernelDevice.encode(st.st_dev) == inode.dev, UInt64(st.st_ino) == inode.ino {
            path = e.executable
        } else {
            return nil
        }
        let version = Version(dev: inode.dev, ino: inode.ino, size: Int64(st.st_size),
                              mtimeNs: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
        if let known = cache[version] { return known.isEmpty ? nil : known }
        guard let candidates = bySize[version.size] else {
            remember(version, "")
            return nil
        }
        if now - hashWindowStart >= 1 { hashWindowStart = now; hashesInWindow = 0 }
        guard hashesInWindow < hashesPerSecond else { skippedForBudget += 1; return nil }
        hashesInWindow += 1
        hashed += 1
        guard let sha = ExecutableHasher.sha256(path: path) else { return nil }
        let name = candidates.first(where: { $0.sha == sha })?.name
        remember(version, name ?? "")
        return name
    }

    private func remember(_ v: Version, _ name: String) {
        if cache.count >= cacheCapacity { cache.removeAll(keepingCapacity: true) }
        cache[v] = name
    }
}
