import Glibc

/// One socket address: a unix path, or a resolved IPv4/IPv6 address and port.
///
/// Exists so that sockaddr_storage, its length and the casts to `sockaddr` live in one file;
/// callers name addresses by path or host and never touch the C layout. Sendable value.
public struct SocketAddress: Sendable, CustomStringConvertible {
    var storage = sockaddr_storage()
    var length: socklen_t = 0

    init() {}

    /// AF_UNIX, AF_INET or AF_INET6.
    public var family: Int32 { Int32(storage.ss_family) }

    /// A unix-domain address for `path`; nil if the path is empty or does not fit in
    /// `sun_path` (107 bytes plus the NUL). With `abstractPrefix`, a path starting with '@'
    /// names the abstract namespace (as `$NOTIFY_SOCKET` writes it): the '@' becomes the
    /// leading NUL and the name is exactly its bytes, with room for all 108.
    public static func unix(_ path: String, abstractPrefix: Bool = false) -> SocketAddress? {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = abstractPrefix && bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity || (abstract && bytes.count <= capacity) else { return nil }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            if !abstract { raw[bytes.count] = 0 }
        }
        var out = SocketAddress()
        withUnsafeMutableBytes(of: &out.storage) { dst in
            withUnsafeBytes(of: addr) { dst.copyMemory(from: $0) }
        }
        // Abstract names are exactly their bytes; paths carry their terminating NUL.
        out.length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        return out
    }

    /// Why `resolve` found nothing. Sendable value.
    public struct ResolveError: Error, Sendable, Equatable {
        public var host: String
        public var reason: String
    }

    /// Resolves `host` (a name, a literal, or a bracketed IPv6 literal) and `port` for a stream
    /// or datagram socket, in getaddrinfo's order.
    public static func resolve(host: String, port: UInt16, datagram: Bool,
                               numericOnly: Bool = false) throws(ResolveError) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(datagram ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        if numericOnly { hints.ai_flags = AI_NUMERICHOST }
        var result: UnsafeMutablePointer<addrinfo>?
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let rc = getaddrinfo(bare, String(port), &hints, &result)
        guard rc == 0, let first = result else {
            throw ResolveError(host: host, reason: String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(first) }
        var out: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let ai = cursor {
            var a = SocketAddress()
            a.length = min(ai.pointee.ai_addrlen, socklen_t(MemoryLayout<sockaddr_storage>.size))
            withUnsafeMutableBytes(of: &a.storage) { dst in
                dst.copyMemory(from: UnsafeRawBufferPointer(start: ai.pointee.ai_addr, count: Int(a.length)))
            }
            out.append(a)
            cursor = ai.pointee.ai_next
        }
        return out
    }

    /// "127.0.0.1:514", "[::1]:514", or the path of a unix address.
    public var text: String {
        if family == AF_UNIX {
            return withUnsafeBytes(of: storage) { raw in
                let path = raw[MemoryLayout<sa_family_t>.size..<Int(length)].prefix { $0 != 0 }
                return String(decoding: path, as: UTF8.self)
            }
        }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var serv = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        let rc = withSockaddr { getnameinfo($0, $1, &host, socklen_t(host.count), &serv, socklen_t(serv.count),
                                            NI_NUMERICHOST | NI_NUMERICSERV) }
        guard rc == 0 else { return "?" }
        let h = Self.string(host), s = Self.string(serv)
        return family == AF_INET6 ? "[\(h)]:\(s)" : "\(h):\(s)"
    }

    public var description: String { text }

    /// The port of an inet address (0 for unix).
    public var port: UInt16 {
        withUnsafeBytes(of: storage) { raw in
            switch family {
            case AF_INET: return UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port)
            case AF_INET6: return UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port)
            default: return 0
            }
        }
    }

    /// True for 127.0.0.0/8, ::1 and ::ffff:127.x.
    public var isLoopback: Bool {
        withUnsafeBytes(of: storage) { raw -> Bool in
            if family == AF_INET {
                let sin = raw.load(as: sockaddr_in.self)
                return UInt32(bigEndian: sin.sin_addr.s_addr) >> 24 == 127
            }
            if family == AF_INET6 {
                let b = withUnsafeBytes(of: raw.load(as: sockaddr_in6.self).sin6_addr) { Array($0) }
                if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return true }
                if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff { return b[12] == 127 }
            }
            return false
        }
    }

    /// Calls `body` with the address as the kernel takes it.
    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }

    private static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
