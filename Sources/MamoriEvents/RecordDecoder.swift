import CMamoriABI

/// Turns one raw ring-buffer record into a `SensorEvent`, decoding in place.
///
/// Exists because this is the only place raw kernel memory is interpreted: everything above
/// works on value types. The decoder reads straight from the memory the ring buffer hands to
/// its callback (no copy of the record), bounds-checks before every load, uses unaligned loads
/// at offsets taken from the C structs of `abi.h`, and throws a `DecodeError` with context for
/// anything malformed. It never traps on any input.
///
/// Validation order, each step before anything it guards is read:
/// 1. the ring-reported size holds the common header (else `.truncated(kind: nil, ...)`);
/// 2. `header.version == MAMORI_ABI_VERSION` (else `.versionMismatch`);
/// 3. `header.size <= ring size` (else `.sizeMismatch`). A ring size *larger* than
///    `header.size` is accepted: the extra bytes are reservation slack and are ignored (counted
///    in `DecodeStats.trailingSlack`). From here on `header.size` is the record boundary;
/// 4. the kind is known (else `.unknownKind`);
/// 5. `header.size >=` the fixed size of that kind's struct (else `.truncated(kind:...)`);
/// 6. every variable part lies within `header.size` (else `.fieldOutOfBounds`), and enum-like
///    fields hold known values (else `.invalidValue`).
///
/// Threading: owned and used by one thread (the ring poller); `decode` is `mutating` because
/// it updates `stats`. Copy `stats` out to report it elsewhere. The buffer passed to `decode`
/// must only be valid for the duration of the call: no pointer into it is kept.
public struct RecordDecoder: Sendable {
    /// What this decoder has seen so far.
    public private(set) var stats = DecodeStats()
    /// Recently decoded executables, paths, working directories and argv, so the steady state
    /// decodes without allocating (bounded; see `StringInterner`). `nil`: decode every string.
    public private(set) var strings: StringInterner?

    /// - Parameter strings: the intern table (the default one; pass `nil` to decode every
    ///   string afresh, which gives identical events).
    public init(strings: StringInterner? = StringInterner()) { self.strings = strings }

    /// Decodes one record. `record` is exactly what the ring buffer delivered (its `count` is
    /// the ring-reported size). Successes and failures are counted in `stats`.
    public mutating func decode(_ record: UnsafeRawBufferPointer) throws(DecodeError) -> SensorEvent {
        do throws(DecodeError) {
            let event = try Self.decodeRecord(record, strings: &strings)
            stats.decoded &+= 1
            if record.count > Int(event.header.size) { stats.trailingSlack &+= 1 }
            return event
        } catch {
            stats.record(error)
            throw error
        }
    }

    /// Clears the counters (e.g. after publishing a delta).
    public mutating func resetStats() { stats = DecodeStats() }

    // MARK: - Header

    static let expectedVersion = UInt16(MAMORI_ABI_VERSION)

    static func decodeRecord(_ ring: UnsafeRawBufferPointer,
                             strings: inout StringInterner?) throws(DecodeError) -> SensorEvent {
        guard ring.count >= HeaderLayout.size else {
            throw .truncated(kind: nil, expected: HeaderLayout.size, actual: ring.count)
        }
        let version = ring.u16(HeaderLayout.version)
        guard version == expectedVersion else {
            throw .versionMismatch(expected: expectedVersion, actual: version)
        }
        let size = Int(ring.u32(HeaderLayout.recordSize))
        guard size <= ring.count else { throw .sizeMismatch(header: size, ring: ring.count) }
        let rawKind = ring.u16(HeaderLayout.kind)
        guard let kind = EventKind(rawValue: rawKind) else { throw .unknownKind(rawKind) }
        let minimum = fixedSize(of: kind)
        guard size >= minimum else { throw .truncated(kind: kind, expected: minimum, actual: size) }

        // Every later access is bounded by header.size, not by the ring size.
        let rec = UnsafeRawBufferPointer(rebasing: ring[0..<size])
        let header = EventHeader(
            kind: rawKind, version: version, size: UInt32(size),
            ktimeNs: rec.u64(HeaderLayout.ktime), tgid: rec.u32(HeaderLayout.tgid),
            tid: rec.u32(HeaderLayout.pid), startBoottimeNs: rec.u64(HeaderLayout.start))
        switch kind {
        case .exec: return .exec(try decodeExec(rec, header, strings: &strings))
        case .fork: return .fork(decodeFork(rec, header))
        case .exit: return .exit(decodeExit(rec, header))
        case .network: return .network(try decodeNetwork(rec, header))
        case .file: return .file(try decodeFile(rec, header, strings: &strings))
        case .gap: return .gap(decodeGap(rec, header))
        case .action: return .action(try decodeAction(rec, header))
        case .tamper: return .tamper(try decodeTamper(rec, header))
        case .activity: return .activity(try decodeActivity(rec, header))
        case .dns: return .dns(try decodeDNS(rec, header))
        }
    }

    /// Size of the fixed part (the C struct) of each kind: the minimum `header.size`.
    public static func fixedSize(of kind: EventKind) -> Int {
        switch kind {
        case .exec: return ExecLayout.size
        case .fork: return ForkLayout.size
        case .exit: return ExitLayout.size
        case .network: return NetLayout.size
        case .file: return FileLayout.size
        case .gap: return GapLayout.size
        case .action: return ActionLayout.size
        case .tamper: return TamperLayout.size
        case .activity: return ActivityLayout.size
        case .dns: return DNSLayout.size
        }
    }

    /// `struct mamori_subject` at `base` (the record's `subj` offset).
    static func decodeSubject(_ rec: UnsafeRawBufferPointer, at base: Int) -> Subject {
        Subject(ppid: rec.u32(base + SubjectLayout.ppid), uid: rec.u32(base + SubjectLayout.uid),
                gid: rec.u32(base + SubjectLayout.gid), euid: rec.u32(base + SubjectLayout.euid),
                cgroupId: rec.u64(base + SubjectLayout.cgroup),
                comm: rec.cString(at: base + SubjectLayout.comm, max: SubjectLayout.commLength))
    }

    // MARK: - Process records

    static func decodeExec(_ rec: UnsafeRawBufferPointer, _ header: EventHeader,
                           strings: inout StringInterner?) throws(DecodeError) -> ExecEvent {
        typealias L = ExecLayout
        let exeLen = Int(rec.u16(L.exeLen)), argsLen = Int(rec.u16(L.argsLen)), cwdLen = Int(rec.u16(L.cwdLen))
        let exeOff = L.size
        let argsOff = exeOff + exeLen
        let cwdOff = argsOff + argsLen
        let envOff = cwdOff + cwdLen, envLen = Int(rec.u16(L.envLen))
        try rec.check(.exec, .exe, exeOff, exeLen)
        try rec.check(.exec, .args, argsOff, argsLen)
        try rec.check(.exec, .cwd, cwdOff, cwdLen)
        try rec.check(.exec, .env, envOff, envLen)

        let flags = ExecFlags(rawValue: rec.u32(L.flags))
        let loginUid = rec.u32(L.loginuid)
        var tty: String?
        if flags.contains(.hasTTY) {
            let driver = rec.cString(at: L.ttyDriver, max: L.ttyDriverLength)
            let index = String(rec.u32(L.ttyIndex))
            // Device-node naming: /dev/pts/3 for pseudo-terminals, /dev/tty1, /dev/ttyS0 otherwise.
            tty = driver == "pts" ? driver + "/" + index : driver + index
        }
        // exe and cwd come from the kernel's dentry walk, already canonical: not normalised.
        return ExecEvent(
            header: header, subject: decodeSubject(rec, at: L.subj),
            parentStartBoottimeNs: rec.u64(L.parentStart),
            executable: rec.string(at: exeOff, length: exeLen, strings: &strings),
            args: rec.args(at: argsOff, length: argsLen, argc: rec.u32(L.argc), strings: &strings),
            cwd: rec.string(at: cwdOff, length: cwdLen, strings: &strings),
            exeInode: rec.u64(L.exeIno), exeDevice: rec.u32(L.exeDev), flags: flags,
            egid: rec.u32(L.egid), loginUid: loginUid == UInt32.max ? nil : loginUid,
            sessionId: rec.u32(L.sid), tty: tty,
            stdio: StdioTypes(stdin: FileType(kernelType: rec.u16(L.stdio)),
                              stdout: FileType(kernelType: rec.u16(L.stdio + 2)),
                              stderr: FileType(kernelType: rec.u16(L.stdio + 4)),
                              stdinPipe: rec.u64(L.stdioIno), stdoutPipe: rec.u64(L.stdioIno + 8),
                              stderrPipe: rec.u64(L.stdioIno + 16)),
            loaderEnvironment: envLen == 0 ? [] : rec.args(at: envOff, length: envLen, argc: UInt32(rec.u16(L.envCount))))
    }

    static func decodeFork(_ rec: UnsafeRawBufferPointer, _ header: EventHeader) -> ForkEvent {
        ForkEvent(header: header, subject: decodeSubject(rec, at: ForkLayout.subj),
                  parentTgid: rec.u32(ForkLayout.parentTgid),
                  parentStartBoottimeNs: rec.u64(ForkLayout.parentStart))
    }

    static func decodeExit(_ rec: UnsafeRawBufferPointer, _ header: EventHeader) -> ExitEvent {
        ExitEvent(header: header, subject: decodeSubject(rec, at: ExitLayout.subj),
                  exitStatus: rec.u32(ExitLayout.exitCode))
    }

    static func decodeGap(_ rec: UnsafeRawBufferPointer, _ header: EventHeader) -> GapEvent {
        let count = GapLayout.lostCount
        let lost = [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count { buffer[i] = rec.u64(GapLayout.lost + i * 8) }
            initialized = count
        }
        return GapEvent(header: header, lane: rec.u32(GapLayout.lane), cpu: rec.u32(GapLayout.cpu), lost: lost)
    }

    // MARK: - Network and file records

    /// In-memory bytes FF FF FF FF 00 00 00 00 on either endianness: keeps an IPv4 address's
    /// four bytes and clears whatever the kernel left in the rest of the 16-byte field.
    static let ipv4Mask = UInt64(littleEndian: 0x0000_0000_FFFF_FFFF)

    static func decodeNetwork(_ rec: UnsafeRawBufferPointer, _ header: EventHeader) throws(DecodeError) -> NetworkEvent {
        typealias L = NetLayout
        let rawOp = rec.u16(L.op)
        guard let op = NetworkOp(rawValue: rawOp) else {
            throw .invalidValue(kind: .network, field: .op, value: UInt64(rawOp))
        }
        let rawFamily = rec.u16(L.family)
        guard let family = AddressFamily(rawValue: rawFamily) else {
            throw .invalidValue(kind: .network, field: .family, value: UInt64(rawFamily))
        }
        func address(at offset: Int) -> IPAddress {
            if family == .inet {
                return IPAddress(family: family, high: rec.u64(offset) & ipv4Mask, low: 0)
            }
            return IPAddress(family: family, high: rec.u64(offset), low: rec.u64(offset + 8))
        }
        return NetworkEvent(
            header: header, subject: decodeSubject(rec, at: L.subj), op: op, family: family,
            proto: rec.u16(L.proto), socketType: rec.u16(L.sockType), result: rec.i32(L.result),
            source: address(at: L.saddr), sourcePort: rec.u16(L.sport),
            destination: address(at: L.daddr), destinationPort: rec.u16(L.dport))
    }

    static func decodeFile(_ rec: UnsafeRawBufferPointer, _ header: EventHeader,
                           strings: inout StringInterner?) throws(DecodeError) -> FileEvent {
        typealias L = FileLayout
        let rawOp = rec.u16(L.op)
        guard let op = FileOp(rawValue: rawOp) else {
            throw .invalidValue(kind: .file, field: .op, value: UInt64(rawOp))
        }
        let pathLen = Int(rec.u16(L.pathLen)), path2Len = Int(rec.u16(L.path2Len))
        let pathOff = L.size
        let path2Off = pathOff + pathLen
        try rec.check(.file, .path, pathOff, pathLen)
        try rec.check(.file, .path2, path2Off, path2Len)

        let flags = FileFlags(rawValue: rec.u32(L.flags))
        let path = rec.path(at: pathOff, length: pathLen, relative: flags.contains(.pathRelative), strings: &strings)
        var target: String?
        if op == .rename || path2Len > 0 {
            target = rec.path(at: path2Off, length: path2Len, relative: flags.contains(.path2Relative),
                              strings: &strings)
        }
        var ownerUid: UInt32?, ownerGid: UInt32?
        if op == .chown {
            let uid = rec.u32(L.ownerUid), gid = rec.u32(L.ownerGid)
            ownerUid = uid == UInt32.max ? nil : uid
            ownerGid = gid == UInt32.max ? nil : gid
        }
        return FileEvent(
            header: header, subject: decodeSubject(rec, at: L.subj), op: op, result: rec.i32(L.result),
            flags: flags, openFlags: rec.u32(L.openFlags), mode: rec.u32(L.mode),
            ownerUid: ownerUid, ownerGid: ownerGid, inode: rec.u64(L.ino), device: rec.u32(L.dev),
            path: path, targetPath: target, count: 1 &+ rec.u32(L.repeatCount))
    }
}

// MARK: - Raw access (bounds are checked by the callers before these run)

extension UnsafeRawBufferPointer {
    @inline(__always) func u8(_ offset: Int) -> UInt8 { self[offset] }
    @inline(__always) func u16(_ offset: Int) -> UInt16 { loadUnaligned(fromByteOffset: offset, as: UInt16.self) }
    @inline(__always) func u32(_ offset: Int) -> UInt32 { loadUnaligned(fromByteOffset: offset, as: UInt32.self) }
    @inline(__always) func i32(_ offset: Int) -> Int32 { loadUnaligned(fromByteOffset: offset, as: Int32.self) }
    @inline(__always) func u64(_ offset: Int) -> UInt64 { loadUnaligned(fromByteOffset: offset, as: UInt64.self) }

    /// Throws unless `offset ..< offset + length` lies within this (header.size-bounded) record.
    @inline(__always)
    func check(_ kind: EventKind, _ field: RecordField, _ offset: Int, _ length: Int) throws(DecodeError) {
        guard offset + length <= count else {
            throw .fieldOutOfBounds(kind: kind, field: field, offset: offset, length: length, recordSize: count)
        }
    }

    /// Runs `body` on `offset ..< offset + length` viewed as bytes (no copy).
    @inline(__always)
    fileprivate func bytes<R>(at offset: Int, length: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        UnsafeRawBufferPointer(rebasing: self[offset..<(offset + length)]).withMemoryRebound(to: UInt8.self, body)
    }

    /// A fixed-size C char array: up to the first NUL, or all `max` bytes when there is none.
    func cString(at offset: Int, max: Int) -> String {
        var length = 0
        while length < max && self[offset + length] != 0 { length += 1 }
        if length == 0 { return "" }
        return bytes(at: offset, length: length) { String(decoding: $0, as: UTF8.self) }
    }

    /// A length-delimited string. Trailing NULs are tolerated (a BPF side that counted the
    /// terminator of bpf_probe_read_str) and dropped.
    func string(at offset: Int, length: Int) -> String {
        let length = trimmedLength(offset, length)
        if length == 0 { return "" }
        return bytes(at: offset, length: length) { String(decoding: $0, as: UTF8.self) }
    }

    /// `string(at:length:)` through the decoder's intern table, when it has one.
    fileprivate func string(at offset: Int, length: Int, strings: inout StringInterner?) -> String {
        guard strings != nil else { return string(at: offset, length: length) }
        let length = trimmedLength(offset, length)
        if length == 0 { return "" }
        return bytes(at: offset, length: length) { b in strings!.string(b, .text) { String(decoding: $0, as: UTF8.self) } }
    }

    /// `path(at:length:relative:)` through the decoder's intern table, when it has one (the
    /// table keeps only paths that needed no normalisation, so a hit equals a fresh decode).
    func path(at offset: Int, length: Int, relative: Bool, strings: inout StringInterner?) -> String {
        guard strings != nil else { return path(at: offset, length: length, relative: relative) }
        if relative { return string(at: offset, length: length, strings: &strings) }
        let length = trimmedLength(offset, length)
        if length == 0 { return "" }
        return bytes(at: offset, length: length) { b in strings!.string(b, .path) { PathNormalizer.decode($0) } }
    }

    /// A file path: lexically normalised unless the kernel flagged it relative.
    func path(at offset: Int, length: Int, relative: Bool) -> String {
        if relative { return string(at: offset, length: length) }
        let length = trimmedLength(offset, length)
        if length == 0 { return "" }
        return bytes(at: offset, length: length) { PathNormalizer.decode($0) }
    }

    private func trimmedLength(_ offset: Int, _ length: Int) -> Int {
        var length = length
        while length > 0 && self[offset + length - 1] == 0 { length -= 1 }
        return length
    }

    /// `args(at:length:argc:)` through the decoder's argv table, when it has one.
    fileprivate func args(at offset: Int, length: Int, argc: UInt32, strings: inout StringInterner?) -> [String] {
        guard strings != nil, Swift.min(Int(argc), length) > 0 else { return args(at: offset, length: length, argc: argc) }
        return bytes(at: offset, length: length) { b in
            strings!.argv(b, argc: argc) { args(at: offset, length: length, argc: argc) }
        }
    }

    /// NUL-separated argv: at most `argc` entries. An empty argument ("\0") is kept; a missing
    /// final NUL is tolerated, and the last entry may be cut short (`.argsTruncated` says so).
    fileprivate func args(at offset: Int, length: Int, argc: UInt32) -> [String] {
        let limit = Swift.min(Int(argc), length)  // every entry takes at least one byte
        guard limit > 0 else { return [] }
        return bytes(at: offset, length: length) { b in
            var args = [String]()
            args.reserveCapacity(limit)
            var start = 0
            while start < length && args.count < limit {
                var end = start
                while end < length && b[end] != 0 { end += 1 }
                args.append(String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self))
                start = end + 1
            }
            return args
        }
    }
}

// MARK: - Layouts, computed once from the imported C structs

@inline(__always)
private func offset<T>(_ path: PartialKeyPath<T>) -> Int {
    // Only stored properties of imported C structs are passed here, for which this is never nil.
    MemoryLayout<T>.offset(of: path)!
}

enum HeaderLayout {
    static let size = MemoryLayout<mamori_header>.size
    static let kind = offset(\mamori_header.kind)
    static let version = offset(\mamori_header.version)
    static let recordSize = offset(\mamori_header.size)
    static let ktime = offset(\mamori_header.ktime_ns)
    static let tgid = offset(\mamori_header.tgid)
    static let pid = offset(\mamori_header.pid)
    static let start = offset(\mamori_header.start_boottime_ns)
}

enum SubjectLayout {
    static let ppid = offset(\mamori_subject.ppid)
    static let uid = offset(\mamori_subject.uid)
    static let gid = offset(\mamori_subject.gid)
    static let euid = offset(\mamori_subject.euid)
    static let cgroup = offset(\mamori_subject.cgroup_id)
    static let comm = offset(\mamori_subject.comm)
    static let commLength = MemoryLayout.size(ofValue: mamori_subject().comm)
}

enum ExecLayout {
    static let size = MemoryLayout<mamori_exec>.size
    static let subj = offset(\mamori_exec.subj)
    static let parentStart = offset(\mamori_exec.parent_start_boottime_ns)
    static let exeIno = offset(\mamori_exec.exe_ino)
    static let exeDev = offset(\mamori_exec.exe_dev)
    static let flags = offset(\mamori_exec.flags)
    static let egid = offset(\mamori_exec.egid)
    static let loginuid = offset(\mamori_exec.loginuid)
    static let sid = offset(\mamori_exec.sid)
    static let ttyIndex = offset(\mamori_exec.tty_index)
    static let ttyDriver = offset(\mamori_exec.tty_driver)
    static let ttyDriverLength = MemoryLayout.size(ofValue: mamori_exec().tty_driver)
    static let argc = offset(\mamori_exec.argc)
    static let stdio = offset(\mamori_exec.stdio_type)
    static let stdioIno = offset(\mamori_exec.stdio_ino)
    static let exeLen = offset(\mamori_exec.exe_len)
    static let argsLen = offset(\mamori_exec.args_len)
    static let cwdLen = offset(\mamori_exec.cwd_len)
    static let envLen = offset(\mamori_exec.env_len)
    static let envCount = offset(\mamori_exec.env_count)
}

enum ForkLayout {
    static let size = MemoryLayout<mamori_fork>.size
    static let subj = offset(\mamori_fork.subj)
    static let parentTgid = offset(\mamori_fork.parent_tgid)
    static let parentStart = offset(\mamori_fork.parent_start_boottime_ns)
}

enum ExitLayout {
    static let size = MemoryLayout<mamori_exit>.size
    static let subj = offset(\mamori_exit.subj)
    static let exitCode = offset(\mamori_exit.exit_code)
}

enum NetLayout {
    static let size = MemoryLayout<mamori_net>.size
    static let subj = offset(\mamori_net.subj)
    static let op = offset(\mamori_net.op)
    static let family = offset(\mamori_net.family)
    static let proto = offset(\mamori_net.protocol)
    static let sockType = offset(\mamori_net.sock_type)
    static let result = offset(\mamori_net.result)
    static let sport = offset(\mamori_net.sport)
    static let dport = offset(\mamori_net.dport)
    static let saddr = offset(\mamori_net.saddr)
    static let daddr = offset(\mamori_net.daddr)
}

enum FileLayout {
    static let size = MemoryLayout<mamori_file>.size
    static let subj = offset(\mamori_file.subj)
    static let op = offset(\mamori_file.op)
    static let pathLen = offset(\mamori_file.path_len)
    static let path2Len = offset(\mamori_file.path2_len)
    static let result = offset(\mamori_file.result)
    static let flags = offset(\mamori_file.flags)
    static let openFlags = offset(\mamori_file.open_flags)
    static let mode = offset(\mamori_file.mode)
    static let ownerUid = offset(\mamori_file.owner_uid)
    static let ownerGid = offset(\mamori_file.owner_gid)
    static let ino = offset(\mamori_file.ino)
    static let dev = offset(\mamori_file.dev)
    static let repeatCount = offset(\mamori_file.repeat_count)
}

enum GapLayout {
    static let size = MemoryLayout<mamori_gap>.size
    static let lane = offset(\mamori_gap.lane)
    static let cpu = offset(\mamori_gap.cpu)
    static let lost = offset(\mamori_gap.lost)
    static let lostCount = MemoryLayout.size(ofValue: mamori_gap().lost) / MemoryLayout<UInt64>.size
}
