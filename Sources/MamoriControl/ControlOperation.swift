/// Every operation name the protocol knows (the `op` field of a request line).
///
/// Exists so that authorisation (read-only or not) and reply decoding are decided from one closed
/// list. Sendable value; any thread.
public enum ControlOperation: String, Codable, CaseIterable, Sendable {
    case status
    case levelGet = "level.get"
    case levelSet = "level.set"
    case levelSimulate = "level.simulate"
    case isolate
    case quarantineList = "quarantine.list"
    case quarantineAdd = "quarantine.add"
    case quarantineRestore = "quarantine.restore"
    case responseKill = "response.kill"
    case responseFreeze = "response.freeze"
    case responseThaw = "response.thaw"
    case reload
    case alertsFollow = "alerts.follow"
    case baselineReset = "baseline.reset"

    /// Requests that change nothing: members of the read group may send them.
    public var isReadOnly: Bool {
        switch self {
        case .status, .levelGet, .levelSimulate, .quarantineList, .alertsFollow: return true
        case .levelSet, .isolate, .quarantineAdd, .quarantineRestore, .responseKill, .responseFreeze,
             .responseThaw, .reload, .baselineReset: return false
        }
    }

    /// The `op` names, for error messages.
    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Stable error codes of `{"ok":false,"error":{"code":...}}`; scripts may match on them.
public enum ControlErrorCode: String, Codable, Sendable, CaseIterable {
    /// The peer may not send this request (peer credentials).
    case denied
    /// The request line is malformed, oversized, of another version, or its arguments are invalid.
    case badRequest = "bad_request"
    /// The agent cannot do this now (feature not available on this kernel, shutting down, busy).
    case unavailable
    /// The agent tried and failed; the message says why.
    case failed
}

/// An error answer: a stable code and a message for a person. Sendable value.
public struct ControlError: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    public var code: ControlErrorCode
    public var message: String

    public init(_ code: ControlErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
