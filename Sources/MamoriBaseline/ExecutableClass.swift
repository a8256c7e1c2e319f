/// What kind of program an executable is, for scoring a new one under a service: a shell, an
/// interpreter or a downloader/network tool is what an attacker runs after exploiting a
/// daemon, so it scores high.
///
/// Classification is by the resolved executable's base name with version suffixes removed
/// (`python3.11` → `python`); it decides severity only, never identity (the profile keys on
/// path and dev/inode). Stateless; any thread.
public enum ExecutableClass: String, Sendable {
    case shell, interpreter, downloader, other

    static let shells: Set<String> = ["sh", "bash", "dash", "zsh", "ksh", "mksh", "csh", "tcsh", "fish", "ash", "busybox"]
    static let interpreters: Set<String> = ["python", "perl", "ruby", "php", "node", "nodejs", "lua", "luajit",
                                            "tclsh", "wish", "expect", "pwsh", "awk", "gawk", "mawk", "nawk",
                                            "julia", "Rscript", "osascript", "deno", "bun"]
    static let downloaders: Set<String> = ["curl", "wget", "nc", "ncat", "netcat", "socat", "ftp", "tftp",
                                           "telnet", "scp", "sftp", "rsync", "aria2c", "lftp", "fetch"]

    public static func of(_ executable: String) -> ExecutableClass {
        var name = Substring(executable)
        if let slash = name.lastIndex(of: "/") { name = name[name.index(after: slash)...] }
        // Strip version suffixes: python3.11, perl5.36, php8.2, nc.openbsd, ncat7
        var base = name.prefix { !$0.isNumber && $0 != "." && $0 != "-" }
        if base.isEmpty { base = name }
        let s = String(base)
        if shells.contains(s) { return .shell }
        if interpreters.contains(s) { return .interpreter }
        if downloaders.contains(s) { return .downloader }
        return .other
    }

    public var isRisky: Bool { self != .other }
}
