import Glibc
/// The parts of a DNS message (RFC 1035) that detection and the IP→name cache need: the
/// header, the first question and up to `maxAnswers` answer records.
///
/// Exists because the kernel only copies a bounded prefix of each DNS packet and leaves the
/// parsing here, where it is easier to test and to fuzz than in BPF. The bytes come from
/// whoever sent the packet, so hostile input is the normal case: every read is bounds-checked,
/// compression pointers must point strictly backwards (no loops) with at most `maxPointerHops`
/// jumps per name, a label longer than 63 bytes or a name longer than 255 wire bytes is a
/// precise `DNSDecodeError`, and the cost is bounded by the message prefix size. A plain value:
/// any thread.
public struct DNSMessage: Sendable, Equatable {
    public var id: UInt16
    /// QR bit: this is a response.
    public var isResponse: Bool
    public var opcode: UInt8
    /// RCODE (low four bits of the header flags).
    public var responseCode: UInt8
    /// The 16 header flag bits as sent (QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE).
    public var headerFlags: UInt16
    public var questionCount: UInt16
    public var answerCount: UInt16
    /// The first question's name in presentation form, lower-cased, without the final dot;
    /// "" for the root or when the message has no question.
    public var questionName: String
    public var questionType: UInt16
    public var questionClass: UInt16
    /// Answer records parsed (at most `maxAnswers`).
    public var answers: [DNSAnswer]
    /// The answer section went on beyond what was parsed (more records than `maxAnswers`, or
    /// the copied prefix ended inside it).
    public var answersIncomplete: Bool

    public init(id: UInt16, isResponse: Bool, opcode: UInt8, responseCode: UInt8, headerFlags: UInt16,
                questionCount: UInt16, answerCount: UInt16, questionName: String, questionType: UInt16,
                questionClass: UInt16, answers: [DNSAnswer], answersIncomplete: Bool) {
        self.id = id; self.isResponse = isResponse; self.opcode = opcode; self.responseCode = responseCode
        self.headerFlags = headerFlags; self.questionCount = questionCount; self.answerCount = answerCount
        self.questionName = questionName; self.questionType = questionType; self.questionClass = questionClass
        self.answers = answers; self.answersIncomplete = answersIncomplete
    }

    public static let maxAnswers = 16
    public static let maxQuestions = 4
    public static let maxPointerHops = 16
    /// RFC 1035 2.3.4: 255 octets of wire form, length bytes included.
    public static let maxNameWireLength = 255

    /// Parses `bytes` (a whole message or a prefix of one). A truncated answer section is not
    /// an error (`answersIncomplete`); a malformed header or question is.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Result<DNSMessage, DNSDecodeError> {
        var reader = DNSReader(bytes: bytes)
        do throws(DNSDecodeError) {
            return .success(try reader.message())
        } catch {
            return .failure(error)
        }
    }

    /// Convenience for tests: parses an array of bytes.
    public static func parse(_ bytes: [UInt8]) -> Result<DNSMessage, DNSDecodeError> {
        bytes.withUnsafeBytes { parse($0) }
    }

    /// Addresses of the A and AAAA answers, in message order.
    public var resolvedAddresses: [IPAddress] { answers.compactMap(\.address) }
}

/// One answer record.
public struct DNSAnswer: Sendable, Equatable {
    /// Owner name (presentation form, lower-cased).
    public var name: String
    public var type: UInt16
    public var recordClass: UInt16
    public var ttl: UInt32
    /// A / AAAA: the address.
    public var address: IPAddress?
    /// CNAME / NS / PTR / DNAME: the target name.
    public var target: String?
    /// RDATA length (for types shown only by size).
    public var dataLength: UInt16

    public init(name: String, type: UInt16, recordClass: UInt16, ttl: UInt32, address: IPAddress?,
                target: String?, dataLength: UInt16) {
        self.name = name; self.type = type; self.recordClass = recordClass; self.ttl = ttl
        self.address = address; self.target = target; self.dataLength = dataLength
    }

    /// `dns.answers.data` in ECS: the address, the target name, or the RDATA size.
    public var dataText: String {
        if let address { return address.description }
        if let target { return target }
        return "\(dataLength) bytes"
    }
}

/// Why a DNS payload could not be parsed. Integers only, so building one never allocates.
public enum DNSDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer than the 12 header bytes.
    case truncatedHeader(length: Int)
    /// The question section ends beyond the bytes available.
    case truncatedQuestion(offset: Int)
    /// A label length byte with the reserved 01/10 top bits (> 63 and not a pointer).
    case badLabel(offset: Int, byte: UInt8)
    /// A name longer than 255 wire bytes.
    case nameTooLong(offset: Int)
    /// A compression pointer that does not point strictly backwards, or too many hops.
    case badPointer(offset: Int, target: Int)
    /// More questions than `DNSMessage.maxQuestions`.
    case tooManyQuestions(Int)

    public var description: String {
        switch self {
        case .truncatedHeader(let length): return "DNS message of \(length) bytes is shorter than the 12-byte header"
        case .truncatedQuestion(let offset): return "DNS question section cut at offset \(offset)"
        case .badLabel(let offset, let byte): return "DNS label at offset \(offset) has invalid length byte 0x\(String(byte, radix: 16))"
        case .nameTooLong(let offset): return "DNS name at offset \(offset) is longer than 255 bytes"
        case .badPointer(let offset, let target): return "DNS compression pointer at offset \(offset) to \(target) is not strictly backwards (loop)"
        case .tooManyQuestions(let n): return "DNS message claims \(n) questions"
        }
    }

    /// A short machine word for `mamori.dns.decode_error`.
    public var code: String {
        switch self {
        case .truncatedHeader: return "truncated-header"
        case .truncatedQuestion: return "truncated-question"
        case .badLabel: return "bad-label"
        case .nameTooLong: return "name-too-long"
        case .badPointer: return "bad-pointer"
        case .tooManyQuestions: return "too-many-questions"
        }
    }
}

/// Cursor over the message bytes; every read is checked against `bytes.count`.
struct DNSReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    /// Thrown internally when a read runs past the end; mapped by the caller.
    struct End: Error {}

    func u8(_ at: Int) -> UInt8? { at >= 0 && at < bytes.count ? bytes[at] : nil }
    func u16(_ at: Int) -> UInt16? {
        guard at >= 0, at + 2 <= bytes.count else { return nil }
        return UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1])
    }
    func u32(_ at: Int) -> UInt32? {
        guard let hi = u16(at), let lo = u16(at + 2) else { return nil }
        return UInt32(hi) << 16 | UInt32(lo)
    }

    mutating func message() throws(DNSDecodeError) -> DNSMessage {
        guard bytes.count >= 12, let id = u16(0), let flags = u16(2), let qd = u16(4), let an = u16(6) else {
            throw .truncatedHeader(length: bytes.count)
        }
        guard Int(qd) <= DNSMessage.maxQuestions else { throw .tooManyQuestions(Int(qd)) }
        offset = 12
        var qname = "", qtype: UInt16 = 0, qclass: UInt16 = 0
        for i in 0..<Int(qd) {
            guard let (name, end) = try name(at: offset, wantText: i == 0) else { throw .truncatedQuestion(offset: offset) }
            guard let t = u16(end), let c = u16(end + 2) else { throw .truncatedQuestion(offset: end) }
            if i == 0 { qname = name; qtype = t; qclass = c }
            offset = end + 4
        }
        var answers: [DNSAnswer] = []
        var incomplete = false
        let wanted = min(Int(an), DNSMessage.maxAnswers)
        if an > 0 { answers.reserveCapacity(wanted) }
        for _ in 0..<wanted {
            // A cut or malformed record ends the answer section: what was parsed stays good.
            let parsed: DNSAnswer?? = try? record()
            guard let answer = parsed, let a = answer else { incomplete = true; break }
            answers.append(a)
        }
        if Int(an) > wanted { incomplete = true }
        return DNSMessage(id: id, isResponse: flags & 0x8000 != 0, opcode: UInt8((flags >> 11) & 0xf),
                          responseCode: UInt8(flags & 0xf), headerFlags: flags, questionCount: qd,
                          answerCount: an, questionName: qname, questionType: qtype, questionClass: qclass,
                          answers: answers, answersIncomplete: incomplete)
    }

    /// One resource record at `offset`; nil when the bytes end inside it.
    mutating func record() throws(DNSDecodeError) -> DNSAnswer? {
        guard let (owner, end) = try name(at: offset, wantText: true) else { return nil }
        guard let type = u16(end), let cls = u16(end + 2), let ttl = u32(end + 4), let rdlen = u16(end + 8) else {
            return nil
        }
        let rdata = end + 10
        guard rdata + Int(rdlen) <= bytes.count else { return nil }
        var ip: IPAddress?, target: String?
        switch type {
        case 1 where rdlen == 4:
            ip = address(at: rdata, length: 4, family: .inet)
        case 28 where rdlen == 16:
            ip = address(at: rdata, length: 16, family: .inet6)
        case 2, 5, 12, 39:  // NS, CNAME, PTR, DNAME
            if let (name, _) = try name(at: rdata, wantText: true) { target = name }
        default:
            break
        }
        offset = rdata + Int(rdlen)
        return DNSAnswer(name: owner, type: type, recordClass: cls, ttl: ttl, address: ip,
                         target: target, dataLength: rdlen)
    }

    /// An address from `length` RDATA bytes (network order kept as stored, as `IPAddress` wants).
    func address(at start: Int, length: Int, family: AddressFamily) -> IPAddress {
        var raw: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &raw) { dst in
            UnsafeMutableRawBufferPointer(rebasing: dst[0..<length])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)]))
        }
        return IPAddress(family: family, high: raw.0, low: raw.1)
    }

    /// Decodes the name at `start`. Returns the presentation text (empty unless `wantText`) and
    /// the offset just past the name in the original position; nil when the bytes end first.
    func name(at start: Int, wantText: Bool) throws(DNSDecodeError) -> (String, Int)? {
        var pos = start
        var end = -1           // set at the first pointer: where the caller continues
        var wireLength = 0
        var hops = 0
        var lowest = start     // pointers must go strictly below every position visited
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { (text) throws(DNSDecodeError) -> (String, Int)? in
            var count = 0
            while true {
                guard let length = u8(pos) else { return nil }
                if length == 0 {
                    wireLength += 1
                    if wireLength > DNSMessage.maxNameWireLength { throw .nameTooLong(offset: start) }
                    if end < 0 { end = pos + 1 }
                    break
                }
                switch length & 0xc0 {
                case 0xc0:
                    guard let low = u8(pos + 1) else { return nil }
                    let target = Int(length & 0x3f) << 8 | Int(low)
                    hops += 1
                    guard target < lowest, hops <= DNSMessage.maxPointerHops else {
                        throw .badPointer(offset: pos, target: target)
                    }
                    if end < 0 { end = pos + 2 }
                    lowest = target
                    pos = target
                    continue
                case 0x00:
                    break
                default:
                    throw .badLabel(offset: pos, byte: length)
                }
                let n = Int(length)
                wireLength += 1 + n
                if wireLength > DNSMessage.maxNameWireLength { throw .nameTooLong(offset: start) }
                guard pos + 1 + n <= bytes.count else { return nil }
                if wantText {
                    if count > 0 { text[count] = UInt8(ascii: "."); count += 1 }
                    for i in 0..<n { count = Self.appendPresentation(bytes[pos + 1 + i], to: text, at: count) }
                }
                pos += 1 + n
            }
            let string = count == 0 ? "" : String(decoding: UnsafeBufferPointer(rebasing: text[0..<count]), as: UTF8.self)
            return (string, end)
        }
    }

    /// RFC 1035 presentation form of one label byte: letters lower-cased, '.' and '\' escaped,
    /// anything outside printable ASCII as \DDD. 255 wire bytes need at most 1020 text bytes.
    static func appendPresentation(_ b: UInt8, to text: UnsafeMutableBufferPointer<UInt8>, at i: Int) -> Int {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"):
            text[i] = b | 0x20
            return i + 1
        case UInt8(ascii: "."), UInt8(ascii: "\\"):
            text[i] = UInt8(ascii: "\\"); text[i + 1] = b
            return i + 2
        case 0x21...0x7e:
            text[i] = b
            return i + 1
        default:
            text[i] = UInt8(ascii: "\\")
            text[i + 1] = UInt8(ascii: "0") + b / 100
            text[i + 2] = UInt8(ascii: "0") + (b / 10) % 10
            text[i + 3] = UInt8(ascii: "0") + b % 10
            return i + 4
        }
    }
}

/// DNS type and response-code names as ECS writes them.
public enum DNSNames {
    /// "A", "AAAA", "CNAME", ... or "TYPE<n>" (RFC 3597).
    public static func typeName(_ type: UInt16) -> String {
        switch type {
        case 1: return "A"
        case 2: return "NS"
        case 5: return "CNAME"
        case 6: return "SOA"
        case 10: return "NULL"
        case 12: return "PTR"
        case 15: return "MX"
        case 16: return "TXT"
        case 28: return "AAAA"
        case 33: return "SRV"
        case 39: return "DNAME"
        case 41: return "OPT"
        case 64: return "SVCB"
        case 65: return "HTTPS"
        case 255: return "ANY"
        case 252: return "AXFR"
        default: return "TYPE\(type)"
        }
    }

    /// "NOERROR", "NXDOMAIN", ... (RFC 6895 mnemonics).
    public static func responseCodeName(_ code: UInt8) -> String {
        switch code {
        case 0: return "NOERROR"
        case 1: return "FORMERR"
        case 2: return "SERVFAIL"
        case 3: return "NXDOMAIN"
        case 4: return "NOTIMP"
        case 5: return "REFUSED"
        case 6: return "YXDOMAIN"
        case 7: return "YXRRSET"
        case 8: return "NXRRSET"
        case 9: return "NOTAUTH"
        case 10: return "NOTZONE"
        default: return "RCODE\(code)"
        }
    }

    /// "IN", "CH", ... or "CLASS<n>".
    public static func className(_ cls: UInt16) -> String {
        switch cls {
        case 1: return "IN"
        case 3: return "CH"
        case 4: return "HS"
        default: return "CLASS\(cls)"
        }
    }
}

/// Shape of a DNS question name for rules (`QueryParent`): the parent domain without a
/// public-suffix list — the last two labels, three when the name ends in a two-letter country
/// code under a short second level (co.uk, com.au). Good enough to group the subdomains a
/// tunnel generates under one parent. Stateless.
public enum DNSNameShape {
    public static func parent(of name: String) -> String? {
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return nil }
        let take = labels.count >= 3 && labels[labels.count - 2].count <= 3 && labels[labels.count - 1].count == 2 ? 3 : 2
        return labels.suffix(take).joined(separator: ".")
    }

    /// Shannon entropy of the bytes below the registered parent (dots left out), in tenths of
    /// a bit per byte; 0 when there is no subdomain. Tunnels encode payloads as base32/base64/hex
    /// labels (about 40-50 for 30+ random characters); names people and CDNs use score lower.
    /// Does not allocate (counts on the stack).
    public static func entropyTenths(of name: String) -> UInt64 {
        var name = name
        return name.withUTF8 { entropyTenths(bytes: UnsafeRawBufferPointer($0)) }
    }

    static func entropyTenths(bytes: UnsafeRawBufferPointer) -> UInt64 {
        // The last three dots from the end, to find where the parent starts (as `parent(of:)`).
        var dotsFromEnd: (Int, Int, Int) = (-1, -1, -1)
        var found = 0
        var i = bytes.count - 1
        while i >= 0 && found < 3 {
            if bytes[i] == UInt8(ascii: ".") {
                if found == 0 { dotsFromEnd.0 = i } else if found == 1 { dotsFromEnd.1 = i } else { dotsFromEnd.2 = i }
                found += 1
            }
            i -= 1
        }
        guard found >= 2 else { return 0 }
        let lastLabel = bytes.count - 1 - dotsFromEnd.0
        let secondLabel = dotsFromEnd.0 - dotsFromEnd.1 - 1
        var end = dotsFromEnd.1
        if found == 3 && secondLabel <= 3 && lastLabel == 2 { end = dotsFromEnd.2 }
        guard end > 0 else { return 0 }
        return withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 256) { counts -> UInt64 in
            counts.initialize(repeating: 0)
            var n = 0
            for j in 0..<end where bytes[j] != UInt8(ascii: ".") {
                counts[Int(bytes[j])] &+= 1
                n += 1
            }
            guard n > 0 else { return 0 }
            var h = 0.0
            let total = Double(n)
            for c in counts where c > 0 {
                let p = Double(c) / total
                h -= p * log2(p)
            }
            return UInt64((h * 10).rounded())
        }
    }

    /// The labels before `parent` ("a.b" of "a.b.example.com"), nil when there are none.
    public static func subdomain(of name: String, parent: String) -> String? {
        guard name.utf8.count > parent.utf8.count + 1 else { return nil }
        return String(name.dropLast(parent.count + 1))
    }
}
