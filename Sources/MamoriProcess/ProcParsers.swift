/// The fields of `/proc/<pid>/stat` the process table needs.
///
/// Exists as a separate, pure parser so it can be tested on synthetic text: the command name
/// sits between the first "(" and the LAST ")" and may itself contain spaces and parentheses.
/// A value type: any thread.
struct ProcStat: Equatable, Sendable {
    var pid: UInt32
    var comm: String
    var state: UInt8
    var ppid: UInt32
    var sessionId: UInt32
    /// Field 7, the kernel's encoded device number of the controlling terminal (0 = none).
    var ttyNr: UInt32
    /// Field 22, clock ticks (USER_HZ) after boot.
    var startTime: UInt64

    init(pid: UInt32, comm: String, state: UInt8, ppid: UInt32, sessionId: UInt32, ttyNr: UInt32, startTime: UInt64) {
        self.pid = pid; self.comm = comm; self.state = state; self.ppid = ppid
        self.sessionId = sessionId; self.ttyNr = ttyNr; self.startTime = startTime
    }

    /// Parses the raw bytes of a stat file; `nil` when malformed.
    init?(parsing bytes: [UInt8]) {
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")), open < close else { return nil }
        guard let pid = Self.number(bytes[..<open]) else { return nil }
        self.pid = UInt32(truncatingIfNeeded: pid)
        self.comm = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
        // Fields after the comm: index 0 is field 3 (state), index n is field n + 3.
        var fields: [ArraySlice<UInt8>] = []
        fields.reserveCapacity(20)
        var i = close + 1
        while i < bytes.count, fields.count < 20 {
            while i < bytes.count, bytes[i] == UInt8(ascii: " ") { i += 1 }
            let start = i
            while i < bytes.count, bytes[i] != UInt8(ascii: " "), bytes[i] != UInt8(ascii: "\n") { i += 1 }
            if start == i { break }
            fields.append(bytes[start..<i])
        }
        guard fields.count == 20, let state = fields[0].first,
              let ppid = Self.number(fields[1]), let sid = Self.number(fields[3]),
              let tty = Self.signedNumber(fields[4]), let start = Self.number(fields[19]) else { return nil }
        self.state = state
        self.ppid = UInt32(truncatingIfNeeded: ppid)
        self.sessionId = UInt32(truncatingIfNeeded: sid)
        self.ttyNr = UInt32(truncatingIfNeeded: tty)
        self.startTime = start
    }

    /// Unsigned decimal, surrounding spaces ignored.
    static func number<C: Collection>(_ digits: C) -> UInt64? where C.Element == UInt8 {
        var value: UInt64 = 0
        var seen = false
        for b in digits {
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\t") {
                if seen { break } else { continue }
            }
            guard b >= 48, b <= 57 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(b - 48))
            if o1 || o2 { return nil }
            value = a
            seen = true
        }
        return seen ? value : nil
    }

    static func signedNumber(_ digits: ArraySlice<UInt8>) -> Int64? {
        if digits.first == UInt8(ascii: "-") {
            return number(digits.dropFirst()).map { -Int64(truncatingIfNeeded: $0) }
        }
        return number(digits).map { Int64(truncatingIfNeeded: $0) }
    }
}

/// Pure parsers for the text files of /proc/<pid>. Stateless: any thread.
enum ProcParsers {
    /// Real and effective uid and gid from `/proc/<pid>/status`.
    struct Credentials: Equatable, Sendable {
        var uid: UInt32 = 0, euid: UInt32 = 0, gid: UInt32 = 0, egid: UInt32 = 0
    }

    /// Parses the "Uid:" and "Gid:" lines (real, effective, saved, fs).
    static func credentials(fromStatus text: String) -> Credentials? {
        var creds = Credentials()
        var found = 0
        for line in text.utf8.split(separator: UInt8(ascii: "\n")) {
            let isUid = line.starts(with: "Uid:".utf8), isGid = line.starts(with: "Gid:".utf8)
            guard isUid || isGid else { continue }
            let ids = line.dropFirst(4).split(whereSeparator: { $0 == 9 || $0 == 32 })
            guard ids.count >= 2, let real = ProcStat.number(ids[0]), let eff = ProcStat.number(ids[1]) else { return nil }
            if isUid {
                creds.uid = UInt32(truncatingIfNeeded: real); creds.euid = UInt32(truncatingIfNeeded: eff)
            } else {
                creds.gid = UInt32(truncatingIfNeeded: real); creds.egid = UInt32(truncatingIfNeeded: eff)
            }
            found += 1
            if found == 2 { return creds }
        }
        return nil
    }

    /// Splits `/proc/<pid>/cmdline` (NUL-separated, NUL-terminated) into arguments.
    static func arguments(fromCmdline bytes: [UInt8]) -> [String] {
        guard !bytes.isEmpty else { return [] }
        var body = bytes[...]
        if body.last == 0 { body = body.dropLast() }
        return body.split(separator: 0, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    /// The cgroup v2 path ("0::<path>" line) of `/proc/<pid>/cgroup`; when that gives no systemd
    /// unit (hybrid hierarchies), `systemdPath` is the v1 "name=systemd" path, if any.
    static func cgroupPaths(fromCgroupFile text: String) -> (unified: String?, systemd: String?) {
        var unified: String?, systemd: String?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("0::") {
                unified = String(line.dropFirst(3))
            } else {
                // "<id>:name=systemd:<path>" (cgroup v1 named hierarchy on hybrid hosts)
                let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
                if parts.count == 3, parts[1] == "name=systemd" { systemd = String(parts[2]) }
            }
        }
        return (unified, systemd)
    }

    /// The audit login uid from `/proc/<pid>/loginuid`; `nil` when unset (4294967295).
    static func loginUid(fromText text: String) -> UInt32? {
        guard let v = ProcStat.number(text.utf8), v < UInt64(UInt32.max) else { return nil }
        return UInt32(v)
    }

    /// Strips the " (deleted)" suffix the kernel appends to the link of an unlinked executable.
    static func executablePath(fromLink link: String) -> String {
        let suffix = " (deleted)"
        return link.hasSuffix(suffix) ? String(link.dropLast(suffix.count)) : link
    }

    /// Names a controlling terminal from stat's encoded `tty_nr` the way the kernel names it in
    /// exec records ("pts/3", "tty1", "ttyS0"); `nil` for no terminal, "tty(M:m)" if unknown.
    static func ttyName(ttyNr: UInt32) -> String? {
        guard ttyNr != 0 else { return nil }
        let major = (ttyNr >> 8) & 0xfff
        let minor = (ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00)
        switch major {
        case 136...143: return "pts/\((major - 136) * 256 + minor)"
        case 4 where minor < 64: return "tty\(minor)"
        case 4: return "ttyS\(minor - 64)"
        case 5 where minor == 1: return "console"
        default: return "tty(\(major):\(minor))"
        }
    }
}
