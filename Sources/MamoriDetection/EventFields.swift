import Glibc
import MamoriEvents
import MamoriProcess

/// The field values of the event being evaluated, produced lazily and at most once per event.
///
/// Exists so that a rule pays only for the fields it reads: the first read of a field writes
/// its UTF-8 bytes (raw or case-folded) into one reusable arena and caches the range; later
/// reads by other rules are free. Nothing here allocates once the arena has grown to its
/// working size, except for regex input and non-ASCII folding. Owned by a `DetectionEngine`,
/// so single-threaded (the pipeline worker).
struct EventFields {
    /// Value bytes of the current event; ranges returned by `text` index into it.
    var arena: [UInt8] = []  // written by the field producers here and in EventFields+*.swift
    private var slotGeneration: [UInt32]
    private var slotValue: [Int]
    private var ancestorGeneration: [UInt32]
    private var ancestorValue: [Int]
    private var generation: UInt32 = 1
    /// The category being evaluated (keyword selections search its text fields).
    var category: RuleCategory = .processCreation
    /// Gating literals of the current category found in this event (bit = literal id).
    var literalBits: [UInt64] = []
    /// Ancestor needles of the current category found in this event's ancestry, valid while
    /// `ancestorsScanned` (see `AncestorLiterals`).
    var ancestorBits: [UInt64] = []
    var ancestorsScanned = false
    /// `LineageKeys.lineageDepth` of the current event, computed on first use.
    private var lineageDepthValue = 0
    private var lineageDepthGeneration: UInt32 = 0
    /// Buffers reused by `FastRegex`.
    var regexScratch = FastRegex.Scratch()

    private var users: UserNameCache
    private let stdioReader: StdioReader
    /// Networks `DestinationIsLocal` counts as local (`detection.local_networks`).
    var localNetworks: [IPNetwork]
    /// The host's configured DNS servers (`DnsServerIsConfigured`).
    var resolvers: [IPNetwork] = []

    init(userNames: @escaping UserNameLookup, stdio: @escaping StdioReader,
         localNetworks: [IPNetwork] = LocalNetworks.defaultNetworks) {
        users = UserNameCache(lookup: userNames)
        stdioReader = stdio
        self.localNetworks = localNetworks
        slotGeneration = [UInt32](repeating: 0, count: RuleField.count * 2)
        slotValue = [Int](repeating: -1, count: RuleField.count * 2)
        ancestorGeneration = [UInt32](repeating: 0, count: 6 * EventFields.cachedAncestors)
        ancestorValue = [Int](repeating: -1, count: 6 * EventFields.cachedAncestors)
        arena.reserveCapacity(4096)
    }

    /// Starts a new event: forgets every cached value.
    mutating func reset() {
        generation &+= 1
        if generation == 0 {
            for i in slotGeneration.indices { slotGeneration[i] = 0 }
            for i in ancestorGeneration.indices { ancestorGeneration[i] = 0 }
            lineageDepthGeneration = 0
            generation = 1
        }
        arena.removeAll(keepingCapacity: true)
        ancestorsScanned = false
    }

    // MARK: - Text values

    /// The range of the field's bytes in `arena` (case-folded when `folded`), `nil` when the
    /// event has no value for it.
    mutating func text(_ field: RuleField, folded: Bool, _ input: EventInput) -> Range<Int>? {
        let slot = Int(field.rawValue) &* 2 &+ (folded ? 1 : 0)
        if slotGeneration[slot] == generation {
            let packed = slotValue[slot]
            if packed < 0 { return nil }
            let start = packed >> 32
            return start..<(start + (packed & 0xffff_ffff))
        }
        let start = arena.count
        let present = appendValue(field, input)
        if present && folded { foldTail(from: start) }
        slotGeneration[slot] = generation
        if !present {
            arena.removeSubrange(start...)
            slotValue[slot] = -1
            return nil
        }
        slotValue[slot] = start << 32 | (arena.count - start)
        return start..<arena.count
    }

    /// The raw value as a String (regex input); allocates.
    mutating func string(_ field: RuleField, _ input: EventInput) -> String? {
        guard let range = text(field, folded: false, input) else { return nil }
        return String(decoding: arena[range], as: UTF8.self)
    }

    /// The value of `field` (`AncestorImage`, `AncestorCommandLine`, `AncestorUnit`) for the
    /// ancestor at `index` (parent first), cached like other fields for the first
    /// `cachedAncestors` ancestors.
    mutating func ancestorText(_ field: RuleField, index: Int, folded: Bool, _ input: EventInput) -> Range<Int>? {
        let kind: Int
        switch field {
        case .ancestorImage, .lineageAncestorImage: kind = 0
        case .ancestorCommandLine, .lineageAncestorCommandLine: kind = 1
        case .ancestorUnit: kind = 2
        default: return nil
        }
        let slot = (kind * 2 + (folded ? 1 : 0)) * EventFields.cachedAncestors + index
        let cached = index < EventFields.cachedAncestors
        if cached && ancestorGeneration[slot] == generation {
            let packed = ancestorValue[slot]
            if packed < 0 { return nil }
            let start = packed >> 32
            return start..<(start + (packed & 0xffff_ffff))
        }
        let start = arena.count
        var present = true
        switch kind {
        case 0:
            if input.ancestry[index].executable.isEmpty { present = false }
            else { arena.append(contentsOf: input.ancestry[index].executable.utf8) }
        case 1: appendJoined(input.ancestry[index].args)
        default:
            if let unit = input.ancestry[index].unit { arena.append(contentsOf: unit.utf8) } else { present = false }
        }
        if present && folded { foldTail(from: start) }
        if cached {
            ancestorGeneration[slot] = generation
            ancestorValue[slot] = present ? start << 32 | (arena.count - start) : -1
        }
        return present ? start..<arena.count : nil
    }

    static let cachedAncestors = 32

    /// How many ancestors (parent first) an ancestor field looks at: the whole ancestry, or for
    /// the `Lineage*` fields those up to the lineage root (`LineageKeys.lineageDepth`).
    mutating func ancestorCount(_ field: RuleField, _ input: EventInput) -> Int {
        switch field {
        case .lineageAncestorImage, .lineageAncestorCommandLine:
            if lineageDepthGeneration != generation {
                lineageDepthValue = LineageKeys.lineageDepth(input)
                lineageDepthGeneration = generation
            }
            return lineageDepthValue
        default:
            return input.ancestry.count
        }
    }

    // MARK: - Typed values

    func number(_ field: RuleField, _ input: EventInput) -> UInt64? {
        switch field {
        case .processId: return input.euid == nil ? nil : UInt64(input.header.tgid)
        case .parentProcessId: return input.ppid.map { UInt64($0) }
        case .logonId:
            if case .exec(let e) = input.event { return UInt64(e.loginUid ?? UInt32.max) }
            guard let p = input.process else { return nil }
            return UInt64(p.loginUid ?? UInt32.max)
        case .destinationPort: return input.network.map { UInt64($0.destinationPort) }
        case .queryLength:
            guard case .dns(let d) = input.event, let m = d.message else { return nil }
            return UInt64(m.questionName.utf8.count)
        case .queryLongestLabel:
            guard case .dns(let d) = input.event, let m = d.message else { return nil }
            var longest = 0, current = 0
            for b in m.questionName.utf8 {
                if b == UInt8(ascii: ".") { longest = max(longest, current); current = 0 } else { current += 1 }
            }
            return UInt64(max(longest, current))
        case .queryEntropy:
            guard case .dns(let d) = input.event, let m = d.message else { return nil }
            return DNSNameShape.entropyTenths(of: m.questionName)
        case .sourcePort: return input.network.map { UInt64($0.sourcePort) }
        case .targetProcessId:
            guard case .activity(let a) = input.event, let t = a.targetProcess else { return nil }
            return UInt64(t)
        default: return nil
        }
    }

    func ip(_ field: RuleField, _ input: EventInput) -> IPAddress? {
        guard let n = input.network else { return nil }
        switch field {
        case .destinationIp: return n.destination
        case .sourceIp: return n.source
        default: return nil
        }
    }

    /// Whether the event has a value for the field (`exists`).
    mutating func exists(_ field: RuleField, _ input: EventInput) -> Bool {
        switch field.kind {
        case .number: return number(field, input) != nil
        case .ip: return ip(field, input) != nil
        case .unavailable, .keywords: return false
        case .ancestors:
            for i in 0..<ancestorCount(field, input) where ancestorText(field, index: i, folded: false, input) != nil {
                return true
            }
            return false
        case .text: return text(field, folded: false, input) != nil
        }
    }

    /// Sigma `null`: no value, or an empty one.
    mutating func isNull(_ field: RuleField, _ input: EventInput) -> Bool {
        switch field.kind {
        case .text: return text(field, folded: false, input)?.isEmpty ?? true
        default: return !exists(field, input)
        }
    }

    // MARK: - Producing values

    private mutating func appendValue(_ field: RuleField, _ input: EventInput) -> Bool {
        switch field {
        case .image:
            if case .exec(let e) = input.event { return appendNonEmpty(e.executable) }
            return appendNonEmpty(input.process?.executable)
        case .commandLine:
            if case .exec(let e) = input.event { appendJoined(e.args); return true }
            // Optional chaining projects the one field; unwrapping would copy the whole record.
            guard let args = input.process?.args else { return false }
            appendJoined(args)
            return true
        case .parentImage: return appendNonEmpty(input.parent?.executable)
        case .parentCommandLine:
            guard let args = input.parent?.args else { return false }
            appendJoined(args)
            return true
        case .currentDirectory:
            if case .exec(let e) = input.event { return appendNonEmpty(e.cwd) }
            return appendNonEmpty(input.process?.cwd)
        case .user:
            guard let euid = input.euid else { return false }
            arena.append(contentsOf: users.name(for: euid).utf8)
            return true
        case .parentUser:
            guard let euid = input.parent?.euid else { return false }
            arena.append(contentsOf: users.name(for: euid).utf8)
            return true
        case .processUnit: return appendNonEmpty(input.process?.unit)
        case .imageIdentity: return appendNonEmpty(input.process?.toolIdentity)
        case .imageProtected:
            guard let verdict = input.process?.imageProtected else { return false }
            return appendNonEmpty(verdict ? "true" : "false")
        case .truncated: return appendTruncation(input.event)
        case .stdinWriterImage: return appendNonEmpty(input.stdinWriter?.executable)
        case .stdinWriterCommandLine:
            guard let args = input.stdinWriter?.args else { return false }
            appendJoined(args)
            return true
        case .stdinWriterUser:
            guard let euid = input.stdinWriter?.euid else { return false }
            arena.append(contentsOf: users.name(for: euid).utf8)
            return true
        case .stdinType, .stdoutType, .stderrType:
            guard case .exec(let e) = input.event, let kinds = stdioReader(e) else { return false }
            let kind = field == .stdinType ? kinds.stdin : field == .stdoutType ? kinds.stdout : kinds.stderr
            arena.append(contentsOf: kind.rawValue.utf8)
            return true
        case .logonId, .processId, .parentProcessId, .destinationPort, .sourcePort, .targetProcessId,
             .queryLongestLabel, .queryLength:
            guard let n = number(field, input) else { return false }
            appendDecimal(n)
            return true
        case .destinationIp, .sourceIp:
            guard let address = ip(field, input) else { return false }
            appendAddress(address)
            return true
        case .initiated:
            guard let n = input.network else { return false }
            return appendNonEmpty(n.op == .accept ? "false" : "true")
        case .networkProtocol:
            guard let n = input.network else { return false }
            switch n.proto {
            case 6: return appendNonEmpty("tcp")
            case 17: return appendNonEmpty("udp")
            case 1: return appendNonEmpty("icmp")
            case 58: return appendNonEmpty("ipv6-icmp")
            default: appendDecimal(UInt64(n.proto)); return true
            }
        case .connectResult:
            guard let n = input.network, n.op == .connect else { return false }
            return appendNonEmpty(Self.connectResult(n.result))
        case .sourceIsIpv6, .destinationIsIpv6:
            guard let n = input.network else { return false }
            let family = field == .sourceIsIpv6 ? n.source.family : n.destination.family
            return appendNonEmpty(family == .inet6 ? "true" : "false")
        case .targetFilename:
            guard case .file(let f) = input.event else { return false }
            return appendNonEmpty(f.op == .rename ? (f.targetPath ?? f.path) : f.path)
        case .sourceFilename:
            guard case .file(let f) = input.event, f.op == .rename else { return false }
            return appendNonEmpty(f.path)
        case .fileOperation:
            guard let op = input.fileOp else { return false }
            return appendNonEmpty(EventFields.operationWord(op))
        case .fileMode:
            guard let op = input.fileOp, op == .chmod || op == .create else { return false }
            let mode = input.fileMode & 0o7777
            for shift in stride(from: 9, through: 0, by: -3) {
                arena.append(UInt8(ascii: "0") + UInt8((mode >> UInt32(shift)) & 7))
            }
            return true
        case .fileExecutable:
            guard let op = input.fileOp, op == .chmod || op == .create else { return false }
            return appendNonEmpty(input.fileMode & 0o111 != 0 ? "true" : "false")
        case .tamperKind:
            guard case .tamper(let t) = input.event else { return false }
            return appendNonEmpty(t.kind.description)
        case .signal:
            if case .activity(let a) = input.event { return appendNonEmpty(a.signalName) }
            guard case .tamper(let t) = input.event else { return false }
            return appendNonEmpty(t.signalName)
        case .activityType, .targetImage, .targetIsDescendant, .procEntry, .accessMode, .sysctlName,
             .activityPath, .activitySource, .fsType, .timesExplicit, .activityResult, .imageBacking,
             .targetIsOwnImage, .fileCapabilities, .fileAttributes, .loaderEnvironment, .namespaces, .namespaceTarget,
             .targetIsRunningImage:
            return appendActivity(field, input)
        case .tamperRequest:
            guard case .tamper(let t) = input.event else { return false }
            return appendNonEmpty(t.valueName)
        case .signalSource:
            guard case .tamper(let t) = input.event, let source = t.signalSource else { return false }
            return appendNonEmpty(source)
        case .destinationHostname:
            guard case .network(let n) = input.event else { return false }
            return appendNonEmpty(n.destinationDomain?.name)
        case .destinationIsLocal:
            guard let n = input.network else { return false }
            return appendNonEmpty(localNetworks.contains { $0.contains(n.destination) } ? "true" : "false")
        case .dnsServerIsConfigured:
            guard case .dns(let d) = input.event else { return false }
            return appendNonEmpty(resolvers.contains { $0.contains(d.destination) } ? "true" : "false")
        case .queryName, .queryType, .queryStatus, .queryResults, .dnsType, .queryParent:
            guard case .dns(let d) = input.event, let m = d.message else { return false }
            return appendDNS(field, d, m)
        default:
            return false
        }
    }

    private mutating func appendDNS(_ field: RuleField, _ d: DNSEvent, _ m: DNSMessage) -> Bool {
        switch field {
        case .queryName: return appendNonEmpty(m.questionName)
        case .queryType:
            guard m.questionCount > 0 else { return false }
            return appendNonEmpty(DNSNames.typeName(m.questionType))
        case .queryStatus:
            guard m.isResponse else { return false }
            return appendNonEmpty(DNSNames.responseCodeName(m.responseCode))
        case .dnsType: return appendNonEmpty(d.direction == .query ? "query" : "answer")
        case .queryParent: return appendNonEmpty(DNSNameShape.parent(of: m.questionName))
        case .queryResults:
            // Sysmon-style: results joined with ';' (addresses and CNAME targets).
            guard m.isResponse, !m.answers.isEmpty else { return false }
            var first = true
            for a in m.answers where a.address != nil || a.target != nil {
                if !first { arena.append(UInt8(ascii: ";")) }
                arena.append(contentsOf: a.dataText.utf8)
                first = false
            }
            return !first
        default: return false
        }
    }

    /// Words of the `FileOperation` field.
    /// `ConnectResult`: a connect's return value as a word rules can match (a scan is many
    /// refused or unreachable connects; a non-blocking connect reports `in-progress`).
    static func connectResult(_ result: Int32) -> String {
        switch -result {
        case 0: return "success"
        case ECONNREFUSED: return "refused"
        case ENETUNREACH, EHOSTUNREACH: return "unreachable"
        case ETIMEDOUT: return "timeout"
        case EINPROGRESS, EALREADY: return "in-progress"
        default: return "failed"
        }
    }

    static func operationWord(_ op: FileOp) -> String {
        switch op {
        case .create: return "create"
        case .openWrite: return "write"
        case .truncate: return "truncate"
        case .rename: return "rename"
        case .unlink: return "delete"
        case .chmod: return "chmod"
        case .chown: return "chown"
        case .openRead: return "read"
        }
    }

    private mutating func appendNonEmpty(_ s: String?) -> Bool {
        guard let s, !s.isEmpty else { return false }
        arena.append(contentsOf: s.utf8)
        return true
    }

    private mutating func appendJoined(_ args: [String]) {
        var first = true
        for arg in args {
            if !first { arena.append(0x20) }
            arena.append(contentsOf: arg.utf8)
            first = false
        }
    }

    private mutating func appendDecimal(_ value: UInt64) {
        if value == 0 { arena.append(UInt8(ascii: "0")); return }
        let start = arena.count
        var v = value
        while v > 0 {
            arena.append(UInt8(ascii: "0") + UInt8(v % 10))
            v /= 10
        }
        arena[start...].reverse()
    }

    private mutating func appendAddress(_ address: IPAddress) {
        guard address.family == .inet else {
            arena.append(contentsOf: address.description.utf8)
            return
        }
        let v = UInt64(bigEndian: address.high) >> 32
        for shift in stride(from: 24, through: 0, by: -8) {
            appendDecimal((v >> UInt64(shift)) & 0xff)
            if shift > 0 { arena.append(UInt8(ascii: ".")) }
        }
    }

    /// Case-folds `arena[start...]` in place (ASCII, eight bytes at a time), or through Unicode
    /// lower-casing when the value has non-ASCII bytes, exactly as `CaseFolding.folded` does for
    /// rule values.
    private mutating func foldTail(from start: Int) {
        if foldASCII(from: start) { return }
        let lowered = String(decoding: arena[start...], as: UTF8.self).lowercased()
        arena.removeSubrange(start...)
        arena.append(contentsOf: lowered.utf8)
    }

    /// ASCII lower-casing in place; returns false, leaving the bytes untouched, when the value
    /// has a non-ASCII byte.
    private mutating func foldASCII(from start: Int) -> Bool {
        let end = arena.count
        let highs: UInt64 = 0x8080_8080_8080_8080
        // First pass: is everything ASCII?
        do {
            let raw = arena.span.bytes
            var i = start
            while i + 8 <= end {
                if raw.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self) & highs != 0 { return false }
                i += 8
            }
            while i < end {
                if raw.unsafeLoadUnaligned(fromByteOffset: i, as: UInt8.self) >= 0x80 { return false }
                i += 1
            }
        }
        // Second pass: add 0x20 to every byte in 'A'...'Z' (no carries: all bytes < 0x80).
        var span = arena.mutableSpan
        var bytes = span.mutableBytes
        var i = start
        while i + 8 <= end {
            let x = bytes.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self)
            let atLeastA = x &+ 0x3f3f_3f3f_3f3f_3f3f        // high bit set where byte >= 0x41
            let aboveZ = x &+ 0x2525_2525_2525_2525          // high bit set where byte >= 0x5b
            let upper = atLeastA & ~aboveZ & highs
            if upper != 0 { bytes.storeBytes(of: x | (upper >> 2), toByteOffset: i, as: UInt64.self) }
            i += 8
        }
        while i < end {
            let b = bytes.unsafeLoadUnaligned(fromByteOffset: i, as: UInt8.self)
            if b &- 0x41 < 26 { bytes.storeBytes(of: b | 0x20, toByteOffset: i, as: UInt8.self) }
            i += 1
        }
        return true
    }
}
