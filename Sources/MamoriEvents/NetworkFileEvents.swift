/// A network operation: connect, accept, listen or the first datagram of a UDP flow.
public struct NetworkEvent: Sendable, Equatable {
    public var header: EventHeader
    public var subject: Subject
    public var op: NetworkOp
    public var family: AddressFamily
    /// IPPROTO_* (6 = TCP, 17 = UDP).
    public var proto: UInt16
    /// SOCK_* (1 = stream, 2 = datagram).
    public var socketType: UInt16
    /// Syscall return value: 0 or -errno (a new fd for accept).
    public var result: Int32
    public var source: IPAddress
    public var sourcePort: UInt16
    public var destination: IPAddress
    public var destinationPort: UInt16

    public init(header: EventHeader, subject: Subject, op: NetworkOp, family: AddressFamily,
                proto: UInt16, socketType: UInt16, result: Int32, source: IPAddress, sourcePort: UInt16,
                destination: IPAddress, destinationPort: UInt16) {
        self.header = header; self.subject = subject; self.op = op; self.family = family
        self.proto = proto; self.socketType = socketType; self.result = result
        self.source = source; self.sourcePort = sourcePort
        self.destination = destination; self.destinationPort = destinationPort
    }

    /// "tcp", "udp" or the protocol number.
    public var transport: String {
        switch proto {
        case 6: return "tcp"
        case 17: return "udp"
        case 1: return "icmp"
        case 58: return "ipv6-icmp"
        default: return String(proto)
        }
    }
}

/// `enum mamori_net_op`.
public enum NetworkOp: UInt16, Sendable, CustomStringConvertible {
    case connect = 1, accept = 2, listen = 3, send = 4
    public var description: String {
        switch self {
        case .connect: return "connect"
        case .accept: return "accept"
        case .listen: return "listen"
        case .send: return "send"
        }
    }
}

/// Address families the sensor reports.
public enum AddressFamily: UInt16, Sendable {
    case inet = 2, inet6 = 10
}

/// An IPv4 or IPv6 address kept as its 16 raw network-order bytes (IPv4 in the first four).
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public var family: AddressFamily
    public var high: UInt64  // bytes 0..<8 as stored (memory order)
    public var low: UInt64   // bytes 8..<16

    public init(family: AddressFamily, high: UInt64, low: UInt64) {
        self.family = family; self.high = high; self.low = low
    }

    /// Builds an address from its bytes in network order (4 or 16 of them).
    public init(family: AddressFamily, bytes: [UInt8]) {
        var raw = [UInt8](repeating: 0, count: 16)
        for (i, b) in bytes.prefix(16).enumerated() { raw[i] = b }
        self.family = family
        self.high = raw.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self) }
        self.low = raw.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self) }
    }

    /// The address bytes in network order: 4 for IPv4, 16 for IPv6.
    public var bytes: [UInt8] {
        var h = high, l = low
        var out = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: &h) { for i in 0..<8 { out[i] = $0[i] } }
        withUnsafeBytes(of: &l) { for i in 0..<8 { out[8 + i] = $0[i] } }
        return family == .inet ? Array(out.prefix(4)) : out
    }

    /// Dotted quad or RFC 5952 text.
    public var description: String {
        let b = bytes
        if family == .inet { return b.map(String.init).joined(separator: ".") }
        var groups = [UInt16]()
        for i in stride(from: 0, to: 16, by: 2) { groups.append(UInt16(b[i]) << 8 | UInt16(b[i + 1])) }
        // IPv4-mapped ::ffff:a.b.c.d
        if groups[0..<5].allSatisfy({ $0 == 0 }) && groups[5] == 0xffff {
            return "::ffff:" + b[12..<16].map(String.init).joined(separator: ".")
        }
        // Longest run of zero groups (length >= 2) becomes "::".
        var bestStart = -1, bestLen = 0, i = 0
        while i < 8 {
            if groups[i] == 0 {
                var j = i
                while j < 8 && groups[j] == 0 { j += 1 }
                if j - i > bestLen && j - i >= 2 { bestStart = i; bestLen = j - i }
                i = j
            } else { i += 1 }
        }
        func hex(_ r: ArraySlice<UInt16>) -> String { r.map { String($0, radix: 16) }.joined(separator: ":") }
        if bestStart < 0 { return hex(groups[0..<8]) }
        return hex(groups[0..<bestStart]) + "::" + hex(groups[(bestStart + bestLen)..<8])
    }

    public var isLoopback: Bool {
        let b = bytes
        if family == .inet { return b[0] == 127 }
        return b[0..<15].allSatisfy { $0 == 0 } && b[15] == 1
    }
}

/// A file change, or a read-only open of a watched file.
public struct FileEvent: Sendable, Equatable {
    public var header: EventHeader
    public var subject: Subject
    public var op: FileOp
    public var result: Int32
    public var flags: FileFlags
    /// O_* flags as passed to open(2); 0 for other operations.
    public var openFlags: UInt32
    public var mode: UInt32
    /// New owner for chown; `nil` when left unchanged.
    public var ownerUid: UInt32?
    public var ownerGid: UInt32?
    public var inode: UInt64
    public var device: UInt32
    /// Absolute path (lexically normalised), or as given when `.pathRelative` is set.
    public var path: String
    /// Rename target; `nil` for other operations.
    public var targetPath: String?
    /// How many identical events this record stands for: 1, plus the repeats the kernel folded
    /// into it (`mamori_file.repeat_count`); a repeat-count record (`RepeatFlush`) carries
    /// only the repeats of a key that went quiet. The store keeps it as `events.count`.
    public var count: UInt32

    public init(header: EventHeader, subject: Subject, op: FileOp, result: Int32, flags: FileFlags,
                openFlags: UInt32, mode: UInt32, ownerUid: UInt32?, ownerGid: UInt32?,
                inode: UInt64, device: UInt32, path: String, targetPath: String?, count: UInt32 = 1) {
        self.header = header; self.subject = subject; self.op = op; self.result = result
        self.flags = flags; self.openFlags = openFlags; self.mode = mode
        self.ownerUid = ownerUid; self.ownerGid = ownerGid; self.inode = inode
        self.device = device; self.path = path; self.targetPath = targetPath; self.count = count
    }
}

/// `enum mamori_file_op`.
public enum FileOp: UInt16, Sendable, CustomStringConvertible {
    case create = 1, openWrite = 2, truncate = 3, rename = 4, unlink = 5, chmod = 6, chown = 7, openRead = 8
    public var description: String {
        switch self {
        case .create: return "creation"
        case .openWrite: return "open-write"
        case .truncate: return "truncate"
        case .rename: return "rename"
        case .unlink: return "deletion"
        case .chmod: return "chmod"
        case .chown: return "chown"
        case .openRead: return "open-read"
        }
    }
}

/// `MAMORI_FILE_*` flags.
public struct FileFlags: OptionSet, Sendable, Equatable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let pathTruncated = FileFlags(rawValue: 1 << 0)
    public static let path2Truncated = FileFlags(rawValue: 1 << 1)
    public static let pathRelative = FileFlags(rawValue: 1 << 2)
    public static let path2Relative = FileFlags(rawValue: 1 << 3)
    public static let watched = FileFlags(rawValue: 1 << 4)
}
