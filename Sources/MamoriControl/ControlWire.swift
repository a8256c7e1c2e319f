import Foundation

/// Encodes and decodes the newline-delimited JSON lines of the control protocol.
///
/// Exists so that the server, the client and the tests share one codec; decoding failures come
/// back as `ControlError(.badRequest, ...)` with a message that names the field. Stateless;
/// any thread (each call makes its own coder).
public enum ControlWire {
    // MARK: requests

    /// One request line, without the trailing newline.
    public static func encode(_ request: ControlRequest) -> [UInt8] {
        var c = RequestEnvelope(v: ControlModule.protocolVersion, op: request.operation.rawValue)
        c.request = request
        return encodeLine(c)
    }

    /// Parses one request line (no newline).
    public static func decodeRequest(_ line: some Collection<UInt8>) -> Result<ControlRequest, ControlError> {
        do {
            let env = try JSONDecoder().decode(RequestEnvelope.self, from: Data(line))
            guard let request = env.request else {
                return .failure(ControlError(.badRequest, "request has no op"))
            }
            return .success(request)
        } catch let error as ControlError {
            return .failure(error)
        } catch let error as DecodingError {
            return .failure(ControlError(.badRequest, describe(error)))
        } catch {
            return .failure(ControlError(.badRequest, "not a JSON request line: \(error)"))
        }
    }

    // MARK: responses

    /// One success line (no newline).
    public static func encode(_ reply: ControlReply) -> [UInt8] {
        encodeLine(ResponseEnvelope(reply: .success(reply)))
    }

    /// One error line (no newline).
    public static func encode(_ error: ControlError) -> [UInt8] {
        encodeLine(ResponseEnvelope(reply: .failure(error)))
    }

    /// Parses one response line (no newline): a reply or the agent's error.
    /// - Throws: `ControlError(.failed, ...)` when the line itself is not a valid response.
    public static func decodeResponse(_ line: some Collection<UInt8>) throws(ControlError) -> Result<ControlReply, ControlError> {
        do {
            return try JSONDecoder().decode(ResponseEnvelope.self, from: Data(line)).reply
        } catch let error as ControlError {
            throw error
        } catch let error as DecodingError {
            throw ControlError(.failed, "the agent sent an invalid response: \(describe(error))")
        } catch {
            throw ControlError(.failed, "the agent sent an invalid response: \(error)")
        }
    }

    // MARK: helpers

    private static func encodeLine<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every type here encodes plain values; a failure is a programming error.
        guard let data = try? encoder.encode(value) else {
            return Array(#"{"v":1,"ok":false,"error":{"code":"failed","message":"encoding failed"}}"#.utf8)
        }
        return Array(data)
    }

    /// `args.level: expected a number or string` style text for a decoding error.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.isEmpty ? "the line" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            let parent = ctx.codingPath.isEmpty ? "" : path(ctx.codingPath) + "."
            return "missing field \(parent)\(key.stringValue)"
        case .typeMismatch(let type, let ctx):
            return "\(path(ctx.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let ctx):
            return "\(path(ctx.codingPath)): expected \(typeName(type)), found null"
        case .dataCorrupted(let ctx):
            if ctx.codingPath.isEmpty { return "not valid JSON" }
            return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default:
            return "invalid request"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int32.Type, is Int64.Type, is UInt64.Type: return "an integer"
        case is Double.Type: return "a number"
        default: return "an object"
        }
    }
}

/// `{"v":1,"op":"...","args":{...}}`.
private struct RequestEnvelope: Codable {
    var v: Int
    var op: String
    var request: ControlRequest?

    init(v: Int, op: String) { self.v = v; self.op = op }

    private enum Keys: String, CodingKey { case v, op, args }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        v = try c.decode(Int.self, forKey: .v)
        guard v == ControlModule.protocolVersion else {
            throw ControlError(.badRequest, "unsupported protocol version \(v) (this agent speaks v\(ControlModule.protocolVersion))")
        }
        op = try c.decode(String.self, forKey: .op)
        guard let operation = ControlOperation(rawValue: op) else {
            throw ControlError(.badRequest, "unknown op '\(op)' (known: \(ControlOperation.allNames))")
        }
        func args<T: Decodable>(_: T.Type) throws -> T { try c.decode(T.self, forKey: .args) }
        switch operation {
        case .status: request = .status
        case .levelGet: request = .levelGet
        case .levelSet: request = .levelSet(try args(LevelSetRequest.self))
        case .levelSimulate: request = .levelSimulate(try args(SimulateRequest.self))
        case .isolate: request = .isolate(try args(IsolateRequest.self))
        case .quarantineList: request = .quarantineList
        case .quarantineAdd: request = .quarantineAdd(try args(QuarantineAddRequest.self))
        case .quarantineRestore: request = .quarantineRestore(try args(QuarantineRestoreRequest.self))
        case .responseKill: request = .response(.kill, try args(ResponseRequest.self))
        case .responseFreeze: request = .response(.freeze, try args(ResponseRequest.self))
        case .responseThaw: request = .response(.thaw, try args(ResponseRequest.self))
        case .reload: request = .reload
        case .alertsFollow: request = .alertsFollow
        case .baselineReset: request = .baselineReset(try args(BaselineResetRequest.self))
        }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(v, forKey: .v)
        try c.encode(op, forKey: .op)
        switch request {
        case .levelSet(let a)?: try c.encode(a, forKey: .args)
        case .levelSimulate(let a)?: try c.encode(a, forKey: .args)
        case .isolate(let a)?: try c.encode(a, forKey: .args)
        case .quarantineAdd(let a)?: try c.encode(a, forKey: .args)
        case .quarantineRestore(let a)?: try c.encode(a, forKey: .args)
        case .response(_, let a)?: try c.encode(a, forKey: .args)
        case .baselineReset(let a)?: try c.encode(a, forKey: .args)
        case .status?, .levelGet?, .quarantineList?, .reload?, .alertsFollow?, nil: break
        }
    }
}

/// `{"v":1,"ok":true,"op":"...","result":{...}}` or `{"v":1,"ok":false,"error":{...}}`.
private struct ResponseEnvelope: Codable {
    var reply: Result<ControlReply, ControlError>

    init(reply: Result<ControlReply, ControlError>) { self.reply = reply }

    private enum Keys: String, CodingKey { case v, ok, op, result, error }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let v = try c.decode(Int.self, forKey: .v)
        guard v == ControlModule.protocolVersion else {
            throw ControlError(.failed, "the agent speaks protocol v\(v), this CLI v\(ControlModule.protocolVersion): update one of them")
        }
        if try !c.decode(Bool.self, forKey: .ok) {
            reply = .failure(try c.decode(ControlError.self, forKey: .error))
            return
        }
        let op = try c.decode(String.self, forKey: .op)
        func r<T: Decodable>(_: T.Type) throws -> T { try c.decode(T.self, forKey: .result) }
        switch op {
        case ControlReply.alertKind: reply = .success(.alert(try r(AlertNotice.self)))
        default:
            guard let operation = ControlOperation(rawValue: op) else {
                throw ControlError(.failed, "the agent sent a reply of unknown kind '\(op)'")
            }
            switch operation {
            case .status: reply = .success(.status(try r(StatusReport.self)))
            case .levelGet: reply = .success(.level(try r(LevelState.self)))
            case .levelSet: reply = .success(.levelChanged(try r(LevelChange.self)))
            case .levelSimulate: reply = .success(.simulation(try r(SimulationReport.self)))
            case .isolate: reply = .success(.isolation(try r(IsolationState.self)))
            case .quarantineList: reply = .success(.quarantineList(try r([QuarantineItem].self)))
            case .quarantineAdd: reply = .success(.quarantined(try r(QuarantineItem.self)))
            case .quarantineRestore: reply = .success(.restored(try r(QuarantineRestored.self)))
            case .responseKill, .responseFreeze, .responseThaw: reply = .success(.response(try r(ResponseOutcome.self)))
            case .reload: reply = .success(.reloaded(try r(ReloadResult.self)))
            case .alertsFollow: reply = .success(.following(try r(FollowStarted.self)))
            case .baselineReset: reply = .success(.baselineReset(try r(BaselineResetResult.self)))
            }
        }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(ControlModule.protocolVersion, forKey: .v)
        switch reply {
        case .failure(let error):
            try c.encode(false, forKey: .ok)
            try c.encode(error, forKey: .error)
        case .success(let reply):
            try c.encode(true, forKey: .ok)
            try c.encode(reply.kind, forKey: .op)
            switch reply {
            case .status(let x): try c.encode(x, forKey: .result)
            case .level(let x): try c.encode(x, forKey: .result)
            case .levelChanged(let x): try c.encode(x, forKey: .result)
            case .simulation(let x): try c.encode(x, forKey: .result)
            case .isolation(let x): try c.encode(x, forKey: .result)
            case .quarantineList(let x): try c.encode(x, forKey: .result)
            case .quarantined(let x): try c.encode(x, forKey: .result)
            case .restored(let x): try c.encode(x, forKey: .result)
            case .response(let x): try c.encode(x, forKey: .result)
            case .reloaded(let x): try c.encode(x, forKey: .result)
            case .following(let x): try c.encode(x, forKey: .result)
            case .alert(let x): try c.encode(x, forKey: .result)
            case .baselineReset(let x): try c.encode(x, forKey: .result)
            }
        }
    }
}

/// Pretty-free, sorted-key JSON of any protocol value, for `--json` output of the CLI.
/// Stateless; any thread.
public enum ControlJSON {
    /// One line of JSON (no newline).
    public static func line<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
