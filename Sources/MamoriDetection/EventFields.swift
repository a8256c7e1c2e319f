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
    private(set) var arena: [UInt8] = []
    private var slotGeneration: [UInt32]
    private var slotValue: [Int]
    private var generation: UInt32 = 1

    private(set) var header = EventHeader(kind: 0, version: 0, size: 0, ktimeNs: 0, tgid: 0, tid: 0, startBoottimeNs: 0)
    private(set) var subject: Subject?
    private(set) var exec: ExecEvent?
    private(set) var network: NetworkEvent?
    private(set) var file: FileEvent?
    private(set) var process: ProcessRecord?
    private(set) var parent: ProcessRecord?
    private(set) var ancestry: [ProcessRecord] = []
    /// The category being evaluated (keyword selections search its text fields).
    var category: RuleCategory = .processCreation

    private var users: UserNameCache
    private let stdioReader: StdioReader

    init(userNames: @escaping UserNameLookup, stdio: @escaping StdioReader) {
        users = UserNameCache(lookup: userNames)
        stdioReader = stdio
        slotGeneration = [UInt32](repeating: 0, count: RuleField.count * 2)
        slotValue = [Int](repeating: -1, count: RuleField.count * 2)
        arena.reserveCapacity(4096)
    }

    /// Starts a new event: forgets every cached value.
    mutating func reset(_ event: SensorEvent, process: ProcessRecord?, parent: ProcessRecord?,
                        ancestry: [ProcessRecord]) {
        generation &+= 1
        if generation == 0 {
            for i in slotGeneration.indices { slotGeneration[i] = 0 }
            generation = 1
        }
        arena.removeAll(keepingCapacity: true)
        exec = nil; network = nil; file = nil
        switch event {
        case .exec(let e): exec = e; header = e.header; subject = e.subject
        case .network(let n): network = n; header = n.header; subject = n.subject
        case .file(let f): file = f; header = f.header; subject = f.subject
        case .fork(let f): header = f.header; subject = f.subject
        case .exit(let x): header = x.header; subject = x.subject
        case .gap(let g): header = g.header; subject = nil
        }
        self.process = process
        self.parent = parent
        self.ancestry = ancestry
    }

    // MARK: - Text values

    /// The range of the field's bytes in `arena` (case-folded when `folded`), `nil` when the
    /// event has no value for it.
    mutating func text(_ field: RuleField, folded: Bool) -> Range<Int>? {
        let slot = Int(field.rawValue) &* 2 &+ (folded ? 1 : 0)
        if slotGeneration[slot] == generation {
            let packed = slotValue[slot]
            if packed < 0 { return nil }
            let start = packed >> 32
            return start..<(start + (packed & 0xffff_ffff))
        }
        let start = arena.count
        let present = appendValue(field)
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
    mutating func string(_ field: RuleField) -> String? {
        guard let range = text(field, folded: false) else { return nil }
        return String(decoding: arena[range], as: UTF8.self)
    }

    /// The value of `field` for the ancestor at `index` (parent first), appended after every
    /// cached value; the caller truncates with `truncate(to:)` when done.
    mutating func ancestorText(_ field: RuleField, index: Int, folded: Bool) -> Range<Int>? {
        let start = arena.count
        let record = ancestry[index]
        switch field {
        case .ancestorImage:
            guard !record.executable.isEmpty else { return nil }
            arena.append(contentsOf: record.executable.utf8)
        case .ancestorCommandLine: appendJoined(record.args)
        case .ancestorUnit:
            guard let unit = record.unit else { return nil }
            arena.append(contentsOf: unit.utf8)
        default: return nil
        }
        if folded { foldTail(from: start) }
        return start..<arena.count
    }

    var arenaCount: Int { arena.count }

    mutating func truncate(to count: Int) {
        if arena.count > count { arena.removeSubrange(count...) }
    }

    // MARK: - Typed values

    mutating func number(_ field: RuleField) -> UInt64? {
        switch field {
        case .processId: return subject == nil ? nil : UInt64(header.tgid)
        case .parentProcessId: return subject.map { UInt64($0.ppid) }
        case .logonId:
            if let e = exec { return UInt64(e.loginUid ?? UInt32.max) }
            guard let p = process else { return nil }
            return UInt64(p.loginUid ?? UInt32.max)
        case .destinationPort: return network.map { UInt64($0.destinationPort) }
        case .sourcePort: return network.map { UInt64($0.sourcePort) }
        default: return nil
        }
    }

    func ip(_ field: RuleField) -> IPAddress? {
        switch field {
        case .destinationIp: return network?.destination
        case .sourceIp: return network?.source
        default: return nil
        }
    }

    /// Whether the event has a value for the field (`exists`).
    mutating func exists(_ field: RuleField) -> Bool {
        switch field.kind {
        case .number: return number(field) != nil
        case .ip: return ip(field) != nil
        case .unavailable, .keywords: return false
        case .ancestors:
            for i in ancestry.indices {
                let mark = arena.count
                defer { truncate(to: mark) }
                if ancestorText(field, index: i, folded: false) != nil { return true }
            }
            return false
        case .text: return text(field, folded: false) != nil
        }
    }

    /// Sigma `null`: no value, or an empty one.
    mutating func isNull(_ field: RuleField) -> Bool {
        switch field.kind {
        case .text: return text(field, folded: false)?.isEmpty ?? true
        default: return !exists(field)
        }
    }

    // MARK: - Producing values

    private mutating func appendValue(_ field: RuleField) -> Bool {
        switch field {
        case .image:
            if let e = exec { return appendNonEmpty(e.executable) }
            return appendNonEmpty(process?.executable)
        case .commandLine:
            if let e = exec { appendJoined(e.args); return true }
            guard let p = process else { return false }
            appendJoined(p.args)
            return true
        case .parentImage: return appendNonEmpty(parent?.executable)
        case .parentCommandLine:
            guard let p = parent else { return false }
            appendJoined(p.args)
            return true
        case .currentDirectory:
            if let e = exec { return appendNonEmpty(e.cwd) }
            return appendNonEmpty(process?.cwd)
        case .user:
            guard let s = subject else { return false }
            arena.append(contentsOf: users.name(for: s.euid).utf8)
            return true
        case .parentUser:
            guard let p = parent else { return false }
            arena.append(contentsOf: users.name(for: p.euid).utf8)
            return true
        case .processUnit: return appendNonEmpty(process?.unit)
        case .stdinType, .stdoutType, .stderrType:
            guard let e = exec, let kinds = stdioReader(e) else { return false }
            let kind = field == .stdinType ? kinds.stdin : field == .stdoutType ? kinds.stdout : kinds.stderr
            arena.append(contentsOf: kind.rawValue.utf8)
            return true
        case .logonId, .processId, .parentProcessId, .destinationPort, .sourcePort:
            guard let n = number(field) else { return false }
            appendDecimal(n)
            return true
        case .destinationIp, .sourceIp:
            guard let address = ip(field) else { return false }
            appendAddress(address)
            return true
        case .initiated:
            guard let n = network else { return false }
            return appendNonEmpty(n.op == .accept ? "false" : "true")
        case .networkProtocol: return appendNonEmpty(network?.transport)
        case .sourceIsIpv6, .destinationIsIpv6:
            guard let n = network else { return false }
            let family = field == .sourceIsIpv6 ? n.source.family : n.destination.family
            return appendNonEmpty(family == .inet6 ? "true" : "false")
        case .targetFilename:
            guard let f = file else { return false }
            return appendNonEmpty(f.op == .rename ? (f.targetPath ?? f.path) : f.path)
        case .sourceFilename:
            guard let f = file, f.op == .rename else { return false }
            return appendNonEmpty(f.path)
        case .fileOperation:
            guard let f = file else { return false }
            return appendNonEmpty(EventFields.operationWord(f.op))
        case .fileMode:
            guard let f = file, f.op == .chmod || f.op == .create else { return false }
            let mode = f.mode & 0o7777
            for shift in stride(from: 9, through: 0, by: -3) {
                arena.append(UInt8(ascii: "0") + UInt8((mode >> UInt32(shift)) & 7))
            }
            return true
        case .fileExecutable:
            guard let f = file, f.op == .chmod || f.op == .create else { return false }
            return appendNonEmpty(f.mode & 0o111 != 0 ? "true" : "false")
        default:
            return false
        }
    }

    /// Words of the `FileOperation` field.
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

    /// Case-folds `arena[start...]` in place (ASCII), or through Unicode lower-casing when the
    /// value has non-ASCII bytes, exactly as `CaseFolding.folded` does for rule values.
    private mutating func foldTail(from start: Int) {
        var i = start
        let end = arena.count
        var ascii = true
        while i < end {
            let b = arena[i]
            if b >= 0x80 { ascii = false; break }
            if b &- 0x41 < 26 { arena[i] = b | 0x20 }
            i += 1
        }
        if ascii { return }
        let lowered = String(decoding: arena[start...], as: UTF8.self).lowercased()
        arena.removeSubrange(start...)
        arena.append(contentsOf: lowered.utf8)
    }
}
