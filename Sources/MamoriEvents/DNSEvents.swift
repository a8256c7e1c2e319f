import CMamoriABI

/// A DNS message of a client socket seen on the packet path (`struct mamori_dns`): a query it
/// sent or an answer it received, with the message parsed (or the reason it could not be).
///
/// Exists so that lookups reach detection (rule category `dns_query`), the store, the ECS
/// output and the IP→name cache that gives later connects their `destination.domain`. The
/// header and subject are the socket's owner (`attribution` says how sure that is). A plain
/// value: any thread.
public struct DNSEvent: Sendable, Equatable {
    public var header: EventHeader
    public var subject: Subject
    public var direction: DNSDirection
    /// IPPROTO_UDP (17) or IPPROTO_TCP (6).
    public var proto: UInt8
    public var family: AddressFamily
    /// The local end of the socket.
    public var source: IPAddress
    public var sourcePort: UInt16
    /// The DNS server.
    public var destination: IPAddress
    public var destinationPort: UInt16
    /// The kernel's socket cookie: pairs the answers of a socket with its queries.
    public var socketCookie: UInt64
    public var attribution: DNSAttribution
    /// Length of the message on the wire; more than was copied when `truncated`.
    public var wireLength: UInt16
    /// Only a prefix (`MAMORI_DNS_DATA_MAX` bytes) of the message was copied.
    public var truncated: Bool
    /// The parsed message; `nil` when it could not be parsed (`decodeError` says why).
    public var message: DNSMessage?
    public var decodeError: DNSDecodeError?

    public init(header: EventHeader, subject: Subject, direction: DNSDirection, proto: UInt8,
                family: AddressFamily, source: IPAddress, sourcePort: UInt16, destination: IPAddress,
                destinationPort: UInt16, socketCookie: UInt64, attribution: DNSAttribution,
                wireLength: UInt16, truncated: Bool, message: DNSMessage?, decodeError: DNSDecodeError?) {
        self.header = header; self.subject = subject; self.direction = direction; self.proto = proto
        self.family = family; self.source = source; self.sourcePort = sourcePort
        self.destination = destination; self.destinationPort = destinationPort
        self.socketCookie = socketCookie; self.attribution = attribution; self.wireLength = wireLength
        self.truncated = truncated; self.message = message; self.decodeError = decodeError
    }

    /// The first question's name ("" when unknown).
    public var questionName: String { message?.questionName ?? "" }

    /// "udp" or "tcp".
    public var transport: String { proto == 6 ? "tcp" : "udp" }
}

/// Which way the message went, from the client socket's point of view.
public enum DNSDirection: UInt8, Sendable, CustomStringConvertible {
    /// Sent to a DNS server (destination port 53).
    case query = 1
    /// Received from a DNS server (source port 53).
    case answer = 2
    public var description: String { self == .query ? "query" : "answer" }
}

/// How the event's process was found (the OWNER flags of `struct mamori_dns`).
public enum DNSAttribution: Sendable, CustomStringConvertible {
    /// The task that ran the send: exact for UDP queries.
    case sender
    /// The task that sent the socket's last query: answers, TCP retransmits. Weak when the
    /// socket is shared between processes (the last sender wins).
    case socket
    /// No owner known: an answer on a socket never seen sending a query (opened before the
    /// agent started, or a spoofed packet). The header's tgid is 0.
    case none
    public var description: String {
        switch self {
        case .sender: return "sender"
        case .socket: return "socket"
        case .none: return "none"
        }
    }
}

extension RecordDecoder {
    static func decodeDNS(_ rec: UnsafeRawBufferPointer, _ header: EventHeader) throws(DecodeError) -> DNSEvent {
        typealias L = DNSLayout
        let rawDirection = rec.u8(L.direction)
        guard let direction = DNSDirection(rawValue: rawDirection) else {
            throw .invalidValue(kind: .dns, field: .op, value: UInt64(rawDirection))
        }
        let rawFamily = rec.u16(L.family)
        guard let family = AddressFamily(rawValue: rawFamily) else {
            throw .invalidValue(kind: .dns, field: .family, value: UInt64(rawFamily))
        }
        let dataLen = Int(rec.u16(L.dataLen))
        try rec.check(.dns, .payload, L.size, dataLen)
        func address(at offset: Int) -> IPAddress {
            if family == .inet { return IPAddress(family: family, high: rec.u64(offset) & ipv4Mask, low: 0) }
            return IPAddress(family: family, high: rec.u64(offset), low: rec.u64(offset + 8))
        }
        let flags = rec.u32(L.flags)
        let attribution: DNSAttribution = flags & UInt32(MAMORI_DNS_OWNER_SENDER) != 0 ? .sender
            : flags & UInt32(MAMORI_DNS_OWNER_SOCKET) != 0 ? .socket : .none
        var message: DNSMessage?, failure: DNSDecodeError?
        switch DNSMessage.parse(UnsafeRawBufferPointer(rebasing: rec[L.size..<(L.size + dataLen)])) {
        case .success(let m): message = m
        case .failure(let e): failure = e
        }
        return DNSEvent(
            header: header, subject: decodeSubject(rec, at: L.subj), direction: direction,
            proto: rec.u8(L.proto), family: family, source: address(at: L.saddr), sourcePort: rec.u16(L.sport),
            destination: address(at: L.daddr), destinationPort: rec.u16(L.dport),
            socketCookie: rec.u64(L.cookie), attribution: attribution, wireLength: rec.u16(L.wireLen),
            truncated: flags & UInt32(MAMORI_DNS_TRUNCATED) != 0, message: message, decodeError: failure)
    }
}

enum DNSLayout {
    static let size = MemoryLayout<mamori_dns>.size
    static let subj = MemoryLayout<mamori_dns>.offset(of: \.subj)!
    static let cookie = MemoryLayout<mamori_dns>.offset(of: \.sock_cookie)!
    static let family = MemoryLayout<mamori_dns>.offset(of: \.family)!
    static let direction = MemoryLayout<mamori_dns>.offset(of: \.direction)!
    static let proto = MemoryLayout<mamori_dns>.offset(of: \.protocol)!
    static let sport = MemoryLayout<mamori_dns>.offset(of: \.sport)!
    static let dport = MemoryLayout<mamori_dns>.offset(of: \.dport)!
    static let saddr = MemoryLayout<mamori_dns>.offset(of: \.saddr)!
    static let daddr = MemoryLayout<mamori_dns>.offset(of: \.daddr)!
    static let flags = MemoryLayout<mamori_dns>.offset(of: \.flags)!
    static let wireLen = MemoryLayout<mamori_dns>.offset(of: \.wire_len)!
    static let dataLen = MemoryLayout<mamori_dns>.offset(of: \.data_len)!
}

/// A destination's name from an earlier DNS answer, and whose lookup it came from.
///
/// Exists so that `destination.domain` and the rule field `DestinationHostname` say how much
/// to trust the name: the connecting process's own lookup, or only some lookup on this host
/// (a resolver daemon, another process). A plain value: any thread.
public struct ResolvedDomain: Sendable, Equatable {
    public var name: String
    public var view: View
    /// Nanoseconds (CLOCK_BOOTTIME) between the answer and the connect.
    public var ageNs: UInt64

    public enum View: Sendable, CustomStringConvertible {
        /// The connecting process itself received the answer.
        case process
        /// Another process on the host did (resolver daemon, a parent shell's lookup).
        case host
        public var description: String { self == .process ? "process" : "host" }
    }

    public init(name: String, view: View, ageNs: UInt64) {
        self.name = name; self.view = view; self.ageNs = ageNs
    }
}
