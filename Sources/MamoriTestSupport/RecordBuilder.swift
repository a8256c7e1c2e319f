import CMamoriABI
import MamoriEvents

/// Builds synthetic kernel records, byte for byte as the BPF programs write them.
///
/// Exists so that unit tests of the decoder, the process tree, detection and output can feed
/// realistic records without root or a kernel. Every builder fills the REAL C struct imported
/// from `abi.h` (`mamori_exec`, `mamori_file`, ...), serialises it, then appends the variable
/// data, so a layout change in the header changes the synthetic records too. `header.size` is
/// computed unless overridden. Stateless; any thread may call it.
///
/// ```swift
/// let bytes = RecordBuilder.exec(exe: "/usr/bin/curl", args: ["curl", "-s", "http://x"])
/// var decoder = RecordDecoder()
/// let event = try decoder.decode(bytes: bytes)
/// ```
public enum RecordBuilder {
    /// Fields of `struct mamori_header`. `kind`, `version` and `size` are filled by the
    /// builders unless overridden here (to produce malformed records on purpose).
    public struct HeaderFields: Sendable {
        public var ktimeNs: UInt64
        public var tgid: UInt32
        /// Thread id; defaults to `tgid`.
        public var pid: UInt32?
        public var startBoottimeNs: UInt64
        public var version: UInt16
        public var kindOverride: UInt16?
        public var sizeOverride: UInt32?

        public init(ktimeNs: UInt64 = 1_000_000_000, tgid: UInt32 = 4242, pid: UInt32? = nil,
                    startBoottimeNs: UInt64 = 500_000_000, version: UInt16 = UInt16(MAMORI_ABI_VERSION),
                    kindOverride: UInt16? = nil, sizeOverride: UInt32? = nil) {
            self.ktimeNs = ktimeNs; self.tgid = tgid; self.pid = pid
            self.startBoottimeNs = startBoottimeNs; self.version = version
            self.kindOverride = kindOverride; self.sizeOverride = sizeOverride
        }
    }

    /// Fields of `struct mamori_subject`. `comm` is cut to 16 bytes; with exactly 16 bytes the
    /// array has no terminating NUL (the decoder must cope).
    public struct SubjectFields: Sendable {
        public var ppid: UInt32
        public var uid: UInt32
        public var gid: UInt32
        public var euid: UInt32
        public var cgroupId: UInt64
        public var comm: String

        public init(ppid: UInt32 = 1, uid: UInt32 = 1000, gid: UInt32 = 1000, euid: UInt32 = 1000,
                    cgroupId: UInt64 = 7777, comm: String = "bash") {
            self.ppid = ppid; self.uid = uid; self.gid = gid; self.euid = euid
            self.cgroupId = cgroupId; self.comm = comm
        }
    }

    // MARK: - Process records

    /// A `mamori_exec` record followed by exe, args (NUL-separated, each NUL-terminated) and cwd.
    /// - Parameters:
    ///   - argc: defaults to `args.count`.
    ///   - rawArgs: replaces the encoded `args` bytes verbatim (e.g. without the final NUL).
    ///   - tty: driver name (at most 8 bytes) and index; sets `.hasTTY`.
    public static func exec(
        header: HeaderFields = .init(), subject: SubjectFields = .init(),
        parentStartBoottimeNs: UInt64 = 100_000_000, exe: String = "/usr/bin/true",
        args: [String] = ["true"], cwd: String = "/", exeInode: UInt64 = 1234, exeDevice: UInt32 = 0x0080_0001,
        flags: ExecFlags = [], egid: UInt32 = 1000, loginUid: UInt32 = UInt32.max, sessionId: UInt32 = 0,
        tty: (driver: String, index: UInt32)? = nil, argc: UInt32? = nil, rawArgs: [UInt8]? = nil,
        stdio: StdioTypes = StdioTypes(), loaderEnvironment: [String] = []
    ) -> [UInt8] {
        let exeBytes = Array(exe.utf8), cwdBytes = Array(cwd.utf8)
        let envBytes: [UInt8] = loaderEnvironment.flatMap { Array($0.utf8) + [0] }
        let argBytes = rawArgs ?? args.flatMap { Array($0.utf8) + [0] }
        var r = mamori_exec()
        fillSubject(&r.subj, subject)
        r.parent_start_boottime_ns = parentStartBoottimeNs
        r.exe_ino = exeInode
        r.exe_dev = exeDevice
        r.flags = flags.rawValue | (tty == nil ? 0 : ExecFlags.hasTTY.rawValue)
        r.egid = egid
        r.loginuid = loginUid
        r.sid = sessionId
        if let tty {
            r.tty_index = tty.index
            copy(tty.driver, into: &r.tty_driver)
        }
        r.argc = argc ?? UInt32(args.count)
        r.stdio_type = (stdio.stdin.rawValue, stdio.stdout.rawValue, stdio.stderr.rawValue)
        r.stdio_ino = (stdio.stdinPipe, stdio.stdoutPipe, stdio.stderrPipe)
        r.exe_len = UInt16(truncatingIfNeeded: exeBytes.count)
        r.args_len = UInt16(truncatingIfNeeded: argBytes.count)
        r.cwd_len = UInt16(truncatingIfNeeded: cwdBytes.count)
        r.env_len = UInt16(truncatingIfNeeded: envBytes.count)
        r.env_count = UInt16(truncatingIfNeeded: loaderEnvironment.count)
        return serialize(&r, \.hdr, kind: MAMORI_KIND_EXEC, header, data: exeBytes + argBytes + cwdBytes + envBytes)
    }

    /// A `mamori_fork` record; `header` and `subject` describe the child.
    public static func fork(header: HeaderFields = .init(), subject: SubjectFields = .init(),
                            parentTgid: UInt32 = 1, parentStartBoottimeNs: UInt64 = 100_000_000) -> [UInt8] {
        var r = mamori_fork()
        fillSubject(&r.subj, subject)
        r.parent_tgid = parentTgid
        r.parent_start_boottime_ns = parentStartBoottimeNs
        return serialize(&r, \.hdr, kind: MAMORI_KIND_FORK, header, data: [])
    }

    /// A `mamori_exit` record. `exitStatus` is the raw wait status: `(code << 8) | signal`.
    public static func exit(header: HeaderFields = .init(), subject: SubjectFields = .init(),
                            exitStatus: UInt32 = 0) -> [UInt8] {
        var r = mamori_exit()
        fillSubject(&r.subj, subject)
        r.exit_code = exitStatus
        return serialize(&r, \.hdr, kind: MAMORI_KIND_EXIT, header, data: [])
    }

    /// A `mamori_gap` record; `lost` is padded or cut to `MAMORI_KIND_COUNT` entries.
    public static func gap(header: HeaderFields = .init(), lane: UInt32 = UInt32(MAMORI_LANE_BULK.rawValue),
                           cpu: UInt32 = 0, lost: [UInt64] = []) -> [UInt8] {
        var r = mamori_gap()
        r.lane = lane
        r.cpu = cpu
        withUnsafeMutableBytes(of: &r.lost) { raw in
            for (i, value) in lost.prefix(raw.count / 8).enumerated() {
                raw.storeBytes(of: value, toByteOffset: i * 8, as: UInt64.self)
            }
        }
        return serialize(&r, \.hdr, kind: MAMORI_KIND_GAP, header, data: [])
    }

    // MARK: - Network and file records

    /// A `mamori_net` record. Addresses are network-order bytes (4 for IPv4, 16 for IPv6);
    /// `family` defaults to what the destination's length implies.
    public static func network(
        header: HeaderFields = .init(), subject: SubjectFields = .init(), op: NetworkOp = .connect,
        family: AddressFamily? = nil, proto: UInt16 = 6, socketType: UInt16 = 1, result: Int32 = 0,
        source: [UInt8] = [10, 0, 0, 2], sourcePort: UInt16 = 40000,
        destination: [UInt8] = [93, 184, 216, 34], destinationPort: UInt16 = 443
    ) -> [UInt8] {
        var r = mamori_net()
        fillSubject(&r.subj, subject)
        r.op = op.rawValue
        r.family = (family ?? (destination.count == 4 ? .inet : .inet6)).rawValue
        r.protocol = proto
        r.sock_type = socketType
        r.result = result
        r.sport = sourcePort
        r.dport = destinationPort
        withUnsafeMutableBytes(of: &r.saddr) { raw in for (i, b) in source.prefix(16).enumerated() { raw[i] = b } }
        withUnsafeMutableBytes(of: &r.daddr) { raw in for (i, b) in destination.prefix(16).enumerated() { raw[i] = b } }
        return serialize(&r, \.hdr, kind: MAMORI_KIND_NET, header, data: [])
    }

    /// A `mamori_file` record followed by `path` and `path2` (rename target).
    /// `ownerUid`/`ownerGid` default to 0xffffffff ("unchanged").
    public static func file(
        header: HeaderFields = .init(), subject: SubjectFields = .init(), op: FileOp = .create,
        path: String = "/tmp/file", path2: String? = nil, result: Int32 = 0, flags: FileFlags = [],
        openFlags: UInt32 = 0, mode: UInt32 = 0, ownerUid: UInt32 = UInt32.max, ownerGid: UInt32 = UInt32.max,
        inode: UInt64 = 0, device: UInt32 = 0
    ) -> [UInt8] {
        let pathBytes = Array(path.utf8), path2Bytes = Array((path2 ?? "").utf8)
        var r = mamori_file()
        fillSubject(&r.subj, subject)
        r.op = op.rawValue
        r.path_len = UInt16(truncatingIfNeeded: pathBytes.count)
        r.path2_len = UInt16(truncatingIfNeeded: path2Bytes.count)
        r.result = result
        r.flags = flags.rawValue
        r.open_flags = openFlags
        r.mode = mode
        r.owner_uid = ownerUid
        r.owner_gid = ownerGid
        r.ino = inode
        r.dev = device
        return serialize(&r, \.hdr, kind: MAMORI_KIND_FILE, header, data: pathBytes + path2Bytes)
    }

    /// A `mamori_action` record followed by `path`. `destination` (4 or 16 bytes) sets the
    /// family; nil leaves the network fields zero (an exec or file action).
    public static func action(
        header: HeaderFields = .init(), subject: SubjectFields = .init(), action: PreventionAction = .killExec,
        reason: ActionReason = .execDenylist, level: UInt8 = 1, neededLevel: UInt8 = 1,
        flags: UInt16 = UInt16(MAMORI_ACTF_ENFORCED), policyId: UInt32 = 7, result: Int32 = 0,
        inode: UInt64 = 0, device: UInt32 = 0, destination: [UInt8]? = nil, destinationPort: UInt16 = 0,
        proto: UInt16 = 0, path: String = ""
    ) -> [UInt8] {
        let pathBytes = Array(path.utf8)
        var r = mamori_action()
        fillSubject(&r.subj, subject)
        r.action = action.rawValue
        r.reason = reason.rawValue
        r.level = level
        r.needed_level = neededLevel
        r.flags = flags
        r.policy_id = policyId
        r.result = result
        r.ino = inode
        r.dev = device
        if let destination {
            r.family = destination.count == 4 ? 2 : 10
            withUnsafeMutableBytes(of: &r.daddr) { raw in
                for (i, b) in destination.prefix(16).enumerated() { raw[i] = b }
            }
        }
        r.dport = destinationPort
        r.protocol = proto
        r.path_len = UInt16(truncatingIfNeeded: pathBytes.count)
        return serialize(&r, \.hdr, kind: MAMORI_KIND_ACTION, header, data: pathBytes)
    }

    /// A `mamori_activity` record followed by `path` and `path2`, as bpf/activity.bpf.c and
    /// bpf/lib/procfs.h write it. `op` is the raw `mamori_activity_op`.
    public static func activity(
        header: HeaderFields = .init(), subject: SubjectFields = .init(), op: UInt16, flags: UInt32 = 0,
        result: Int32 = 0, value: Int32 = 0, targetPid: Int32 = 0, targetTgid: UInt32 = 0,
        targetUid: UInt32 = UInt32.max, args: [UInt64] = [0, 0, 0, 0], name: String = "",
        path: String = "", path2: String = ""
    ) -> [UInt8] {
        let pathBytes = Array(path.utf8), path2Bytes = Array(path2.utf8)
        var r = mamori_activity()
        fillSubject(&r.subj, subject)
        r.op = op
        r.path_len = UInt16(truncatingIfNeeded: pathBytes.count)
        r.path2_len = UInt16(truncatingIfNeeded: path2Bytes.count)
        r.flags = flags
        r.result = result
        r.value = value
        r.target_pid = targetPid
        r.target_tgid = targetTgid
        r.target_uid = targetUid
        r.arg = (args[0], args[1], args[2], args[3])
        copy(name, into: &r.name)
        return serialize(&r, \.hdr, kind: MAMORI_KIND_ACTIVITY, header, data: pathBytes + path2Bytes)
    }

    // MARK: - Editing records

    /// Byte offset of a field of one of the ABI structs, e.g. `offset(of: \mamori_exec.exe_len)`.
    public static func offset<Root>(of field: PartialKeyPath<Root>) -> Int {
        guard let offset = MemoryLayout<Root>.offset(of: field) else {
            preconditionFailure("not a stored field of \(Root.self)")
        }
        return offset
    }

    /// Overwrites the integer at `offset` in `bytes` (native byte order), to corrupt a record
    /// on purpose: `RecordBuilder.patch(&bytes, at: offset(of: \mamori_exec.exe_len), UInt16(9999))`.
    public static func patch<T: FixedWidthInteger>(_ bytes: inout [UInt8], at offset: Int, _ value: T) {
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: value, toByteOffset: offset, as: T.self) }
    }

    /// Reads the integer at `offset` in `bytes` (native byte order).
    public static func read<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as type: T.Type) -> T {
        bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }

    // MARK: - Internals

    private static func fillSubject(_ s: inout mamori_subject, _ f: SubjectFields) {
        s.ppid = f.ppid; s.uid = f.uid; s.gid = f.gid; s.euid = f.euid; s.cgroup_id = f.cgroupId
        copy(f.comm, into: &s.comm)
    }

    /// Copies the UTF-8 of `string` into a C char array, cut to its size (no NUL if it fills it).
    private static func copy<CArray>(_ string: String, into array: inout CArray) {
        withUnsafeMutableBytes(of: &array) { raw in
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            for (i, b) in string.utf8.prefix(raw.count).enumerated() { raw[i] = b }
        }
    }

    /// Fills the header inside `record`, then returns the struct's bytes followed by `data`.
    private static func serialize<Record>(_ record: inout Record, _ hdr: WritableKeyPath<Record, mamori_header>,
                                          kind: mamori_kind, _ h: HeaderFields, data: [UInt8]) -> [UInt8] {
        let total = MemoryLayout<Record>.size + data.count
        record[keyPath: hdr].kind = h.kindOverride ?? UInt16(kind.rawValue)
        record[keyPath: hdr].version = h.version
        record[keyPath: hdr].size = h.sizeOverride ?? UInt32(total)
        record[keyPath: hdr].ktime_ns = h.ktimeNs
        record[keyPath: hdr].tgid = h.tgid
        record[keyPath: hdr].pid = h.pid ?? h.tgid
        record[keyPath: hdr].start_boottime_ns = h.startBoottimeNs
        var bytes = withUnsafeBytes(of: &record) { [UInt8]($0) }
        bytes.append(contentsOf: data)
        return bytes
    }
}

extension RecordDecoder {
    /// Decodes a record held in an array (test convenience; the sensor decodes ring memory).
    public mutating func decode(bytes: [UInt8]) throws(DecodeError) -> SensorEvent {
        let result: Result<SensorEvent, DecodeError> = bytes.withUnsafeBytes { raw in
            do throws(DecodeError) { return .success(try decode(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
