import Glibc
import MamoriSystem

/// Why a control call did not produce an answer, each with the exit status the CLI uses.
/// Sendable value.
public enum ControlClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No socket, or nothing listening on it.
    case agentNotRunning(path: String, detail: String)
    /// The kernel refused the connection (socket permissions) or the agent refused the request.
    case denied(path: String, message: String)
    /// The agent did not answer in time.
    case timedOut(path: String, seconds: Double)
    /// The agent answered with an error (`bad_request`, `unavailable`, `failed`).
    case agent(ControlError)
    /// The connection broke or the answer was not a valid response.
    case connection(path: String, message: String)

    public var description: String {
        switch self {
        case .agentNotRunning(let path, let detail):
            return "mamori agent is not running (\(detail) \(path)): start it with `systemctl start mamori` or `make run`"
        case .denied(let path, let message):
            return message.isEmpty
                ? "permission denied on \(path): use sudo, or ask for membership of group '\(ControlModule.defaultReadGroup)' for read-only commands"
                : message
        case .timedOut(let path, let seconds):
            return "the agent did not answer on \(path) within \(Int(seconds)) s"
        case .agent(let error):
            return error.message
        case .connection(let path, let message):
            return "control connection \(path): \(message)"
        }
    }

    /// The exit status scripts can rely on (docs/cli.md): 1 failed, 2 bad request, 3 agent not
    /// running, 4 denied.
    public var exitStatus: Int32 {
        switch self {
        case .agentNotRunning: return ControlExitStatus.agentNotRunning
        case .denied: return ControlExitStatus.denied
        case .agent(let e):
            switch e.code {
            case .denied: return ControlExitStatus.denied
            case .badRequest: return ControlExitStatus.usage
            case .unavailable, .failed: return ControlExitStatus.failed
            }
        case .timedOut, .connection: return ControlExitStatus.failed
        }
    }
}

/// Exit statuses of the control commands. Constants; any thread.
public enum ControlExitStatus {
    public static let ok: Int32 = 0
    public static let failed: Int32 = 1
    public static let usage: Int32 = 2
    public static let agentNotRunning: Int32 = 3
    public static let denied: Int32 = 4
}

/// The CLI's end of the control channel: one connection, request lines out, response lines in.
///
/// Exists so that every command gets the same connect timeout, the same clear "agent not
/// running" and "permission denied" errors, and the same line framing. Owned by one thread.
public final class ControlClient {
    public let socketPath: String
    /// Seconds to wait for the connection and for each answer.
    public let timeout: Double
    private var socket: Socket?
    private var reader: LineReader?

    public init(socketPath: String, timeout: Double = 30) {
        self.socketPath = socketPath
        self.timeout = timeout
    }

    deinit { socket?.close() }

    /// Sends `request` and returns its reply (connecting first if needed).
    /// - Throws: `ControlClientError`; an agent error comes back as `.agent` (or `.denied`).
    public func call(_ request: ControlRequest) throws(ControlClientError) -> ControlReply {
        try connectIfNeeded()
        try send(request)
        return try receive()
    }

    /// Sends `alerts.follow`, then calls `onAlert` for each streamed alert until it returns
    /// false, the agent closes the stream (returns normally) or the connection breaks.
    public func followAlerts(_ onAlert: (AlertNotice) -> Bool) throws(ControlClientError) {
        switch try call(.alertsFollow) {
        case .following: break
        default: throw .connection(path: socketPath, message: "the agent did not start the alert stream")
        }
        while true {
            let reply: ControlReply
            do {
                reply = try receive(deadline: .never)
            } catch .connection(_, let message) where message == Self.closedMessage {
                return
            }
            guard case .alert(let notice) = reply else { continue }
            if !onAlert(notice) { return }
        }
    }

    /// Closes the connection (also done on deinit).
    public func disconnect() {
        socket?.close()
        socket = nil
        reader = nil
    }

    // MARK: private

    private static let closedMessage = "the agent closed the connection"

    private func connectIfNeeded() throws(ControlClientError) {
        guard socket == nil else { return }
        guard let address = SocketAddress.unix(socketPath) else {
            throw .connection(path: socketPath, message: "socket path too long")
        }
        let connected: Socket
        do {
            connected = try Socket.connected(to: address, nonBlocking: true, deadline: .after(timeout))
        } catch {
            switch error {
            case .system(.noSuchFileOrDirectory), .system(.notDirectory): throw .agentNotRunning(path: socketPath, detail: "no")
            case .system(.connectionRefused): throw .agentNotRunning(path: socketPath, detail: "nothing listens on")
            case .system(.permissionDenied), .system(.notPermitted): throw .denied(path: socketPath, message: "")
            case .system(let code): throw .connection(path: socketPath, message: String(cString: strerror(code.rawValue)))
            case .timedOut: throw .timedOut(path: socketPath, seconds: timeout)
            }
        }
        socket = connected
        reader = LineReader(socket: connected, maxLineBytes: 64 << 20)
    }

    private func send(_ request: ControlRequest) throws(ControlClientError) {
        do {
            guard let socket else { throw IOFailure.system(.socketNotConnected) }
            try socket.writeLine(ControlWire.encode(request), until: .after(timeout))
        } catch .timedOut {
            throw .timedOut(path: socketPath, seconds: timeout)
        } catch {
            throw .connection(path: socketPath, message: Self.closedMessage)
        }
    }

    private func receive(deadline: Deadline? = nil) throws(ControlClientError) -> ControlReply {
        guard var r = reader else { throw .connection(path: socketPath, message: "not connected") }
        defer { reader = r }
        let outcome: LineReader.Outcome
        do {
            outcome = try r.next(until: deadline ?? .after(timeout))
        } catch .timedOut {
            throw .timedOut(path: socketPath, seconds: timeout)
        } catch {
            throw .connection(path: socketPath, message: Self.closedMessage)
        }
        switch outcome {
        case .endOfStream: throw .connection(path: socketPath, message: Self.closedMessage)
        case .tooLong: throw .connection(path: socketPath, message: "the agent sent an oversized line")
        case .line(let line):
            let result: Result<ControlReply, ControlError>
            do { result = try ControlWire.decodeResponse(line) } catch {
                throw .connection(path: socketPath, message: error.message)
            }
            switch result {
            case .success(let reply): return reply
            case .failure(let error) where error.code == .denied: throw .denied(path: socketPath, message: error.message)
            case .failure(let error): throw .agent(error)
            }
        }
    }
}
