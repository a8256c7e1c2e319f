/// What the agent implements to answer control requests.
///
/// Exists so that this module knows nothing of the sensor, the prevention engine or the store:
/// the server parses, authorises and frames; the handler acts. Called on the server's connection
/// threads (plain OS threads, never Swift's cooperative pool), possibly on several at once, so
/// implementations must be thread-safe; a call may block briefly (a simulation may take seconds,
/// bounded by the client's own timeout). `alerts.follow` never reaches the handler: the agent
/// publishes alerts into `ControlServer.alerts` instead.
public protocol ControlHandler: Sendable {
    /// Answers an authorised request from `peer` (record `peer` in the audit trail for changes).
    func handle(_ request: ControlRequest, from peer: Peer) -> Result<ControlReply, ControlError>

    /// Told about every refused request, for the audit trail. Default: nothing.
    func denied(_ operation: ControlOperation, peer: Peer, error: ControlError)
}

extension ControlHandler {
    public func denied(_ operation: ControlOperation, peer: Peer, error: ControlError) {}
}

/// Tunables of `ControlServer`. Sendable value.
public struct ControlServerConfiguration: Sendable {
    public var socketPath: String
    /// Group allowed read-only requests and given group ownership of the socket; nil: root only.
    public var readGroup: String?
    /// Mode of the socket file (0660: root and the read group may connect).
    public var socketMode: UInt32
    /// Longest request line accepted; a longer one gets `bad_request` and the connection closes.
    public var maxLineBytes: Int
    /// Seconds a connection may take to send a complete request line before it is dropped.
    public var requestTimeout: Double
    /// Seconds a write to a client may block before the connection is dropped.
    public var writeTimeout: Double
    /// Connections served at once (followers included); the next ones get `unavailable`.
    public var maxConnections: Int
    /// Alerts buffered per follower before the oldest are dropped.
    public var followerQueueCapacity: Int

    public init(socketPath: String = ControlModule.defaultSocketPath,
                readGroup: String? = ControlModule.defaultReadGroup,
                socketMode: UInt32 = 0o660, maxLineBytes: Int = 64 * 1024, requestTimeout: Double = 10,
                writeTimeout: Double = 5, maxConnections: Int = 16, followerQueueCapacity: Int = 256) {
        self.socketPath = socketPath; self.readGroup = readGroup; self.socketMode = socketMode
        self.maxLineBytes = maxLineBytes; self.requestTimeout = requestTimeout; self.writeTimeout = writeTimeout
        self.maxConnections = maxConnections; self.followerQueueCapacity = followerQueueCapacity
    }
}

/// Why the control server could not start. Sendable value.
public enum ControlServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another agent answers on the socket.
    case alreadyRunning(path: String)
    /// Something that is not a socket sits at the path; it is left alone.
    case notASocket(path: String)
    case pathTooLong(path: String)
    /// A system call failed: which, on what, and errno's text.
    case system(call: String, path: String, message: String)

    public var description: String {
        switch self {
        case .alreadyRunning(let path):
            return "another mamori agent already answers on \(path): stop it first (`systemctl stop mamori`) "
                + "or give this one another control socket"
        case .notASocket(let path):
            return "\(path) exists and is not a socket: remove it or choose another control socket path"
        case .pathTooLong(let path):
            return "control socket path too long (max 107 bytes): \(path)"
        case .system(let call, let path, let message):
            return "control socket \(path): \(call) failed: \(message)"
        }
    }
}
