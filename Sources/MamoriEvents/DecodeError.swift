/// Why a ring-buffer record could not be decoded.
///
/// Exists so that a bad record is reported with the context a person needs to act on it
/// (which kind, which field, expected versus actual size) instead of trapping the poller.
/// Every case carries only integers and enums, so throwing one never allocates.
/// A plain value: any thread may hold, copy or print one.
public enum DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The record is shorter than its fixed part. `kind` is `nil` when even the common header
    /// does not fit in what the ring buffer delivered.
    case truncated(kind: EventKind?, expected: Int, actual: Int)
    /// The record was written by a BPF object built from a different ABI header.
    case versionMismatch(expected: UInt16, actual: UInt16)
    /// `header.size` claims more bytes than the ring buffer delivered.
    case sizeMismatch(header: Int, ring: Int)
    /// `header.kind` is not one this agent knows (0, or appended after this build).
    case unknownKind(UInt16)
    /// A variable-length part (`offset ..< offset + length`) ends beyond `header.size`.
    case fieldOutOfBounds(kind: EventKind, field: RecordField, offset: Int, length: Int, recordSize: Int)
    /// A field holds a value this build has no case for (an op appended to the ABI later,
    /// an address family the model does not represent).
    case invalidValue(kind: EventKind, field: RecordField, value: UInt64)

    /// Coarse grouping used by `DecodeStats`, one counter per category.
    public enum Category: String, Sendable, CaseIterable {
        case truncated, versionMismatch, sizeMismatch, unknownKind, fieldOutOfBounds, invalidValue
    }

    public var category: Category {
        switch self {
        case .truncated: return .truncated
        case .versionMismatch: return .versionMismatch
        case .sizeMismatch: return .sizeMismatch
        case .unknownKind: return .unknownKind
        case .fieldOutOfBounds: return .fieldOutOfBounds
        case .invalidValue: return .invalidValue
        }
    }

    public var description: String {
        switch self {
        case .truncated(nil, let expected, let actual):
            return "record truncated: the ring buffer delivered \(actual) bytes, the common header "
                + "alone needs \(expected); record dropped"
        case .truncated(let kind?, let expected, let actual):
            return "\(kind.recordName) record truncated: header.size is \(actual) bytes, the fixed "
                + "part needs \(expected); the BPF object and the agent disagree on the layout "
                + "(rebuild both from the same abi.h)"
        case .versionMismatch(let expected, let actual):
            return "record ABI version \(actual), this agent understands \(expected): the loaded BPF "
                + "object comes from a different build; reinstall so both match"
        case .sizeMismatch(let header, let ring):
            return "record size mismatch: header.size says \(header) bytes but the ring buffer "
                + "delivered \(ring); record dropped"
        case .unknownKind(let kind):
            return "unknown record kind \(kind): the BPF object is newer than this agent or the "
                + "record is corrupt; record skipped"
        case .fieldOutOfBounds(let kind, let field, let offset, let length, let recordSize):
            return "\(kind.recordName) record: field \(field.rawValue) at offset \(offset) with length "
                + "\(length) ends at \(offset + length), beyond the record size \(recordSize); record dropped"
        case .invalidValue(let kind, let field, let value):
            return "\(kind.recordName) record: field \(field.rawValue) has value \(value), which this "
                + "agent does not know; record dropped"
        }
    }
}

/// Names of record fields that `DecodeError` can point at.
///
/// An enum (not a `String`) so that building an error never allocates. Raw values are the C
/// field names in `abi.h`.
public enum RecordField: String, Sendable, CaseIterable {
    case exe, args, cwd, path, path2, op, family, reason, payload, env
}

extension EventKind {
    /// The C struct name, for messages.
    var recordName: String {
        switch self {
        case .exec: return "mamori_exec"
        case .fork: return "mamori_fork"
        case .exit: return "mamori_exit"
        case .network: return "mamori_net"
        case .file: return "mamori_file"
        case .gap: return "mamori_gap"
        case .action: return "mamori_action"
        case .tamper: return "mamori_tamper"
        case .activity: return "mamori_activity"
        case .dns: return "mamori_dns"
        }
    }
}

/// Running counters of a `RecordDecoder`: records decoded and failures by category.
///
/// Exists because unknown kinds, version mismatches and malformed records are counted and
/// reported, never trapped. Mutated only by the decoder that owns it (the poller thread); the
/// reader copies it out (a plain `Sendable` value) to publish metrics on any thread.
public struct DecodeStats: Sendable, Equatable, CustomStringConvertible {
    /// Records turned into events.
    public internal(set) var decoded: UInt64 = 0
    public internal(set) var truncated: UInt64 = 0
    public internal(set) var versionMismatch: UInt64 = 0
    public internal(set) var sizeMismatch: UInt64 = 0
    public internal(set) var unknownKind: UInt64 = 0
    public internal(set) var fieldOutOfBounds: UInt64 = 0
    public internal(set) var invalidValue: UInt64 = 0
    /// Decoded records for which the ring buffer delivered more bytes than `header.size`
    /// (the extra bytes are ignored). Not an error; counted so a layout change shows up.
    public internal(set) var trailingSlack: UInt64 = 0
    /// The most recent failure, for a status report; `nil` until one happens.
    public internal(set) var lastError: DecodeError?

    public init() {}

    /// Records that could not be decoded, all categories together.
    public var failed: UInt64 {
        truncated + versionMismatch + sizeMismatch + unknownKind + fieldOutOfBounds + invalidValue
    }

    /// The counter of one failure category.
    public func count(of category: DecodeError.Category) -> UInt64 {
        switch category {
        case .truncated: return truncated
        case .versionMismatch: return versionMismatch
        case .sizeMismatch: return sizeMismatch
        case .unknownKind: return unknownKind
        case .fieldOutOfBounds: return fieldOutOfBounds
        case .invalidValue: return invalidValue
        }
    }

    mutating func record(_ error: DecodeError) {
        switch error.category {
        case .truncated: truncated &+= 1
        case .versionMismatch: versionMismatch &+= 1
        case .sizeMismatch: sizeMismatch &+= 1
        case .unknownKind: unknownKind &+= 1
        case .fieldOutOfBounds: fieldOutOfBounds &+= 1
        case .invalidValue: invalidValue &+= 1
        }
        lastError = error
    }

    public var description: String {
        var parts = ["decoded=\(decoded)", "failed=\(failed)"]
        for category in DecodeError.Category.allCases where count(of: category) > 0 {
            parts.append("\(category.rawValue)=\(count(of: category))")
        }
        if trailingSlack > 0 { parts.append("trailingSlack=\(trailingSlack)") }
        if let lastError { parts.append("last error: \(lastError)") }
        return parts.joined(separator: " ")
    }
}
