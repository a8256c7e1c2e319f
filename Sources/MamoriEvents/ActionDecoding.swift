import CMamoriABI

/// Decoding of `struct mamori_action` records, kept beside `RecordDecoder` (same rules: every
/// load after the bounds and value checks it depends on).
extension RecordDecoder {
    static func decodeAction(_ rec: UnsafeRawBufferPointer, _ header: EventHeader) throws(DecodeError) -> ActionEvent {
        typealias L = ActionLayout
        let rawAction = rec.u16(L.action)
        guard let action = PreventionAction(rawValue: rawAction) else {
            throw .invalidValue(kind: .action, field: .op, value: UInt64(rawAction))
        }
        let rawReason = rec.u16(L.reason)
        guard let reason = ActionReason(rawValue: rawReason) else {
            throw .invalidValue(kind: .action, field: .reason, value: UInt64(rawReason))
        }
        let pathLen = Int(rec.u16(L.pathLen))
        try rec.check(.action, .path, L.size, pathLen)
        var destination: IPAddress?
        let rawFamily = rec.u16(L.family)
        if rawFamily != 0 {
            guard let family = AddressFamily(rawValue: rawFamily) else {
                throw .invalidValue(kind: .action, field: .family, value: UInt64(rawFamily))
            }
            destination = family == .inet
                ? IPAddress(family: family, high: rec.u64(L.daddr) & ipv4Mask, low: 0)
                : IPAddress(family: family, high: rec.u64(L.daddr), low: rec.u64(L.daddr + 8))
        }
        let flags = rec.u16(L.flags)
        return ActionEvent(
            header: header, subject: decodeSubject(rec, at: L.subj), action: action, reason: reason,
            level: rec.u8(L.level), neededLevel: rec.u8(L.neededLevel),
            enforced: flags & UInt16(MAMORI_ACTF_ENFORCED) != 0,
            failed: flags & UInt16(MAMORI_ACTF_FAILED) != 0,
            policyId: rec.u32(L.policyId), result: rec.i32(L.result),
            inode: rec.u64(L.ino), device: rec.u32(L.dev), destination: destination,
            destinationPort: rec.u16(L.dport), proto: rec.u16(L.proto),
            path: rec.path(at: L.size, length: pathLen, relative: false))
    }
}

enum ActionLayout {
    static let size = MemoryLayout<mamori_action>.size
    static let subj = MemoryLayout<mamori_action>.offset(of: \.subj)!
    static let action = MemoryLayout<mamori_action>.offset(of: \.action)!
    static let reason = MemoryLayout<mamori_action>.offset(of: \.reason)!
    static let level = MemoryLayout<mamori_action>.offset(of: \.level)!
    static let neededLevel = MemoryLayout<mamori_action>.offset(of: \.needed_level)!
    static let flags = MemoryLayout<mamori_action>.offset(of: \.flags)!
    static let policyId = MemoryLayout<mamori_action>.offset(of: \.policy_id)!
    static let result = MemoryLayout<mamori_action>.offset(of: \.result)!
    static let ino = MemoryLayout<mamori_action>.offset(of: \.ino)!
    static let dev = MemoryLayout<mamori_action>.offset(of: \.dev)!
    static let family = MemoryLayout<mamori_action>.offset(of: \.family)!
    static let dport = MemoryLayout<mamori_action>.offset(of: \.dport)!
    static let daddr = MemoryLayout<mamori_action>.offset(of: \.daddr)!
    static let proto = MemoryLayout<mamori_action>.offset(of: \.protocol)!
    static let pathLen = MemoryLayout<mamori_action>.offset(of: \.path_len)!
}
