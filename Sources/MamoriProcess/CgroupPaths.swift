/// Pure text functions over cgroup paths and mount tables: where the cgroup v2 hierarchy is
/// mounted, and which systemd unit a cgroup path belongs to.
///
/// Exists apart from `CgroupResolver` so the parsing is testable on synthetic text and usable
/// without a resolver (the /proc seeder). Stateless: any thread.
public enum CgroupPaths {
    /// Unit types whose cgroups can hold processes (or their control processes).
    static let unitSuffixes: [String] = [
        ".service", ".scope", ".socket", ".mount", ".swap", ".timer", ".path", ".automount",
    ]

    /// The mount point of the first `cgroup2` filesystem in a mount table in `/proc/mounts`
    /// format ("device mountpoint fstype options dump pass"), with octal escapes (`\040` for a
    /// space) decoded; `nil` when there is none (a pure cgroup v1 host).
    public static func cgroup2MountPoint(fromMounts text: String) -> String? {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 3, fields[2] == "cgroup2" else { continue }
            return unescapeMountField(fields[1])
        }
        return nil
    }

    /// The systemd unit owning a cgroup path: the last path component whose name ends in a unit
    /// suffix (.service, .scope, .socket, .mount, ...). Slices are not units that own processes
    /// and are skipped. Examples:
    ///
    ///     "/system.slice/ssh.service"                         -> "ssh.service"
    ///     "/user.slice/user-1000.slice/session-3.scope"       -> "session-3.scope"
    ///     "/system.slice/docker-abc.scope/init"               -> "docker-abc.scope"
    ///     "/system.slice/foo.service/payload"                 -> "foo.service"
    ///     "/user.slice/user-1000.slice/user@1000.service/app.slice/gnome-shell.service"
    ///                                                         -> "gnome-shell.service"
    ///     "/", "/user.slice", ""                              -> nil
    public static func systemdUnit(fromCgroupPath path: String) -> String? {
        var end = path.endIndex
        while end > path.startIndex {
            let start = path[..<end].lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
            let component = path[start..<end]
            if isUnitName(component) { return String(component) }
            if start == path.startIndex { break }
            end = path.index(before: start)
        }
        return nil
    }

    static func isUnitName(_ component: Substring) -> Bool {
        for suffix in unitSuffixes where component.hasSuffix(suffix) {
            return component.utf8.count > suffix.utf8.count
        }
        return false
    }

    /// Decodes the `\ooo` octal escapes /proc/mounts uses for space, tab, newline and backslash.
    static func unescapeMountField(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var out: [UInt8] = []
        let bytes = Array(field.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), i + 3 < bytes.count, let v = octal(bytes[(i + 1)...(i + 3)]) {
                out.append(v)
                i += 4
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func octal(_ digits: ArraySlice<UInt8>) -> UInt8? {
        guard digits.count == 3 else { return nil }
        var v: UInt32 = 0
        for d in digits {
            guard d >= 48, d <= 55 else { return nil }
            v = v * 8 + UInt32(d - 48)
        }
        return v <= 255 ? UInt8(v) : nil
    }
}
